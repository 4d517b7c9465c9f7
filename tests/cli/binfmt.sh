# tonistiigi/binfmt's interface (qus binfmt), as docker/setup-qemu-action
# drives it: each of the action's calls, its rule for a failed step (exit
# status not 0 AND standard error not empty), its JSON.parse of standard
# output, and the registration after each step; on the real kernel in a
# private binfmt_misc instance.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
host=$(host_target)
foreign=$("$QUS" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')

qemu_flags() { (cd $BM && cat qemu-* 2>/dev/null | sed -n 's/^flags: *//p' | sort -u); }
qemu_count() { count_files "$BM"/qemu-*; }
qemu_names() { (cd $BM && for f in qemu-*; do [ -e "$f" ] && echo "$f"; done); }
# Entries of other programs, as a WSL or Debian host has them: they must survive.
others() {
	printf ':WSLInterop:M::MZ::/bin/false:' >$BM/register
	printf ':python3.11:M::\\xa7\\x0d\\x0d\\x0a::/bin/false:' >$BM/register
}

# The action's rule: a step fails when the exit status is not 0 AND
# standard error is not empty (src/main.ts, every getExecOutput).
step_failed() { [ "$rc" != 0 ] && [ -n "$err" ]; }
step_passes() { ! step_failed; }
# The message it shows then: the last line of standard error.
step_message() { printf '%s\n' "$err" | tail -n 1; }
# JSON.parse(stdout.trim()): exactly one JSON value, an object.
one_json_object() { [ "$(jq -s 'length' <<<"$1" 2>/dev/null)" = 1 ] && [ "$(jq -r type <<<"$1")" = object ]; }
# core.setOutput('platforms', platforms.supported.join(','))
action_platforms() { jq -r '.supported | join(",")' <<<"$1"; }

# --- 1. IMAGE --version ---------------------------------------------------------
run "$QUS" --version
rc_is 0 "--version: exit 0"
check "--version: prints something" [ -n "$out$err" ]

# --- 2. IMAGE --uninstall qemu-* (reset: true) ----------------------------------------
others
printf ':qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:' >$BM/register
"$QUS" register s390x >/dev/null
run "$QUS" --uninstall 'qemu-*'
rc_is 0 "--uninstall 'qemu-*' (the * unexpanded, as the action passes it): exit 0"
check "... the step does not fail by the action's rule" step_passes
is "$(qemu_count)" 0 "... every qemu-* entry is gone"
check "... WSLInterop stays" test -e $BM/WSLInterop
check "... another program's entry stays" test -e $BM/python3.11
check "... register and status stay" test -e $BM/register -a -e $BM/status
like "$err" "qemu-aarch64: removed" "... results on standard error"
check "... standard output is one JSON object" one_json_object "$out"

run "$QUS" --uninstall 'qemu-*'
rc_is 0 "--uninstall 'qemu-*' with nothing to remove: exit 0"
like "$err" "qemu-*: no entry matches" "... and says so"

run "$QUS" --uninstall '*'
rc_is 0 "--uninstall '*': exit 0"
check "... WSLInterop stays (tonistiigi/binfmt skips it by name)" test -e $BM/WSLInterop
check "... python3.11 stays (tonistiigi/binfmt would remove it)" test -e $BM/python3.11
like "$err" "python3.11: left alone: not a QEMU entry" "... and says why"

# --- 3. IMAGE --install all (the action's default platforms) -------------------------
run "$QUS" --install all
rc_is 0 "--install all: exit 0"
check "... the step does not fail" step_passes
is "$(qemu_count)" "$foreign" "... every foreign target is registered ($foreign)"
is "$(qemu_flags)" OCF "... with tonistiigi/binfmt's flags CF (the kernel adds O for C)"
check "... no entry for the host's own architecture ($host)" test ! -e "$BM/qemu-$host"
check "... other programs' entries untouched" test -e $BM/WSLInterop -a -e $BM/python3.11
check "... standard output is one JSON object (results go to standard error)" one_json_object "$out"
like "$err" "qemu-aarch64: registered /usr/bin/qemu-aarch64-static (flags: OCF)" "... one line per entry on standard error"
if have_fixtures; then
	is "$("$(busybox_path arm64)" uname -m)" aarch64 "... an arm64 program runs"
fi

before=$(binfmt_state)
run "$QUS" --install all
rc_is 0 "--install all again: exit 0 (tonistiigi/binfmt says 'already registered')"
like "$err" "$foreign unchanged" "... every entry unchanged"
is "$(binfmt_state)" "$before" "... binfmt_misc exactly as before"

# --- 4. IMAGE (no arguments): the status document ------------------------------------
run "$QUS" binfmt
rc_is 0 "qus binfmt (what the images run given no arguments): exit 0"
check "... stdout is exactly one JSON object (JSON.parse)" one_json_object "$out"
is "$(jq -r 'keys_unsorted | join(",")' <<<"$out")" "supported,emulators" "... tonistiigi/binfmt's keys, in its order"
is "$err" "" "... nothing on standard error"
enabled=$(cd $BM && for f in *; do
	[ "$f" = register ] || [ "$f" = status ] || { head -n 1 "$f" | grep -qx enabled && echo "$f"; }
done)
is "$(jq -r '.emulators[]' <<<"$out")" "$enabled" "emulators: every enabled entry, by name"

# What "supported" must be, derived without qus's table: the host's
# platform, amd64's levels as glibc's loader reads the CPU, each 32-bit mode
# the kernel runs, then each target that qus check proves runs through an F
# entry.
declare -A platform=(
	[x86_64]=linux/amd64 [aarch64]=linux/arm64 [arm]="linux/arm/v7 linux/arm/v6"
	[i386]=linux/386 [riscv64]=linux/riscv64 [ppc64le]=linux/ppc64le [ppc64]=linux/ppc64
	[s390x]=linux/s390x [mips64el]=linux/mips64le [mips64]=linux/mips64 [mipsel]=linux/mipsle
	[mips]=linux/mips [loongarch64]=linux/loong64
)
# amd64's levels: glibc's loader is the oracle (it reads CPUID and XCR0 as
# the psABI defines the levels); /proc/cpuinfo's flag names are a second
# opinion: where the two disagree the test says so and holds qus to the
# loader's (tests/lib/env.sh).
levels='' levels_oracle=''
if [ "$host" = x86_64 ]; then
	as_platforms() { sed 's|^|linux/amd64/v|'; }
	levels_cpuinfo=$(amd64_levels_cpuinfo | as_platforms)
	if glibc=$(amd64_levels_glibc); then
		levels=$(as_platforms <<<"$glibc" | grep .) levels_oracle="glibc's loader (ld.so --help)"
		if [ "$levels" != "$levels_cpuinfo" ]; then
			next=$(($(grep -c . <<<"$levels_cpuinfo") + 2)) lc=${levels_cpuinfo:-none}
			diag "amd64 levels: the oracles disagree: glibc's loader says ${levels//$'\n'/ }, /proc/cpuinfo says ${lc//$'\n'/ } (its flags lack $(amd64_cpuinfo_lacks $next)for v$next); qus is held to the loader's, which reads CPUID as the psABI defines the levels"
		fi
	else
		levels=$levels_cpuinfo levels_oracle=/proc/cpuinfo
	fi
fi
expected_supported() {
	local name native result flags
	# shellcheck disable=SC2086 # a platform list is words
	printf '%s\n' ${platform[$host]:-}
	[ -n "$levels" ] && printf '%s\n' "$levels"
	"$QUS" check --json | jq -r '.targets[] | [.name, .native, .result, (.flags // "-")] | @tsv' |
		while IFS=$'\t' read -r name native result flags; do
			if [ -z "${platform[$name]:-}" ] || [ "$native" = host ]; then continue; fi
			if [ "$native" = compat ] || { [ "$result" = ok ] && [[ $flags == *F* ]]; }; then
				# shellcheck disable=SC2086
				printf '%s\n' ${platform[$name]}
			fi
		done
}
expected=$(expected_supported)
is "$(jq -r '.supported[]' <<<"$out")" "$expected" "supported: the host's platforms, then those the probes prove"
like "$(action_platforms "$out")" "linux/arm64" "the action's output names linux/arm64"
like "$(action_platforms "$out")" "linux/arm/v7,linux/arm/v6" "... linux/arm/v7 and v6, as BuildKit lists them"
if [ "$host" = x86_64 ]; then
	is "$(jq -r '.supported[0]' <<<"$out")" linux/amd64 "supported starts with the host's own platform"
	is "$(jq -r '[.supported[] | select(startswith("linux/amd64/"))] | join(" ")' <<<"$out")" \
		"${levels//$'\n'/ }" "... with the CPU's microarchitecture levels, as $levels_oracle reads them"
fi
like "$(action_platforms "$out")" "linux/loong64" "... linux/loong64, proved by its probe program"

# A disabled entry: neither emulator nor supported.
echo 0 >$BM/qemu-aarch64
run "$QUS"
rc_is 2 "qus alone (not the image) still prints its usage: exit 2"
run "$QUS" binfmt
is "$(jq -r '.emulators | index("qemu-aarch64")' <<<"$out")" null "a disabled entry is not among the emulators"
unlike "$(action_platforms "$out")" "linux/arm64" "... and its platform is not supported"
echo 1 >$BM/qemu-aarch64

# An entry without F: its emulator runs here, but not in a container without it.
"$QUS" register --no-persistent riscv64 >/dev/null
run "$QUS" binfmt
unlike "$(action_platforms "$out")" "linux/riscv64" "an entry without F: its platform is not supported"
run "$QUS" --install riscv64
like "$err" "qemu-riscv64: replaced with /usr/bin/qemu-riscv64-static (flags: OCF)" "--install replaces it with CF"
like "$(action_platforms "$out")" "linux/riscv64" "... and the platform is supported again"

# --- platform names and Go's option forms --------------------------------------------
"$QUS" --uninstall 'qemu-*' >/dev/null 2>&1
run "$QUS" --install arm64,riscv64
rc_is 0 "--install arm64,riscv64: exit 0"
is "$(qemu_names | tr '\n' ' ')" "qemu-aarch64 qemu-riscv64 " "... exactly those two"

"$QUS" --uninstall 'qemu-*' >/dev/null 2>&1
run "$QUS" --install linux/arm/v7,linux/s390x,mips64le,loong64,386,linux/amd64/v2
rc_is 0 "--install with platform strings and Go's names: exit 0"
want="qemu-arm qemu-loongarch64 qemu-mips64el qemu-s390x"
[ "$(native_kind i386)" = no ] && want="qemu-arm qemu-i386 qemu-loongarch64 qemu-mips64el qemu-s390x"
is "$(qemu_names | tr '\n' ' ' | sed 's/ $//')" "$want" "... arm, s390x, mips64el, loongarch64 (i386 only if the kernel does not run it)"
check "... amd64 (this host: $host) is not registered" test ! -e $BM/qemu-x86_64 -o "$host" != x86_64

for form in --install=arm64 -install=arm64 "-install arm64"; do
	# shellcheck disable=SC2086 # "-install arm64" is two words
	run "$QUS" $form
	rc_is 0 "Go's form $form: exit 0"
	check "... qemu-aarch64 registered" test -e $BM/qemu-aarch64
done
run "$QUS" --binfmt-dir $BM --install arm64
rc_is 0 "--binfmt-dir before --install"
run "$QUS" --mount $BM --uninstall arm64,linux/s390x
rc_is 0 "--uninstall arm64,linux/s390x (--mount, tonistiigi/binfmt's --binfmt-dir): exit 0"
check "... qemu-aarch64 and qemu-s390x removed" test ! -e $BM/qemu-aarch64 -a ! -e $BM/qemu-s390x
check "... qemu-arm stays (not a prefix match)" test -e $BM/qemu-arm

run env QEMU_PRESERVE_ARGV0=1 "$QUS" --install arm64
rc_is 0 "QEMU_PRESERVE_ARGV0=1 --install arm64: exit 0"
is "$(sed -n 's/^flags: *//p' $BM/qemu-aarch64)" POCF "... flags P and CF"

# --- failures: exit status 1 or 2, a line on standard error ---------------------------
before=$(binfmt_state)
run "$QUS" --install arm64,frobnicate
rc_is 2 "an unknown platform: exit 2"
is "$(printf '%s\n' "$err" | head -n 1)" "qus: binfmt: --install: unknown platform 'frobnicate' (give 'all' or names such as arm64, linux/arm/v7, riscv64; 'qus targets' lists them)" \
	"... one line naming it and what to give"
errors_are_qus_lines "... only qus: lines"
is "$out" "" "... nothing on standard output"
is "$(binfmt_state)" "$before" "... nothing changed (arm64 was not registered either)"
check "... the action's step fails" step_failed

run "$QUS" --install arm64 riscv64
rc_is 2 "--install arm64 riscv64 (two words): exit 2"
like "$err" "unexpected argument 'riscv64'" "... names the stray word"
run "$QUS" --install ''
rc_is 2 "--install '': exit 2"
run "$QUS" --install
rc_is 2 "--install without a value: exit 2"
run "$QUS" --install arm64 --reset
rc_is 2 "an option of the other interface: exit 2"

"$QUS" --uninstall arm64 >/dev/null 2>&1
run env QEMU_BINARY_PATH=/nonexistent "$QUS" --install arm64
rc_is 1 "--install arm64 without its emulator: exit 1"
like "$err" "qemu-aarch64: no emulator in /nonexistent" "... the reason on standard error"
check "... the action's step fails" step_failed
like "$(step_message)" "0 registered" "... with the summary as its message"
check "... the JSON is printed all the same" one_json_object "$out"
run env QEMU_BINARY_PATH=/nonexistent "$QUS" --install all
rc_is 1 "--install all with no emulator at all: exit 1"
like "$(step_message)" "--install all: no emulator in /nonexistent" "... said last"

run "$QUS" binfmt --mount /nonexistent
rc_is 1 "status of a binfmt_misc that cannot be read: exit 1"
check "... the action's step fails" step_failed
check "... the JSON (native platforms, no emulators) is printed all the same" one_json_object "$out"

# --- a container's view: binfmt_misc not mounted yet ---------------------------------
mnt=$(mktemp -d)
run "$QUS" binfmt --mount "$mnt"
rc_is 0 "status on an unmounted directory: exit 0"
is "$err" "" "... mounts binfmt_misc silently (a read)"
like "$(jq -r '.emulators[]' <<<"$out")" "qemu-arm" "... and lists this instance's entries"
umount "$mnt" 2>/dev/null
run "$QUS" --mount "$mnt" --install arm64
rc_is 0 "--install on an unmounted directory: exit 0"
like "$err" "binfmt_misc was not mounted; mounted it on $mnt" "... says it mounted binfmt_misc"
umount "$mnt" 2>/dev/null
rmdir "$mnt"

# --- the action's sequence, step by step --------------------------------------------
# reset: true, platforms: arm64,riscv64,arm
steps=("--version" "--uninstall qemu-*" "--install arm64,riscv64,arm" "")
failed=
for s in "${steps[@]}"; do
	set -f # the action passes these as separate words, qemu-* unexpanded
	# shellcheck disable=SC2086
	if [ -n "$s" ]; then run "$QUS" $s; else run "$QUS" binfmt; fi
	set +f
	step_failed && failed="$failed [$s: $(step_message)]"
	case $s in
	--uninstall*) is "$(qemu_count)" 0 "action sequence: after --uninstall, no qemu-* entry" ;;
	--install*) is "$(qemu_names | tr '\n' ' ')" "qemu-aarch64 qemu-arm qemu-riscv64 " "action sequence: after --install, exactly the three" ;;
	esac
done
is "$failed" "" "action sequence: no step fails by the action's rule"
is "$(action_platforms "$out" | tr ',' '\n' | grep -v "^linux/amd64\|^linux/386" | sort | tr '\n' ' ')" \
	"linux/arm/v6 linux/arm/v7 linux/arm64 linux/riscv64 " "action sequence: its output, the platforms installed (and the native ones)"
check "action sequence: other programs' entries untouched" test -e $BM/WSLInterop -a -e $BM/python3.11

echo -1 >$BM/WSLInterop
echo -1 >$BM/python3.11
done_testing

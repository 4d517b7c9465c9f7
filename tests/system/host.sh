# The release binary on this machine's own binfmt_misc, as root: what a user
# does after installing qus.  The state is saved first and restored exactly
# at the end, also if the suite fails or is interrupted (tests/lib/hostguard.sh).
# Nothing here can capture native programs: the refusals are tested on
# private instances (cli/register, cli/compat), never on the host.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"

QUS=$QUS_STATIC
# The release binary itself, also in the sanitizer pass (tests/run), where
# QUS_STATIC is the sanitizer build: what only the release file can show.
REL=${QUS_RELEASE:-$QUS_STATIC}
BM=$HG_DIR
if [ "$(id -u)" != 0 ]; then
	skip "the host's binfmt_misc" "needs root"
	done_testing
	exit 0
fi
if [ ! -d $BM ]; then
	skip "the host's binfmt_misc" "this kernel has no binfmt_misc"
	done_testing
	exit 0
fi

hg_save
trap 'hg_restore' EXIT
trap 'hg_restore; exit 130' INT TERM
diag "binfmt_misc before the suite: $(head -1 <<<"$HG_BEFORE")"

qemu_count() { count_files "$BM"/qemu-*; }
qemu_flags() { (cd $BM && cat qemu-* | sed -n 's/^flags: *//p' | sort -u); }

# Start from no QEMU entries (another installer's are restored at the end).
[ -e $BM/register ] && "$QUS" unregister -q --all
# Asked with no entry in place: where the probes cannot run in a namespace
# of their own (Linux < 6.7), an entry could take them.
targets=$("$QUS" targets --json)
foreign=$(jq -r '[.targets[] | select(.native == "no")] | length' <<<"$targets")

check "the release binary is static (no program interpreter)" \
	sh -c "LC_ALL=C readelf -lW '$REL' | grep -q LOAD && ! LC_ALL=C readelf -lW '$REL' | grep -q INTERP"
# As the only file of a FROM scratch image: an empty root holding nothing else.
scratch=$(mktemp -d)
cp "$REL" "$scratch/qus"
run chroot "$scratch" /qus --version
is "$out" "$("$REL" --version)" "the release binary runs alone in an empty root directory"
run chroot "$scratch" /qus --reset --qemu-path /usr/bin --binfmt-dir /nonexistent
rc_is 1 "... and reports what it cannot do there in one line"
is "$err" "qus: /nonexistent does not exist (the kernel has no binfmt_misc; load it with 'modprobe binfmt_misc', or give the mount point with --binfmt-dir)" \
	"... (no binfmt_misc in an empty root)"
run chroot "$scratch" /qus register --dry-run --no-persistent aarch64
rc_is 0 "... and builds register strings there (without F the emulator may be elsewhere)"
like "$out" ":qemu-aarch64:M::" "... the aarch64 string"
rm -rf "$scratch"
diag "release binary: $(stat -c %s "$REL") bytes"

was_mounted=$([ -e $BM/register ] && echo yes || echo no)
run "$QUS" register
rc_is 0 "qus register on the host: exit 0"
if [ "$was_mounted" = no ]; then
	like "$err" "mounted it on $BM" "binfmt_misc was not mounted: qus mounted it and said so"
fi
is "$(qemu_count)" "$foreign" "every foreign target is registered ($foreign)"
is "$(qemu_flags)" "$(default_flags)" "with the default flags of Linux $(uname -r): $(default_flags)"
run "$QUS" status
rc_is 0 "status"
like "$out" "binfmt_misc on $BM: enabled" "status: where and enabled"
run "$QUS" status --json
check "status --json is valid JSON" is_json "$out"
is "$(jq '[.entries[] | select(.qemu and .enabled and .interpreter_exists)] | length' <<<"$out")" "$foreign" \
	"status --json: every QEMU entry enabled, interpreter present"

if have_fixtures; then
	for b in $BUSYBOXES; do
		IFS=: read -r arch target uname <<<"$b"
		if ! want=$(fixture_uname "$arch" "$uname"); then
			skip "busybox-static:$arch on the host" "whether this kernel runs $arch programs itself cannot be asked: $(private_binfmt_missing)"
		elif [ "$want" = "$uname" ]; then
			is "$("$(busybox_path "$arch")" uname -m 2>&1)" "$want" "busybox-static:$arch through the host's qemu-$target: uname -m is $want"
		else
			is "$("$(busybox_path "$arch")" uname -m 2>&1)/$(test -e "$BM/qemu-$target" && echo entry)" "$want/" \
				"busybox-static:$arch runs natively here (uname -m $want), with no qemu-$target entry"
		fi
	done
else
	skip "foreign programs on the host" "fixtures missing: run ./setup.sh fixtures"
fi

state=$(hg_state)
run "$QUS" register
rc_is 0 "register again: exit 0"
like "$out" "$foreign unchanged" "register again: every entry unchanged"
is "$(hg_state)" "$state" "register again: binfmt_misc is byte for byte the same"

run "$QUS" register --dry-run
is "$(printf '%s\n' "$out" | grep -c '^:qemu-')" "$foreign" "dry run prints every register string"
is "$(hg_state)" "$state" "dry run changes nothing"

# The seeds' command lines.
printf ':qus-test-other:M::\\x00QUSTEST\\x01::/bin/false:' >$BM/register
run "$QUS" --reset -p yes
rc_is 0 "qus --reset -p yes: exit 0"
is "$(qemu_flags)" F "--reset -p yes: every entry has F"
is "$(sed -n 2p $BM/qemu-aarch64)" "interpreter /usr/bin/qemu-aarch64-static" "... interpreter /usr/bin/qemu-aarch64-static"
check "--reset leaves other programs' entries" test -e $BM/qus-test-other
if have_fixtures; then
	is "$("$(busybox_path arm64)" uname -m)" aarch64 "after --reset -p yes an arm64 program runs"
fi
run "$QUS" --reset
is "$(qemu_flags)" "" "--reset alone: no flags"
run "$QUS" --credential yes -p yes
rc_is 0 "qus --credential yes -p yes: exit 0 (Debian's emulators are root's)"
is "$(qemu_flags)" OCF "--credential yes -p yes: OCF"

# Not root: refused with the reason, nothing changed.
state=$(hg_state)
run setpriv --reuid=65534 --regid=65534 --clear-groups "$QUS" register aarch64
rc_is 1 "register as an ordinary user: exit 1"
like "$err" "qus: cannot register in $BM: Permission denied (run as root" "... Permission denied, and what to do"
run setpriv --reuid=65534 --regid=65534 --clear-groups "$QUS" unregister --all
rc_is 1 "unregister as an ordinary user: exit 1"
is "$(hg_state)" "$state" "an ordinary user changed nothing"
run setpriv --reuid=65534 --regid=65534 --clear-groups "$QUS" status aarch64
rc_is 0 "status works for an ordinary user"

run "$QUS" unregister --all
rc_is 0 "unregister --all: exit 0"
is "$(qemu_count)" 0 "no qemu-* entry is left"
check "other programs' entries are left" test -e $BM/qus-test-other
echo -1 >$BM/qus-test-other
run "$QUS" register
like "$out" "$foreign added" "register after unregister: everything added again"

hg_restore
check "the host's binfmt_misc is exactly as before the suite" hg_unchanged
if ! hg_unchanged; then
	diff <(echo "$HG_BEFORE") <(hg_state) | sed 's/^/# /'
fi
done_testing

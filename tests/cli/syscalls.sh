# qus check --syscalls in a private binfmt_misc instance, with the emulators
# of three QEMU generations: Debian 12's qemu-user-static (7.2, installed),
# trixie's qemu-user (10.0) and sid's (11.1), unpacked by tests/run.  For
# each, qus's report is held to an independent witness: for every target
# with a Debian cross compiler, tests/matrix/syscalls.c built for it (with
# its C library's syscall(2), or its own system call sequence where Debian
# 12 has no C library that runs, as tests/system/matrix.sh builds its Hello
# Worlds) and run through the same registration must get the same answer
# to every call.  Then what the issue measured by hand, the difference
# between 7.2 and 11.1 (found, and named), the JSON schema of qus(1), the
# ways a target or a call cannot be told (a stand-in emulator), qus run,
# and doc/syscalls.md against the list.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ORACLE_SRC=$QUS_ROOT/tests/matrix/syscalls.c
# Built once per source and compiler line, kept between runs.
ORACLES=$QUS_ROOT/build/syscall-oracles

# --- nothing registered -------------------------------------------------------
run "$QUS" check --syscalls
rc_is 1 "nothing registered: check --syscalls fails"
like "$err" "qus: check --syscalls: no foreign target has an entry here (qus register)" "... saying so"
errors_are_qus_lines "... in qus: lines"
run "$QUS" check --syscalls aarch64
rc_is 1 "a named target without an entry: exit 1"
like "$out" "aarch64: not checked: no entry (qus register aarch64)" "... naming the reason and the fix"
run "$QUS" check --syscalls --json aarch64
is "$(jq -c '.targets[0] | [.result, .reason, .calls, .missing]' <<<"$out")" \
	'["failed","no entry (qus register aarch64)",[],[]]' "... and in --json"
host=$(host_target)
run "$QUS" check --syscalls "$host"
rc_is 0 "the host's own target, named: no failure"
like "$out" "$host: native: this kernel runs its programs itself: no emulator to ask" "... it is native"
run "$QUS" check --syscalls --timeout 0
rc_is 2 "--timeout 0: usage error"
run "$QUS" check --syscalls sparc65
rc_is 2 "an unknown target: usage error"

# --- the list, documented ------------------------------------------------------
run "$QUS" check --syscalls --json aarch64
list=$(jq -r '.calls[] | "\(.name) (\(.args | map(tostring) | join(", ")))"' <<<"$out")
n=$(wc -l <<<"$list")
check "the list has every call from 424 to 471 and the 8 older ones ($n)" [ "$n" -ge 56 ]
# doc/syscalls.md: a table row per call, in order, its arguments as passed.
# shellcheck disable=SC2016 # Markdown's backquotes, not a command
doc=$(sed -n 's/^| \([a-z0-9_]*\) | [0-9.]* | `(\([^`]*\))` |.*/\1 \2/p' "$QUS_ROOT/doc/syscalls.md" |
	while read -r name args; do
		printf '%s (' "$name"
		first=1
		for a in ${args//,/ }; do
			[ $first = 1 ] || printf ', '
			printf '%d' "$a"
			first=0
		done
		echo ")"
	done)
is "$doc" "$list" "doc/syscalls.md lists every call, in order, with the arguments qus passes"
# The witness's own list: C(name, nargs, six words).
oracle_list=$(sed -n 's/^	C(\([a-z0-9_]*\), \([0-9]\), \(.*\));$/\1 \2 \3/p' "$ORACLE_SRC" |
	while read -r name nargs args; do
		read -r -a a <<<"${args//,/ }"
		printf '%s (' "$name"
		for ((i = 0; i < nargs; i++)); do
			[ $i = 0 ] || printf ', '
			printf '%d' "${a[i]}"
		done
		echo ")"
	done)
is "$oracle_list" "$list" "tests/matrix/syscalls.c makes the same calls, in order, with the same arguments"
mapfile -t names < <(jq -r '.calls[].name' <<<"$out")

# --- the witnesses --------------------------------------------------------------
# target  compiler  libc or nolibc  flags (the compilers of tests/system/matrix.sh)
WITNESSES='
aarch64      aarch64-linux-gnu-gcc        libc
arm          arm-linux-gnueabihf-gcc      libc
riscv64      riscv64-linux-gnu-gcc        libc
s390x        s390x-linux-gnu-gcc          libc
ppc64le      powerpc64le-linux-gnu-gcc    libc
ppc64        powerpc64-linux-gnu-gcc      libc
ppc          powerpc-linux-gnu-gcc        libc
mips         mips-linux-gnu-gcc           libc
mipsel       mipsel-linux-gnu-gcc         libc
mips64       mips64-linux-gnuabi64-gcc    libc
mips64el     mips64el-linux-gnuabi64-gcc  libc
mipsn32      mips64-linux-gnuabi64-gcc    libc    -mabi=n32
mipsn32el    mips64el-linux-gnuabi64-gcc  libc    -mabi=n32
m68k         m68k-linux-gnu-gcc           libc
hppa         hppa-linux-gnu-gcc           libc
sparc64      sparc64-linux-gnu-gcc        libc
sparc32plus  sparc64-linux-gnu-gcc        libc    -m32
i386         i686-linux-gnu-gcc           libc
sh4          sh4-linux-gnu-gcc            nolibc
sh4eb        sh4-linux-gnu-gcc            nolibc  -mb -Wl,-m,shlelf_linux,-EB
alpha        alpha-linux-gnu-gcc          nolibc
aarch64_be   aarch64-linux-gnu-gcc        nolibc  -mbig-endian
armeb        arm-linux-gnueabi-gcc        nolibc  -mbig-endian -march=armv7-a
sparc        sparc64-linux-gnu-gcc        nolibc  -m32 -mcpu=v8
riscv32      riscv64-linux-gnu-gcc        nolibc  -march=rv32gc -mabi=ilp32d
hexagon      clang                        nolibc  --target=hexagon-unknown-linux-musl -mcpu=hexagonv60 -fuse-ld=lld
loongarch64  clang-19                     nolibc  --target=loongarch64-linux-gnu -fuse-ld=lld
or1k         or1k-elf-gcc                 nolibc  -Wl,-Ttext-segment=0x400000,-e,_start
xtensa       xtensa-lx106-elf-gcc         nolibc
'
mkdir -p "$ORACLES"
witnesses=() # "target path"
while read -r target cc kind flags; do
	[ -n "$target" ] || continue
	read -r -a f <<<"$flags"
	[ "$kind" = nolibc ] && f+=(-DNOLIBC -nostdlib -ffreestanding -fno-stack-protector)
	if ! command -v "$cc" >/dev/null; then
		skip "the witness for $target ($cc)" "$cc is not installed (setup.sh installs it)"
		continue
	fi
	key=$(cat "$ORACLE_SRC" - <<<"$cc ${f[*]}" | sha256sum | cut -c1-16)
	bin=$ORACLES/$target-$key
	if [ ! -x "$bin" ]; then
		rm -f "$ORACLES/$target"-*
		if ! "$cc" -static -O2 "${f[@]}" -o "$bin.tmp" "$ORACLE_SRC" 2>"$tmp/cc.err"; then
			not_ok "$cc ${f[*]} builds the witness for $target"
			diag "$(head -5 "$tmp/cc.err")"
			continue
		fi
		mv "$bin.tmp" "$bin"
	fi
	witnesses+=("$target $bin")
done <<<"$WITNESSES"
diag "witnesses for ${#witnesses[@]} targets; none for microblaze, microblazeel, xtensaeb (no compiler in Debian 12), x86_64 (the host)"

# What a witness says, as "NAME RESULT" lines in the list's order.
witness() {
	local k result
	timeout 60 "$1" 2>/dev/null | while read -r k result; do echo "${names[k]} $result"; done
}
# What qus's --json ($1) says, the same way, as "TARGET NAME RESULT" lines.
reported() {
	jq -r '.targets[] | .name as $t | .calls[] |
		"\($t) \(.name) \(if .state == "none" then "none" elif .errno != null then .errno
			elif .value != null then "ok" else "unanswered: \(.reason)" end)"' <<<"$1"
}

# --- three generations --------------------------------------------------------
ROUNDS=("7.2:/usr/bin")
if [ -n "${QUS_QEMU10_DIR:-}" ] && [ -x "$QUS_QEMU10_DIR/qemu-aarch64" ]; then
	ROUNDS+=("10.0:$QUS_QEMU10_DIR")
else
	skip "QEMU 10.0" "QUS_QEMU10_DIR is not set (tests/run unpacks trixie's qemu-user, a fixture of setup.sh)"
fi
if [ -n "${QUS_QEMU11_DIR:-}" ] && [ -x "$QUS_QEMU11_DIR/qemu-aarch64" ]; then
	ROUNDS+=("11.1:$QUS_QEMU11_DIR")
else
	skip "QEMU 11.1" "QUS_QEMU11_DIR is not set (tests/run unpacks sid's qemu-user, a fixture of setup.sh)"
fi
declare -A json_of=() # the report of each generation, in a file
for r in "${ROUNDS[@]}"; do
	v=${r%%:*} dir=${r#*:}
	"$QUS" unregister -q --all
	"$QUS" register -q --qemu-path "$dir" || not_ok "QEMU $v: registering $dir"
	nentries=$("$QUS" status --json | jq '[.entries[] | select(.qemu)] | length')
	t0=${EPOCHREALTIME/./}
	run "$QUS" check --syscalls --json
	t1=${EPOCHREALTIME/./}
	json=$out
	json_of[$v]=$tmp/$v.json
	printf '%s\n' "$json" >"${json_of[$v]}"
	rc_is 0 "QEMU $v: check --syscalls: every registered target's probe ran, exit 0"
	diag "QEMU $v: $(((t1 - t0) / 1000)) ms for $nentries targets (the sanitizer build; bench/syscalls.sh times the release binary)"
	is "$(jq '[.targets[] | select(.result == "ok")] | length' <<<"$json")" "$nentries" \
		"QEMU $v: each of the $nentries registered targets checked"
	is "$(jq -r '[.targets[] | .qemu_version | split(".")[0:2] | join(".")] | unique | join(" ")' <<<"$json")" "$v" \
		"QEMU $v: the release of every emulator is said"
	# The schema of qus(1), member by member.
	is "$(jq -c '[.schema, (.kernel | type), (.host | keys), (.host.abi | type), .host.asked]' <<<"$json")" \
		'[1,"string",["abi","asked"],"string",true]' "QEMU $v: --json: schema, kernel, host"
	is "$(jq -c '[.calls[] | keys] | unique' <<<"$json")" \
		'[["args","breaks","generic_number","host_errno","host_number","name","since"]]' \
		"QEMU $v: --json: each call's members"
	is "$(jq '[.calls[] | select((.args | type) != "array" or ([.args[] | type] | unique | . - ["number"] | length) > 0
		or ((.breaks | type) as $b | $b != "string" and $b != "null")
		or ((.generic_number | type) as $g | $g != "number" and $g != "null")
		or (.host_number | type) != "number"
		or ((.host_errno | type) as $e | $e != "number" and $e != "null"))] | length' <<<"$json")" 0 \
		"QEMU $v: --json: each call's members have their types"
	is "$(jq -c '[.targets[] | keys] | unique' <<<"$json")" \
		'[["abi","calls","entry","interpreter","missing","name","qemu_version","reason","result","runs","unknown"]]' \
		"QEMU $v: --json: each target's members"
	is "$(jq -c '[.targets[].calls[] | keys] | unique' <<<"$json")" \
		'[["errno","name","number","reason","state","value"]]' "QEMU $v: --json: each call's answer's members"
	is "$(jq --argjson n "${#names[@]}" '[.targets[] | select((.calls | length) != $n
		or ([.calls[].name] != $ARGS.positional)
		or (.missing != [.calls[] | select(.state == "missing") | .name])
		or (.unknown != [.calls[] | select(.state == "unknown") | .name])
		or ([.calls[] | select(.state != "implemented" and .state != "missing" and .state != "unknown"
			and .state != "none")] | length) > 0
		or ([.calls[] | select(.state == "none" and .number != null)] | length) > 0
		or ([.calls[] | select(.state == "unknown" and .reason == null)] | length) > 0
		or ([.calls[] | select(.state == "missing" and .errno == null)] | length) > 0
		or .runs < 1 or .result != "ok" or .reason != null)] | length' \
		--args "${names[@]}" <<<"$json")" 0 \
		"QEMU $v: --json: every target has every call, in order, its state, and missing and unknown agree"
	is "$(jq '[.targets[] | .calls[0] | select(.name != "openat" or .state != "implemented")] | length' <<<"$json")" 0 \
		"QEMU $v: openat, which every emulator has, is implemented everywhere (the control)"
	# The text for people: one block per group of targets, what breaks, a summary.
	run "$QUS" check --syscalls
	rc_is 0 "QEMU $v: check --syscalls (text): exit 0"
	like "$out" "QEMU $v." "QEMU $v: the text names the release"
	like "$out" "qus: $nentries targets checked, 0 could not be checked" "QEMU $v: ... and ends with the summary"
	# Each witness through the same registration: the same answer to every call.
	reported "$json" >"$tmp/reported"
	for w in "${witnesses[@]}"; do
		read -r target bin <<<"$w"
		if ! grep -q "^$target " "$tmp/reported"; then
			diag "QEMU $v: $target is not checked here (native: $(native_kind "$target")): no comparison"
			continue
		fi
		is "$(witness "$bin")" "$(sed -n "s/^$target //p" "$tmp/reported")" \
			"QEMU $v, $target: tests/matrix/syscalls.c gets qus's answer to each of the ${#names[@]} calls"
	done
done

# --- what the issue measured by hand, and what differs -------------------------
# QEMU 7.2 answers ENOSYS for openat2, epoll_pwait2 and fchmodat2; 10.0
# for epoll_pwait2 only; 11.1 for none of them; every one of them for
# clone3, listmount and mseal.  Asserted for the releases it was measured on.
# The states of a call over every target, once each; "missing" where this
# kernel lacks the call too reads "unknown" (listmount before Linux 6.8).
states() { # JSON CALL
	jq -r --arg c "$2" '[.targets[].calls[] | select(.name == $c) | .state] | unique | join(" ")' <<<"$1"
}
expect() { # JSON CALL STATE...
	local json=$1 c=$2
	shift 2
	if [ "$(jq -r --arg c "$c" '.calls[] | select(.name == $c) | .host_errno' <<<"$json")" = 38 ]; then
		echo "${*//missing/unknown}"
	else
		echo "$*"
	fi
}
for r in "${ROUNDS[@]}"; do
	v=${r%%:*}
	json=$(cat "${json_of[$v]}")
	case $v in
	7.2) want=(missing missing missing) ;;
	10.0) want=(implemented missing implemented) ;;
	11.1) want=(implemented implemented implemented) ;;
	*) continue ;;
	esac
	is "$(states "$json" openat2) $(states "$json" epoll_pwait2) $(states "$json" fchmodat2)" \
		"$(expect "$json" openat2 "${want[0]}") $(expect "$json" epoll_pwait2 "${want[1]}") $(expect "$json" fchmodat2 "${want[2]}")" \
		"QEMU $v: openat2, epoll_pwait2, fchmodat2: ${want[*]} (on every target)"
	is "$(states "$json" clone3)|$(states "$json" listmount)|$(states "$json" mseal)" \
		"$(expect "$json" clone3 missing none)|$(expect "$json" listmount missing)|$(expect "$json" mseal missing)" \
		"QEMU $v: clone3 (sh4 has none), listmount, mseal: missing"
done
if [ -n "${json_of[7.2]:-}" ] && [ -n "${json_of[11.1]:-}" ]; then
	# Calls missing in 7.2 and implemented in 11.1, on aarch64.
	differ=$(jq -rn --slurpfile a "${json_of[7.2]}" --slurpfile b "${json_of[11.1]}" '
		[($a[0].targets[] | select(.name == "aarch64") | .calls) as $x
		 | ($b[0].targets[] | select(.name == "aarch64") | .calls) as $y
		 | range($x | length) | select($x[.].state == "missing" and $y[.].state == "implemented")
		 | $x[.].name] | join(" ")')
	check "QEMU 7.2 and 11.1 differ: aarch64's emulator lacks in 7.2 and has in 11.1: ${differ:-nothing}" [ -n "$differ" ]
	case " $differ " in
	*" openat2 "*) ok "... openat2 among them (what tar of Ubuntu 26.04 needs)" ;;
	*) not_ok "... openat2 among them (what tar of Ubuntu 26.04 needs)" ;;
	esac
	run "$QUS" check --syscalls aarch64
	unlike "$out" "openat2: tar" "QEMU 11.1: no word on what a missing openat2 breaks"
fi
if [ -n "${json_of[7.2]:-}" ]; then
	"$QUS" unregister -q --all
	"$QUS" register -q
	run "$QUS" check --syscalls aarch64 s390x
	rc_is 0 "QEMU 7.2: check --syscalls aarch64 s390x: exit 0"
	like "$out" "QEMU 7.2" "... the release"
	like "$out" "  missing (" "... the calls missing"
	like "$out" 'openat2: tar and systemd tools of recent distributions (Ubuntu 26.04, Fedora 44: "Cannot open:' \
		"... what a missing openat2 breaks"
	like "$out" "qus: 2 targets checked, 0 could not be checked" "... only the targets named"
fi

# --- a target or a call that cannot be told: a stand-in emulator -----------------
# It reads the system call probe (AT_EXECFD with flag O, else its path) and
# answers as $tmp/emu/mode says: "die K" dies of SIGSEGV at the call of
# index K, "hang K" sleeps there, "silent" writes nothing and fails,
# "other" writes a record of another call; every call it makes answers
# ENOSYS but openat (EFAULT).  CODELEN is the aarch64 probe's code length.
mkdir -p "$tmp/emu"
cat >"$tmp/fake.c" <<'EOF_C'
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>
static unsigned char img[65536];
static uint64_t word(size_t at)
{
	uint64_t v;
	memcpy(&v, img + at, 8);
	return v;
}
int main(int argc, char **argv)
{
	char mode[32] = "";
	long k = -1, codelen = 0;
	int fd = (int)getauxval(AT_EXECFD);
	FILE *f = fopen(MODE_FILE, "r");
	if (!f || fscanf(f, "%31s %ld %ld", mode, &k, &codelen) < 3)
		return 99;
	if (fd <= 0 && argc > 1)
		fd = open(argv[1], O_RDONLY);
	if (fd < 0 || pread(fd, img, sizeof(img), 0) <= 0)
		return 98;
	if (!strcmp(mode, "silent")) {
		fprintf(stderr, "stand-in broke\n");
		return 3;
	}
	size_t data = 64 + 56 + (size_t)codelen;
	uint64_t start = word(data), count = word(data + 8);
	if (write(1, img + data, 16) != 16)
		return 97;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t rec[3] = { word(data + 16 + 56 * i), 0, 0 };
		if ((long)(start + i) == k && !strcmp(mode, "die"))
			raise(SIGSEGV);
		if ((long)(start + i) == k && !strcmp(mode, "hang"))
			sleep(30);
		rec[1] = start + i == 0 ? (uint64_t)-14 : (uint64_t)-38;
		if (!strcmp(mode, "other"))
			rec[0] = 12345;
		if (write(1, rec, sizeof(rec)) != sizeof(rec))
			return 96;
	}
	return 0;
}
EOF_C
cc -static -O2 -DMODE_FILE="\"$tmp/emu/mode\"" -o "$tmp/emu/qemu-aarch64-static" "$tmp/fake.c" ||
	not_ok "building the stand-in emulator"
codelen=$(sed -n 's/^	{ "aarch64", [^,]*, [0-9]*, \([0-9]*\), syscalls_.*/\1/p' "$QUS_ROOT/src/core/probe_code.c")
emu() {
	echo "$1 $codelen" >"$tmp/emu/mode"
	"$QUS" unregister -q --all
	"$QUS" register -q --no-persistent --qemu-path "$tmp/emu" aarch64
}
emu "die 5"
run "$QUS" check --syscalls --json aarch64
rc_is 0 "a probe killed in call 5: still exit 0 (the others were told)"
is "$(jq -c --arg c "${names[5]}" '.targets[0] | [.result, .runs, (.calls[5] | [.name, .state, .reason]),
	.calls[4].errno, .calls[6].errno]' <<<"$out")" \
	"[\"ok\",2,[\"${names[5]}\",\"unknown\",\"the probe was killed by signal 11 (Segmentation fault) in it\"],38,38]" \
	"... ${names[5]} could not be told, with the signal; run again, the calls after it were"
run "$QUS" check --syscalls aarch64
like "$out" "could not tell, the probe was killed by signal 11 (Segmentation fault) in it (1): ${names[5]}" \
	"... and in the text"
emu "hang 2"
run "$QUS" check --syscalls --json --timeout 1 aarch64
is "$(jq -c '.targets[0] | [.result, .runs, .calls[2].state, .calls[2].reason, .calls[3].errno]' <<<"$out")" \
	'["ok",2,"unknown","the probe hung in it",38]' "--timeout 1: a call that hangs could not be told; the next ones were"
emu "silent 0"
run "$QUS" check --syscalls aarch64
rc_is 1 "a probe that never runs: exit 1"
like "$out" "aarch64: not checked: the probe did not run: exit status 3: stand-in broke" \
	"... with the exit status and the emulator's message"
emu "other 0"
run "$QUS" check --syscalls aarch64
rc_is 1 "records of other calls: exit 1"
like "$out" "aarch64: not checked: the probe wrote records of other calls" "... said"
rm "$tmp/emu/qemu-aarch64-static"
run "$QUS" check --syscalls aarch64
like "$out" "aarch64: not checked: emulator $tmp/emu/qemu-aarch64-static is missing" "a missing emulator (no F)"
echo 0 >/proc/sys/fs/binfmt_misc/qemu-aarch64
run "$QUS" check --syscalls aarch64
like "$out" "aarch64: not checked: the entry is disabled" "a disabled entry"
"$QUS" unregister -q --all

# --- where binfmt_misc cannot be seen (a container, the register image) ----------
# The kernel still runs programs through the entries; qus asks the probes.
# (--binfmt-dir at an empty directory: a binfmt_misc that is not mounted.)
mkdir -p "$tmp/nomount"
"$QUS" register -q aarch64 s390x
run "$QUS" check --syscalls --binfmt-dir "$tmp/nomount"
rc_is 0 "binfmt_misc not mounted here: check --syscalls still asks the kernel, exit 0"
like "$out" "qus: 2 targets checked, 0 could not be checked" "... the two targets it runs, found by their probes"
run "$QUS" check --syscalls --binfmt-dir "$tmp/nomount" riscv64
rc_is 1 "... a named target it does not run: exit 1"
like "$out" "riscv64: not checked: no entry here takes its programs (exec: Exec format error)" "... saying why"
"$QUS" unregister -q --all
run "$QUS" check --syscalls --binfmt-dir "$tmp/nomount"
rc_is 1 "... none: exit 1"
like "$err" "binfmt_misc is not mounted here, and the kernel runs no foreign target's programs" "... said"

# --- qus run: a registration of its own -----------------------------------------
run "$QUS" run -q -- "$QUS" check --syscalls aarch64 s390x
rc_is 0 "qus run -- qus check --syscalls aarch64 s390x: exit 0"
like "$out" "qus: 2 targets checked, 0 could not be checked" "... both checked in qus run's registration"

done_testing

# qus check in a private binfmt_misc instance: every probe through the real
# kernel and its emulator, and each way a check can fail, with its reason.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ntargets=$("$QUS" targets --json | jq ".targets | length")
nprobes=$(grep -c '^	{ "[^"]*", [^,]*, [0-9]*, [0-9]*, (const' "$QUS_ROOT/src/core/probe_code.c")
is "$nprobes" "$ntargets" "every one of the $ntargets targets has a probe program"

run "$QUS" check aarch64
rc_is 1 "nothing registered: check fails"
like "$out" "aarch64      no       -     -                                  -        failed: no entry (qus register aarch64)" \
	"... naming the reason and the fix"

"$QUS" register -q
run "$QUS" check
rc_is 0 "after qus register: check exits 0"
like "$out" "qus: $ntargets ok, 0 failed, 0 untested" "every probe ran through the kernel and printed its token"
run "$QUS" check --json
json=$out
check "check --json is JSON" is_json "$json"
is "$(jq -r '[.targets[] | select(.result == "ok")] | length' <<<"$json")" "$nprobes" "--json: $nprobes ok"
is "$(jq -r '[.targets[] | select(.result == "ok" and .output != "qus-probe \(.name)\n")] | length' <<<"$json")" 0 \
	"--json: each output is the target's own token"
is "$(jq -r '[.targets[] | select(.result != "ok")] | length' <<<"$json")" 0 "--json: none failed or untested"
is "$(jq -r '.targets[] | select(.native == "host") | [.result, .entry] | @csv' <<<"$json")" '"ok",' \
	"the host's own architecture runs natively, without an entry"
run "$QUS" check --json aarch64 riscv64
is "$(jq -c '[.schema, [.targets[] | .name, .result, .flags, .interpreter]]' <<<"$out")" \
	'[1,["aarch64","ok","POF","/usr/bin/qemu-aarch64-static","riscv64","ok","POF","/usr/bin/qemu-riscv64-static"]]' \
	"check --json TARGET...: only those, with entry, flags and interpreter"

# Each way to fail, on aarch64.
echo 0 >$BM/qemu-aarch64
run "$QUS" check aarch64
rc_is 1 "a disabled entry: exit 1"
like "$out" "failed: the entry is disabled" "... said"
echo -1 >$BM/qemu-aarch64

# A stand-in emulator (the kernel takes no script as an interpreter): it
# does what $tmp/emu/mode says.
mkdir -p "$tmp/emu"
cat >"$tmp/fake.c" <<'EOF_C'
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void)
{
	char mode[64] = "", arg[64] = "";
	FILE *f = fopen(MODE_FILE, "r");
	if (!f || fscanf(f, "%63s %63[^\n]", mode, arg) < 1)
		return 99;
	if (!strcmp(mode, "print"))
		printf("%s\n", arg);
	else if (!strcmp(mode, "warn")) /* a line of its own, then the program's */
		printf("%s\nqus-probe aarch64\n", arg);
	else if (!strcmp(mode, "after")) /* the program's, then a line of its own */
		printf("qus-probe aarch64\n%s\n", arg);
	else if (!strcmp(mode, "fail"))
		fprintf(stderr, "%s\n", arg);
	else if (!strcmp(mode, "signal"))
		raise(SIGSEGV);
	else if (!strcmp(mode, "sleep"))
		sleep(5);
	return !strcmp(mode, "fail") ? 3 : 0;
}
EOF_C
cc -static -DMODE_FILE="\"$tmp/emu/mode\"" -o "$tmp/emu/qemu-aarch64-static" "$tmp/fake.c" ||
	not_ok "building the stand-in emulator"
emu() {
	echo "$1" >"$tmp/emu/mode"
	[ -e $BM/qemu-aarch64 ] && echo -1 >$BM/qemu-aarch64
	"$QUS" register -q --no-persistent --qemu-path "$tmp/emu" aarch64
}
emu 'print hello'
run "$QUS" check aarch64
rc_is 1 "an emulator that prints something else: exit 1"
like "$out" 'failed: wrong output: "hello"' "... wrong output, quoted"
emu 'warn Could not resolve /dev/fd/3'
run "$QUS" check aarch64
rc_is 0 "an emulator that writes a line before the probe's token: ok"
like "$out" 'ok (the emulator also wrote "Could not resolve /dev/fd/3")' "... and what it wrote is shown"
run "$QUS" check --json aarch64
is "$(jq -c '.targets[0] | [.result, .reason]' <<<"$out")" \
	'["ok","the emulator also wrote \"Could not resolve /dev/fd/3\""]' "... and in --json's reason"
emu 'after trailing words'
run "$QUS" check aarch64
rc_is 1 "a line after the token: the token is not the last line, exit 1"
like "$out" 'failed: wrong output: "qus-probe aarch64"' "... wrong output"
emu 'fail emulator broke'
run "$QUS" check aarch64
like "$out" "failed: probe failed with exit status 3: emulator broke" "exit status and the emulator's message"
emu 'signal'
run "$QUS" check aarch64
like "$out" "failed: probe killed by signal 11" "killed by a signal"
emu 'sleep'
run "$QUS" check --timeout 1 aarch64
like "$out" "failed: probe did not finish in time" "--timeout 1: a hanging emulator is killed"
rm "$tmp/emu/qemu-aarch64-static"
run "$QUS" check aarch64
like "$out" "failed: emulator $tmp/emu/qemu-aarch64-static is missing" "without F, a missing emulator"
echo -1 >$BM/qemu-aarch64
"$QUS" register -q aarch64
echo 0 >$BM/status
run "$QUS" check riscv64
like "$out" "failed: binfmt_misc is disabled" "binfmt_misc disabled as a whole"
echo 1 >$BM/status

run "$QUS" check --timeout 0
rc_is 2 "--timeout 0: usage error"
run "$QUS" check sparc65
rc_is 2 "an unknown target: usage error"
errors_are_qus_lines "... in qus: lines"

done_testing

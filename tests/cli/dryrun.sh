# register --dry-run: the exact register strings, the same checks, no writes.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

host=$(host_target)
foreign=$("$QUS" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')

# A binfmt_misc directory that does not exist proves nothing is opened or mounted.
run "$QUS" register --dry-run --binfmt-dir /nonexistent/qus
rc_is 0 "dry run needs no binfmt_misc"
is "$(printf '%s\n' "$out" | grep -c '^:qemu-')" "$foreign" "one register string per foreign target ($foreign)"
like "$out" ":qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/usr/bin/qemu-aarch64-static:$(default_flags)" \
	"aarch64: Debian's magic and mask, /usr/bin/qemu-aarch64-static, flags $(default_flags) (this kernel's default)"
unlike "$out" ":qemu-$host:" "the host's own target is not registered"
like "$out" "skipped as native: " "the summary names the skipped native targets"

# Nothing but \xHH escapes between the delimiters of magic and mask: no raw bytes.
bad=$(printf '%s\n' "$out" | grep '^:qemu-' | awk -F: '$5 !~ /^(\\x[0-9a-f][0-9a-f])+$/ || $6 !~ /^(\\x[0-9a-f][0-9a-f])+$/')
is "$bad" "" "every magic and mask is \\xHH text"
long=$(printf '%s\n' "$out" | grep '^:qemu-' | awk 'length($0) > 1920')
is "$long" "" "every string is within the kernel's 1920 bytes"

run "$QUS" register -n --flags '' --qemu-path /opt/qemu/ --qemu-suffix '' riscv64
like "$out" ":/opt/qemu/qemu-riscv64:" "--qemu-path and --qemu-suffix shape the interpreter path"
is "$(printf '%s\n' "$out" | grep '^:qemu' | sed 's/.*://')" "" "--flags '': the flags field is empty"

run "$QUS" register -n --no-persistent --no-preserve-argv0 arm64
is "$(printf '%s\n' "$out" | grep '^:qemu' | sed 's/.*://')" "O" "--no-persistent --no-preserve-argv0 leaves O"
run "$QUS" register -n --credential arm64
is "$(printf '%s\n' "$out" | grep '^:qemu' | sed 's/.*://')" "$(default_flags | sed 's/O/OC/')" "--credential adds C (and O) to this kernel's default"

run "$QUS" register -n --qemu-path relative/bin arm64
rc_is 1 "a relative interpreter path is refused: exit 1"
like "$err" "qemu-aarch64: cannot register: the interpreter path is relative" "a relative path: the reason"
is "$(printf '%s\n' "$out" | grep -c '^:qemu')" 0 "a refused entry is not printed"

# F needs the emulator now; without F it may exist only in the containers.
run "$QUS" register -n --qemu-path /nonexistent arm64 s390x
rc_is 1 "F with missing emulators: exit 1"
like "$err" "qemu-aarch64: no emulator in /nonexistent: neither qemu-aarch64-static nor qemu-aarch64 exists (install qemu-user-static or qemu-user, or point --qemu-path at the emulators)" "F with a missing emulator: both names looked for, and the fix"
like "$err" "qemu-s390x: no emulator in /nonexistent: neither qemu-s390x-static nor qemu-s390x exists" "the other target is still processed"
like "$out" "2 failed" "the summary counts both"
run "$QUS" register -n --qemu-path /nonexistent --qemu-suffix -static arm64
like "$err" "qemu-aarch64: interpreter /nonexistent/qemu-aarch64-static does not exist (install qemu-user-static or qemu-user, or point --qemu-path and --qemu-suffix at the emulators)" \
	"--qemu-suffix: exactly that file, named"
run "$QUS" register -n --no-persistent --qemu-path /nonexistent arm64 s390x
rc_is 0 "without F missing emulators are fine"
like "$err" "2 interpreters are not in /nonexistent; without flag F they must exist where the foreign programs run" "without F: a note says where they must be"

# The credential flag needs a root-owned emulator nobody else can write.
tmp=$(mktemp -d)
chmod 755 "$tmp"
cp /usr/bin/qemu-aarch64-static "$tmp/"
chmod 777 "$tmp/qemu-aarch64-static"
run "$QUS" register -n --credential --qemu-path "$tmp" arm64
rc_is 1 "credential with a world-writable emulator: exit 1"
like "$err" "refused the credential flag: $tmp/qemu-aarch64-static is writable by everyone" "credential: the reason"
run "$QUS" register -n --qemu-path "$tmp" arm64
rc_is 0 "the same emulator without the credential flag is accepted"
rm -rf "$tmp"

# The host's own architecture: never in "all", refused when forced.
run "$QUS" register -n "$host"
rc_is 0 "naming the host's target: skipped, exit 0"
like "$out" "qemu-$host: skipped: $host is this host's own architecture" "naming the host's target: says why"
run "$QUS" register -n --include-native "$host"
rc_is 1 "forcing the host's target: refused, exit 1"
like "$err" "qemu-$host: refused: its magic matches" "the brick guard explains the refusal"
like "$err" "Too many levels of symbolic links" "... and names what would happen"

done_testing

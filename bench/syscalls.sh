#!/bin/bash
# Row 9 of bench/run: `qus check --syscalls` for every registered target,
# against the target of 2 s, with plain `qus check` of the same targets
# beside it (one probe each: the floor of one emulator start per target).
#
#   syscalls   qus check --syscalls: every registered target's system call
#              probe, 56 calls each, and the host's answers
#   check      qus check: every registered target's probe
#
# Each QEMU generation at hand: Debian 12's qemu-user-static (7.2) and
# sid's qemu-user (11.1, the fixture of setup.sh, unpacked here), each
# registered in a private binfmt_misc instance (the host is not touched).
#
# Usage: bench/syscalls.sh [-n ROUNDS]     prints markdown table rows
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_rounds 20 "$@"
need_release_qus
[ -x /usr/bin/qemu-aarch64-static ] || die "Debian's qemu-user-static is not installed"
SID=$BENCH_ROOT/build/fixtures/pkg/sid/qemu-user_amd64.deb
if [ -z "${BENCH_PRIVATE:-}" ] && [ -s "$SID" ]; then
	mkdir -p "$BW/sid"
	dpkg-deb -x "$SID" "$BW/sid"
fi
enter_private_binfmt -n "$rounds"
Q=$BW/qus
cp "$QUS_REL" "$Q"

case_syscalls() { "$Q" check --syscalls; }
case_check() { "$Q" check; }

# The row of one QEMU generation: QEMU-LABEL DIR (its emulators).
rounds_of() {
	local json n calls m met
	"$Q" unregister -q --all
	"$Q" register -q --qemu-path "$2" || die "registering $2"
	json=$("$Q" check --syscalls --json) || die "qus check --syscalls failed with $2"
	n=$(jq '[.targets[] | select(.result == "ok")] | length' <<<"$json")
	calls=$(jq '.calls | length' <<<"$json")
	alternate "$rounds" syscalls check
	m=$(median syscalls)
	met=$(awk -v m="$m" 'BEGIN { print (m <= 2000000) ? "yes" : "**no**" }')
	printf '| 9. QEMU %s: qus check --syscalls, every registered target (%d, %d calls each) | %s | qus check, the same targets: %s | %s | ≤ 2 s | %s |\n' \
		"$1" "$n" "$calls" "$(spread syscalls)" "$(spread check)" "$(ratio "$m" "$(median check)")" "$met"
}

version() { sed -E 's/^[0-9]+://; s/[+~-].*//'; }
rounds_of "$(dpkg-query -W -f '${Version}' qemu-user-static | version)" /usr/bin
if [ -x "$BW/sid/usr/bin/qemu-aarch64" ]; then
	rounds_of "$(dpkg-deb -f "$SID" Version | version)" "$BW/sid/usr/bin"
fi
echo "Row 9: qus check --syscalls starts each emulator once, as qus check's probe does; the ratio is what its calls and the host's answers add."

# binfmt_misc behind an automount, as systemd hosts have it: their
# /proc/sys/fs/binfmt_misc is an autofs mount (proc-sys-fs-binfmt_misc.automount)
# that mounts binfmt_misc when first used and, with TimeoutIdleSec=,
# unmounts it when idle.  Since Linux 6.7 the entries live in the binfmt_misc
# superblock (one per user namespace), which goes when its last mount goes:
# an idle expiry then drops every registration.  A second mount of
# binfmt_misc anywhere keeps the superblock, and the entries, alive.
#
# This machine's kernel has no autofs, so each scenario runs in a virtual
# machine of its own (tests/lib/vm.sh): Debian trixie's kernel, an
# initramfs, tests/fault/automountd.c standing in for systemd on
# /proc/sys/fs/binfmt_misc (timeout 2 s), Debian's qemu-aarch64-static (7.2)
# and an arm64 busybox.  The scenarios boot in parallel.
#
#   expiry   the problem: registered, idle, expired, gone
#   second   the fix without qus: a second mount taken before the expiry
#   qus      qus register there: it sees the automount's timeout in
#            mountinfo and mounts binfmt_misc on /run/qus/binfmt_misc too,
#            so the entry outlives the expiry; qus unregister of the last
#            entry lets that mount go
#   never    an automount without a timeout (systemd's default): nothing
#            expires, so qus keeps no mount of its own
#
# Each scenario is a guest script printing KEY=VALUE lines (vm.sh's kv and
# out); the checks below read them back.  To add one: a scenario_NAME
# function that writes the script, its name in SCENARIOS, and its checks.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/vm.sh
. "$QUS_ROOT/tests/lib/vm.sh"

HELPERS=$QUS_ROOT/build-asan/tests/unit
QEMU_AARCH64=${QUS_VM_QEMU_AARCH64:-/usr/bin/qemu-aarch64-static}
# systemd's TimeoutIdleSec= for the automount.  2 s, not 1: the arm64
# program that must run before the expiry starts a moment after the last
# use, and a guest under TCG on a busy host can stall for a second.
TIMEOUT=2
SCENARIOS="expiry second qus never"

give_up() {
	skip "binfmt_misc behind an automount" "$1"
	done_testing
	exit 0
}
vm_usable || give_up "$VM_WHY"
for f in "$HELPERS/automountd" "$HELPERS/rawexec" "$QUS_STATIC" "$QEMU_AARCH64" "$(busybox_path arm64)"; do
	[ -x "$f" ] || give_up "$f is missing (setup.sh builds and fetches it)"
done
vm_kernel || give_up "no kernel for the virtual machine: $VM_SUITE's linux-image-$VM_FLAVOUR could not be fetched"
T=$(mktemp -d)
# QUS_VM_KEEP=1 keeps the initramfs trees, scripts and consoles for a look.
trap '[ -n "${QUS_VM_KEEP:-}" ] && echo "# kept: $T" || rm -rf "$T"' EXIT

# The initramfs every scenario shares.
base=$T/base
if ! { vm_root "$base" &&
	vm_modules "$base" autofs4 binfmt_misc &&
	vm_add "$base" "$HELPERS/automountd" &&
	vm_add "$base" "$HELPERS/rawexec" &&
	vm_add "$base" "$QUS_STATIC" /usr/bin/qus &&
	vm_add "$base" "$QEMU_AARCH64" /usr/bin/qemu-aarch64-static &&
	vm_add "$base" "$(busybox_path arm64)" /usr/local/bin/busybox-arm64; }; then
	give_up "could not make the initramfs"
fi

# What every scenario starts with, in the guest (busybox sh).
cat >"$T/prelude" <<EOF
BM=/proc/sys/fs/binfmt_misc
TIMEOUT=$TIMEOUT
EOF
cat >>"$T/prelude" <<'EOF'
ARM64=/usr/local/bin/busybox-arm64
# Debian's qemu-aarch64 entry, flag F: the kernel opens the emulator now.
REGISTER=':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:F'

# The types of the file systems mounted on $1, bottom first, from
# mountinfo: looking there never triggers the automount.
mounts_at() {
	awk -v d="$1" '$5 == d { i = 7; while ($i != "-") i++; printf "%s%s", s, $(i + 1); s = " " }
		END { print "" }' /proc/self/mountinfo
}
# The superblock (major:minor) of the top mount on $1.
device_at() { awk -v d="$1" '$5 == d { dev = $3 } END { print dev }' /proc/self/mountinfo; }
# An autofs mount of binfmt_misc, as systemd's.
automount() {
	automountd "$BM" binfmt_misc binfmt_misc "$TIMEOUT"
	kv armed.rc $?
	kv armed "$(mounts_at $BM)"
	kv armed.line "$(grep " $BM " /proc/self/mountinfo | head -1)"
}
# The last use of $BM: the idle time is counted from there.
used() { t_used=$(uptime_s); }
# Wait, without touching $BM, until the automount has expired (only autofs
# left there) or 15 s have passed: $1.expired=yes|no, and $1.idle, the
# seconds from the last use to when the expiry was seen.
wait_expiry() {
	i=0
	while [ "$(mounts_at $BM)" != autofs ] && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ "$(mounts_at $BM)" = autofs ]; then kv "$1.expired" yes; else kv "$1.expired" no; fi
	kv "$1.idle" "$(awk -v a="$t_used" -v b="$(uptime_s)" 'BEGIN { printf "%.1f", b - a }')"
}
EOF

# The problem: the entry goes with the automount's expiry.
scenario_expiry() {
	cat <<'EOF'
automount
printf '%s\n' "$REGISTER" >$BM/register
kv register.rc $?
kv mounted "$(mounts_at $BM)"
kv entry "$(head -1 $BM/qemu-aarch64)"
used
out before rawexec $ARM64 uname -m
wait_expiry idle
out after rawexec $ARM64 uname -m
out relist ls $BM
kv remounted "$(mounts_at $BM)"
EOF
}

# The fix without qus: a second mount of binfmt_misc, taken before the
# expiry, is the same superblock (one per user namespace) and keeps it.
scenario_second() {
	cat <<'EOF'
automount
printf '%s\n' "$REGISTER" >$BM/register
kv register.rc $?
used
mkdir -p /run/qus/binfmt_misc
mount -t binfmt_misc binfmt_misc /run/qus/binfmt_misc
kv second.rc $?
if [ "$(device_at $BM)" = "$(device_at /run/qus/binfmt_misc)" ]; then kv same-sb yes; else kv same-sb no; fi
out before rawexec $ARM64 uname -m
wait_expiry idle
kv second.after "$(mounts_at /run/qus/binfmt_misc)"
out after rawexec $ARM64 uname -m
out second.list ls /run/qus/binfmt_misc
out relist ls $BM
EOF
}

# qus on such a host: it keeps the entries through the expiry.
scenario_qus() {
	cat <<'EOF'
automount
out register qus register aarch64
out status qus status
out json qus status --json
used
kv keep "$(mounts_at /run/qus/binfmt_misc)"
out before rawexec $ARM64 uname -m
wait_expiry idle
out after rawexec $ARM64 uname -m
out status.after qus status aarch64
out again qus register aarch64
out unregister qus unregister aarch64
kv keep.after "$(mounts_at /run/qus/binfmt_misc)"
out parent ls /run
EOF
}

# An automount that never expires (TimeoutIdleSec=0, systemd's default).
scenario_never() {
	cat <<'EOF'
TIMEOUT=0
automount
out register qus register aarch64
out status qus status
kv keep "$(mounts_at /run/qus/binfmt_misc)"
EOF
}

# Boot every scenario, in parallel: each in a machine of its own.
started=$(date +%s.%N)
for s in $SCENARIOS; do
	cp -a "$base" "$T/$s"
	{ cat "$T/prelude" && "scenario_$s"; } >"$T/$s.sh"
	vm_scenario "$T/$s" "$T/$s.sh"
	(
		s0=$(date +%s.%N)
		vm_boot "$T/$s" "$T/$s.log" 180
		echo $? >"$T/$s.rc"
		awk -v a="$s0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' >"$T/$s.secs"
	) &
done
wait
diag "$(printf '%s boots (%s, %s) in %.1f s:' "$(wc -w <<<"$SCENARIOS")" "$VM_ACCEL" "$VM_KVER" \
	"$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')")"
for s in $SCENARIOS; do
	diag "  $s: $(cat "$T/$s.secs") s (guest: /init at $(vm_value "$T/$s.log" VM-INIT) s, done at $(vm_value "$T/$s.log" VM-DONE) s)"
done

# A scenario's log, shown when one of its checks failed.
booted() { # SCENARIO: the machine ran the scenario to its end
	local log=$T/$1.log
	if [ "$(cat "$T/$1.rc")" = 0 ]; then
		ok "$1: the machine ran the scenario ($(vm_value "$log" VM-KERNEL))"
		return 0
	fi
	not_ok "$1: the machine ran the scenario"
	diag "$(tail -40 "$log")"
	return 1
}
v() { vm_value "$T/$s.log" "$1"; }
o() { vm_output "$T/$s.log" "$1"; }
tail_on_failure() { [ "$TAP_FAILED" = "$1" ] || diag "$(grep -v '^\[' "$T/$s.log" | tail -60)"; }

# Every scenario begins with the automount.
common() {
	is "$(v armed.rc)/$(v armed)" 0/autofs "$s: automountd made /proc/sys/fs/binfmt_misc an autofs mount, nothing on it yet"
	like "$(v armed.line)" " - autofs systemd-1 rw," "$s: ... as systemd's: autofs, source systemd-1"
	like "$(v armed.line)" ",timeout=$TIMEOUT,minproto=5,maxproto=5,direct" "$s: ... direct, timeout ${TIMEOUT}s"
}

s=expiry
failed_before=$TAP_FAILED
if booted $s; then
	common
	is "$(v register.rc)" 0 "$s: registering qemu-aarch64 through the automount works"
	is "$(v mounted)" "autofs binfmt_misc" "$s: ... it mounted binfmt_misc on top of the autofs"
	is "$(v entry)" enabled "$s: ... the entry is there"
	is "$(o before)" aarch64 "$s: an arm64 busybox runs: uname -m says aarch64"
	is "$(v idle.expired)" yes "$s: idle, the automount expired: binfmt_misc unmounted $(v idle.idle) s after its last use (timeout ${TIMEOUT} s)"
	is "$(v after.rc)" 126 "$s: after the expiry the arm64 program does not run"
	like "$(o after)" "Exec format error" "$s: ... Exec format error: no entry takes it"
	is "$(o relist | tr '\n' ' ')" "register status " "$s: used again, binfmt_misc is mounted anew, with no qemu-aarch64"
	is "$(v remounted)" "autofs binfmt_misc" "$s: ... on top of the autofs again"
fi
tail_on_failure "$failed_before"

s=second
failed_before=$TAP_FAILED
if booted $s; then
	common
	is "$(v register.rc)" 0 "$s: qemu-aarch64 registered through the automount"
	is "$(v second.rc)" 0 "$s: binfmt_misc mounted a second time, on /run/qus/binfmt_misc"
	is "$(v same-sb)" yes "$s: ... the same superblock as the automount's (one per user namespace)"
	is "$(o before)" aarch64 "$s: an arm64 busybox runs"
	is "$(v idle.expired)" yes "$s: the automount still expires: binfmt_misc unmounted $(v idle.idle) s after its last use"
	is "$(v second.after)" binfmt_misc "$s: ... the second mount stays"
	is "$(o after)" aarch64 "$s: after the expiry the arm64 program still runs: the entry outlived it"
	like "$(o second.list)" qemu-aarch64 "$s: ... the second mount lists qemu-aarch64"
	like "$(o relist)" qemu-aarch64 "$s: used again, the automount's binfmt_misc lists qemu-aarch64 too"
fi
tail_on_failure "$failed_before"

s=qus
failed_before=$TAP_FAILED
if booted $s; then
	common
	is "$(v register.rc)" 0 "$s: qus register aarch64 through the automount: exit 0"
	like "$(o register)" "qus: note: /proc/sys/fs/binfmt_misc is an automount that unmounts binfmt_misc after $TIMEOUT s idle, and the entries would go with it (Linux 6.7 and later): binfmt_misc is mounted on /run/qus/binfmt_misc too" \
		"$s: ... it sees the automount's timeout and says it keeps a mount of its own"
	is "$(v keep)" binfmt_misc "$s: ... binfmt_misc is mounted on /run/qus/binfmt_misc"
	like "$(o status)" "is an automount that unmounts binfmt_misc after $TIMEOUT s idle; the entries outlive it: binfmt_misc is also mounted on /run/qus/binfmt_misc" \
		"$s: qus status says so"
	is "$(o json | jq -c .automount)" '{"timeout":'"$TIMEOUT"',"expiry_drops_entries":true,"kept_on":"/run/qus/binfmt_misc"}' \
		"$s: ... and status --json"
	is "$(o before)" aarch64 "$s: an arm64 busybox runs"
	is "$(v idle.expired)" yes "$s: the automount still expires ($(v idle.idle) s after the last use)"
	is "$(o after)" aarch64 "$s: after the expiry the arm64 program still runs: the entry outlived it"
	like "$(o status.after)" "qemu-aarch64 " "$s: ... and qus status, mounting binfmt_misc again, lists it"
	is "$(v again.rc)" 0 "$s: qus register again: exit 0"
	unlike "$(o again)" "note: /proc/sys/fs/binfmt_misc is an automount" "$s: ... no second mount, nothing said"
	like "$(o unregister)" "qus: note: no entry left: unmounted /run/qus/binfmt_misc" "$s: qus unregister of the last entry lets the kept mount go, saying so"
	is "$(v keep.after)" "" "$s: ... /run/qus/binfmt_misc is not mounted any more"
	unlike "$(o parent)" qus "$s: ... and /run/qus is gone"
fi
tail_on_failure "$failed_before"

s=never
failed_before=$TAP_FAILED
if booted $s; then
	is "$(v armed.rc)/$(v armed)" 0/autofs "$s: an automount without a timeout"
	is "$(v register.rc)" 0 "$s: qus register aarch64: exit 0"
	unlike "$(o register)" "is an automount" "$s: ... nothing to say: it never expires"
	is "$(v keep)" "" "$s: ... and no mount of its own"
	like "$(o status)" "/proc/sys/fs/binfmt_misc is an automount that never expires" "$s: qus status says it never expires"
fi
tail_on_failure "$failed_before"

done_testing

# Faults of the kernel and of the emulator files, forced one by one on a
# private binfmt_misc: each gives a clear one-line error and a meaningful
# exit status, and loses nothing that was registered before.  The kernel's
# refusals that a healthy kernel does not give on demand (a register write
# failing midway through the targets, a flag it does not know) come from
# tests/fault/binfmt_fault.c, preloaded into the sanitizer build of qus.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
SHIM=$QUS_ROOT/build-asan/tests/unit/binfmt_fault.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The preload comes before the sanitizer runtime in the library order: told.
with_fault() { ASAN_OPTIONS=$ASAN_OPTIONS:verify_asan_link_order=0 LD_PRELOAD=$SHIM "$@"; }
flags_of() { sed -n 's/^flags: //p' "$BM/qemu-$1" 2>/dev/null; }
lines() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }

# --- binfmt_misc itself --------------------------------------------------------------
# Mounting refused: a user namespace that does not own its mount namespace.
mkdir "$tmp/unmounted"
before=$(binfmt_state)
run unshare --user --map-root-user -- "$QUS" register --binfmt-dir "$tmp/unmounted" riscv64
rc_is 1 "binfmt_misc cannot be mounted: exit 1"
is "$err" "qus: cannot mount binfmt_misc on $tmp/unmounted: Operation not permitted (run as root; in a container, start it with --privileged)" \
	"... one line: what, where, why, what to do"
is "$(ls -A "$tmp/unmounted")" "" "... nothing left on the directory"
is "$(binfmt_state)" "$before" "... the instance unchanged"

# Read-only: every write would fail alike, so it is said once, not per target.
"$QUS" register -q --flags "" aarch64 arm
before=$(binfmt_state)
mount -o remount,ro $BM
run "$QUS" register s390x ppc64le mips64el
rc_is 1 "read-only binfmt_misc: exit 1"
is "$err" "qus: cannot register in $BM: Read-only file system (binfmt_misc is read-only here; in a container, start it with --privileged)" \
	"... said once, with the fix"
like "$out" "3 failed" "... the summary counts every target"
run "$QUS" unregister --all
rc_is 1 "unregister on read-only binfmt_misc: exit 1"
is "$err" "qus: cannot remove entries from $BM: Read-only file system (binfmt_misc is read-only here; in a container, start it with --privileged)" \
	"... said once, with the fix"
like "$out" "0 removed, 2 failed" "... the summary counts both entries"
mount -o remount,rw $BM
is "$(binfmt_state)" "$before" "... nothing lost, nothing added"

# --- races ------------------------------------------------------------------------
# Registrations with different flags and removals, all at once, five rounds
# each: no error a user would see, and the end state is a correct one.
"$QUS" unregister -q --all
foreign=$("$QUS" register -n | grep -c '^:qemu-')
racer() { # NAME COMMAND...: five rounds, exit statuses and messages kept
	local name=$1 i
	shift
	for i in 1 2 3 4 5; do "$QUS" "$@" >>"$tmp/race-$name.out" 2>>"$tmp/race-$name.err" || echo "$i" >>"$tmp/race-$name.rc"; done
}
racer regF register -q --flags F &
racer regnone register -q --flags "" &
racer regP register -q --flags POF &
racer unreg unregister -q --all &
racer unreg2 unregister -q aarch64 arm s390x riscv64 &
wait
is "$(cat "$tmp"/race-*.err)" "" "concurrent register and unregister: no error message"
is "$(cat "$tmp"/race-*.rc 2>/dev/null)" "" "... every run exits 0"
bad=$(for f in "$BM"/qemu-*; do [ -e "$f" ] || continue; case $(flags_of "${f##*/qemu-}") in F | "" | POF) ;; *) echo "$f";; esac; done)
is "$bad" "" "... every entry left is one of the three registrations"
# Without removals, registrations that replace each other never leave a hole.
"$QUS" unregister -q --all
rm -f "$tmp"/race-*
racer regF register -q --flags F &
racer regnone register -q --flags "" &
racer regP register -q --flags POF &
wait
is "$(cat "$tmp"/race-*.err "$tmp"/race-*.rc 2>/dev/null)" "" "three registrations replacing each other: no error, all exit 0"
is "$(count_files "$BM"/qemu-*)" "$foreign" "... every target registered once at the end"
run "$QUS" register --flags F
like "$out" "$foreign registered" "... and a last registration converges (every target F)"
rm -f "$tmp"/race-*

# --- the kernel refusing a write ---------------------------------------------------
if [ ! -f "$SHIM" ]; then
	skip "kernel refusals" "$SHIM is not built (./setup.sh build)"
	done_testing
	exit 0
fi

# The second of three register writes fails (ENOMEM), each replacing an entry.
"$QUS" unregister -q --all
"$QUS" register -q --flags "" aarch64 arm s390x
before=$(binfmt_state)
QUS_FAULT_REGISTER_FAIL=2 QUS_FAULT_ERRNO=12 with_fault run "$QUS" register --flags F aarch64 arm s390x
rc_is 1 "a register write failing midway: exit 1"
is "$(lines "$err")" 1 "... one line of error"
failed=$(sed -n 's/^qus: qemu-\([a-z0-9_]*\): cannot register in .*: Cannot allocate memory$/\1/p' <<<"$err")
check "... naming the entry and the kernel's reason ($err)" test -n "$failed"
is "$(flags_of "$failed")" "" "... that target keeps its previous entry, not a hole"
is "$(for t in aarch64 arm s390x; do [ "$t" = "$failed" ] || flags_of $t; done | tr '\n' ' ')" "F F " \
	"... the targets before and after it are registered"
like "$out" "2 registered (0 added, 2 replaced, 0 unchanged, 0 re-enabled), 1 failed" "... and the summary says so"
"$QUS" register -q --flags F aarch64 arm s390x
is "$(flags_of "$failed")" F "... a second run completes it"

# A signal between removing the old entry and writing the new one (Ctrl-C,
# a container stopped): held back until the entry is whole, then delivered.
"$QUS" unregister -q --all
"$QUS" register -q --flags "" aarch64 arm
QUS_FAULT_SIGNAL_ON_REMOVE=15 with_fault run "$QUS" register --flags F aarch64 arm
is "$rc" 143 "SIGTERM in the middle of a replacement: qus dies of it (143)"
# The first target in the table's order is being replaced when it comes.
first=$("$QUS" register -n --flags F aarch64 arm | sed -n 's/^:qemu-\([a-z0-9]*\):.*/\1/p' | head -1)
other=aarch64 && [ "$first" = aarch64 ] && other=arm
is "$(flags_of "$first")" F "... after the entry it was replacing ($first) is written whole"
is "$(flags_of "$other")" "" "... and before the next one ($other), which is as it was"
check "... (still registered)" test -e "$BM/qemu-$other"

# A kernel that does not know flag F (before Linux 4.8) answers EINVAL.
"$QUS" unregister -q --all
"$QUS" register -q --flags "" aarch64
echo 0 >$BM/qemu-aarch64
before=$(binfmt_state)
QUS_FAULT_REJECT_FLAG=F with_fault run "$QUS" register aarch64 riscv64
rc_is 1 "the kernel rejecting flag F: exit 1"
like "$err" "qus: qemu-aarch64: kernel $(uname -r) rejected the entry: :qemu-aarch64:M:" "... named, with the register string"
is "$(lines "$err")" 2 "... one line per entry"
is "$(binfmt_state)" "$before" "... the previous entry put back as it was (disabled), none added"
QUS_FAULT_REJECT_FLAG=F with_fault run "$QUS" register --no-persistent aarch64
rc_is 0 "... --no-persistent registers on such a kernel"

# --- the emulator files ------------------------------------------------------------
"$QUS" unregister -q --all
before=$(binfmt_state)
mkdir "$tmp/emu"
run "$QUS" register --qemu-path "$tmp/emu" aarch64
rc_is 1 "emulator missing: exit 1"
is "$err" "qus: qemu-aarch64: no emulator in $tmp/emu: neither qemu-aarch64-static nor qemu-aarch64 exists (install qemu-user-static or qemu-user, or point --qemu-path at the emulators)" \
	"... one line with the names looked for and the fix"
cp /usr/bin/qemu-aarch64-static "$tmp/emu/" && chmod 644 "$tmp/emu/qemu-aarch64-static"
run "$QUS" register --qemu-path "$tmp/emu" aarch64
rc_is 1 "emulator not executable: exit 1"
is "$err" "qus: qemu-aarch64: interpreter $tmp/emu/qemu-aarch64-static is not an executable file" "... said in one line"
is "$(binfmt_state)" "$before" "... nothing registered"
# A dynamically linked emulator works on the host but not in containers: a note.
rm "$tmp/emu/qemu-aarch64-static" && cp /bin/true "$tmp/emu/qemu-aarch64-static"
run "$QUS" register --qemu-path "$tmp/emu" aarch64
rc_is 0 "a dynamically linked emulator: registered (it works on the host)"
like "$err" "interpreter $tmp/emu/qemu-aarch64-static is dynamically linked: foreign programs in containers or chroots without its libraries will not start (Debian 12's qemu-user is; install qemu-user-static, or a qemu-user of QEMU 9.1.1 or later, whose emulators are static)" \
	"... with a note on where it will not work, and the fix"
run "$QUS" register --qemu-path /usr/bin aarch64
is "$err" "" "... Debian's static emulators: no note"

done_testing

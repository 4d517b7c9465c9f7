# Other emulators on the same machine: Rosetta, FEX-Emu, box64, box86.  The
# kernel hands a program to the newest enabled entry that accepts it, so
# registering QEMU after another emulator would take its programs away; qus
# never does that unless told to (--take-over), shows who runs what, and
# writes boot files that lose to other emulators' at boot as at run time.
# Every step on the real kernel, in private binfmt_misc instances; the
# entries are the ones those projects ship (tests/data/other-emulators),
# their interpreters replaced by files of this test.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
DATA=$QUS_ROOT/tests/data/other-emulators
SYSTEMD_BINFMT=/lib/systemd/systemd-binfmt
tmp=$(mktemp -d)
chmod 755 "$tmp"

# Stand-ins for the other emulators: copies of QEMU under their names, so
# that the programs still run and /proc/PID/exe tells which file ran them.
cp /usr/bin/qemu-aarch64-static "$tmp/otheremu"
cp /usr/bin/qemu-i386-static "$tmp/FEX"
cp /usr/bin/qemu-i386-static "$tmp/box86"

# The register line of a shipped binfmt.d file, with interpreter $2.
line_of() { grep '^:' "$DATA/$1" | awk -F: -v OFS=: -v i="$2" '{ $7 = i; print }'; }
# Register a line: printf's %s writes the \xHH text as it is.
load() { printf '%s' "$1" >$BM/register; }
# A non-QEMU emulator of aarch64 programs: QEMU's magic and mask, another name.
OTHER_ARM64=":otheremu-arm64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:$tmp/otheremu:F"
# A wide one: every 64-bit little-endian program whose e_machine is 0x80 to
# 0xff (aarch64's 0xb7, riscv64's 0xf3; not x86_64's 0x3e).
WIDE=":wide-emu:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\x80\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xfe\\xff\\x80\\xff:$tmp/otheremu:F"
# The entries in the order binfmt_misc lists them (readdir's, unsorted): the kernel's.
kernel_order() { find $BM -mindepth 1 -maxdepth 1 ! -name register ! -name status -printf '%f '; }
clear_all() { (cd $BM && for f in *; do [ "$f" = register ] || [ "$f" = status ] || echo -1 >"$f"; done); }
# The file the kernel started for a program: its /proc/PID/exe while it sleeps.
started_for() {
	local pid exe
	"$@" sleep 5 >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 50); do
		exe=$(readlink /proc/$pid/exe 2>/dev/null)
		case $exe in "$tmp"/* | /usr/bin/qemu-*) break ;; esac
		sleep 0.1
	done
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "$exe"
}
bb_arm64=$(busybox_path arm64)
bb_i386=$(busybox_path i386)

# --- register leaves a target to the emulator that runs it -------------------------
load "$OTHER_ARM64"
run "$QUS" register
rc_is 0 "another emulator runs aarch64 programs: register exits 0"
like "$out" "qemu-aarch64: skipped: otheremu-arm64 ($tmp/otheremu) runs aarch64 programs; they are left to it (--take-over registers QEMU in front of it)" \
	"... says in one line which entry and interpreter run them"
like "$out" "left to other emulators: aarch64" "... and the summary names the target left"
check "... no qemu-aarch64 entry" test ! -e $BM/qemu-aarch64
check "... the other targets are registered" test -e $BM/qemu-riscv64
if have_fixtures; then
	is "$(started_for "$bb_arm64")" "$tmp/otheremu" "an arm64 program still runs through the other emulator"
	is "$("$bb_arm64" uname -m)" aarch64 "... and works"
fi

run "$QUS" status
like "$out" "aarch64 programs run through otheremu-arm64 ($tmp/otheremu), not QEMU" "status: who runs aarch64 programs"
run "$QUS" status --json
is "$(jq -c '.targets[] | select(.name == "aarch64") | [.entry, .interpreter, .qemu, .shadowed]' <<<"$out")" \
	"[\"otheremu-arm64\",\"$tmp/otheremu\",false,[]]" "status --json: targets[] names the entry used"
is "$(jq -c '.entries[] | select(.name == "otheremu-arm64") | [.qemu, .runs, .shadowed_by]' <<<"$out")" \
	'[false,["aarch64"],[]]' "status --json: the other emulator's entry runs aarch64, is not QEMU's"
is "$(jq -r '.targets[] | select(.name == "riscv64") | .entry' <<<"$out")" qemu-riscv64 "... and qemu-riscv64 runs riscv64"

run "$QUS" check aarch64
rc_is 0 "check aarch64: exit 0"
like "$out" "ok (run by otheremu-arm64, not QEMU)" "check: the probe ran, and through which entry"
run "$QUS" check --json aarch64
is "$(jq -c '.targets[0] | [.entry, .ran_by.entry, .ran_by.file, .ran_by.qemu, .ran_by.native]' <<<"$out")" \
	"[\"otheremu-arm64\",\"otheremu-arm64\",\"$tmp/otheremu\",false,false]" \
	"check --json: ran_by names the entry and the file the kernel started"

# --- and nothing else takes it over ---------------------------------------------------
run "$QUS" register --replace aarch64
rc_is 0 "register --replace aarch64: exit 0"
check "... leaves it too" test ! -e $BM/qemu-aarch64
run "$QUS" --reset -p yes
rc_is 0 "the register image's --reset -p yes: exit 0"
check "... keeps the other emulator's entry" test -e $BM/otheremu-arm64
check "... and leaves aarch64 to it" test ! -e $BM/qemu-aarch64
like "$out" "qemu-aarch64: skipped: otheremu-arm64" "... saying so"
run "$QUS" binfmt --install arm64,s390x
rc_is 0 "binfmt --install arm64,s390x (setup-qemu-action): exit 0"
like "$err" "qemu-aarch64: skipped: otheremu-arm64" "... the skip said on standard error (stdout is its JSON)"
check "... no qemu-aarch64" test ! -e $BM/qemu-aarch64
like "$(jq -r '.supported | join(",")' <<<"$out")" linux/arm64 "... arm64 is still supported: the other emulator runs it with F"
run "$QUS" unregister --all
check "unregister --all keeps the other emulator's entry" test -e $BM/otheremu-arm64
run "$QUS" register --dry-run arm64
unlike "$out" ":qemu-aarch64:" "register --dry-run: no string for the target left to it"
like "$out" "qemu-aarch64: skipped: otheremu-arm64" "... and says why"

# The DaemonSet's loop: never takes it, even round after round; takes the
# target once the other emulator is gone (nothing runs its programs then).
"$QUS" register --keep=1 s390x arm64 >"$tmp/keep.out" 2>&1 &
keeper=$!
sleep 2.5
check "register --keep: rounds later, still no qemu-aarch64" test ! -e $BM/qemu-aarch64
echo -1 >$BM/otheremu-arm64
for _ in $(seq 40); do [ -e $BM/qemu-aarch64 ] && break; sleep 0.1; done
check "... the other emulator removed: the next round registers qemu-aarch64" test -e $BM/qemu-aarch64
kill -TERM $keeper
wait $keeper
is "$(grep -c 'skipped: otheremu-arm64' "$tmp/keep.out")" 1 "... the skip was said once, not every round"
"$QUS" unregister -q --all

# --take-over: QEMU in front, said.
load "$OTHER_ARM64"
run "$QUS" register --take-over aarch64
rc_is 0 "register --take-over aarch64: exit 0"
like "$err" "qemu-aarch64: in front of otheremu-arm64 ($tmp/otheremu), which no longer runs aarch64 programs (--take-over)" \
	"... says whose programs it took"
if have_fixtures; then
	is "$(started_for "$bb_arm64")" /usr/bin/qemu-aarch64-static "... arm64 programs now run through QEMU"
fi
run "$QUS" status
like "$out" "otheremu-arm64       aarch64      shadowed" "status: the other emulator's entry is marked shadowed"
like "$out" "aarch64 programs run through qemu-aarch64 (/usr/bin/qemu-aarch64-static); shadowed: otheremu-arm64" \
	"... and the line says who runs aarch64"
run "$QUS" status --json
is "$(jq -c '.entries[] | select(.name == "otheremu-arm64") | [.runs, .shadowed_by]' <<<"$out")" \
	'[[],[{"target":"aarch64","entry":"qemu-aarch64"}]]' "status --json: shadowed_by"
run "$QUS" check --json aarch64
is "$(jq -c '.targets[0] | [.ran_by.entry, .ran_by.qemu, .shadowed]' <<<"$out")" '["qemu-aarch64",true,["otheremu-arm64"]]' \
	"check --json: run by QEMU now, the other one shadowed"
# The other emulator registered again (after QEMU): it runs them again, and qus leaves it.
echo -1 >$BM/otheremu-arm64
load "$OTHER_ARM64"
run "$QUS" check aarch64
like "$out" "run by otheremu-arm64, not QEMU; shadowed: qemu-aarch64" "registered last, the other emulator wins; check says so"
run "$QUS" register aarch64
like "$out" "qemu-aarch64: skipped: otheremu-arm64" "register leaves it to the newer one"
clear_all

# --- FEX-Emu's, box86's and box32's real i386 entries -----------------------------------
# i386 is native on some x86_64 kernels: --include-native registers it everywhere.
for f in FEX-x86.conf box86.conf box32.conf; do
	case $f in FEX*) interp=$tmp/FEX ;; *) interp=$tmp/box86 ;; esac
	name=$(line_of "$f" "$interp" | cut -d: -f2)
	load "$(line_of "$f" "$interp")"
	run "$QUS" register --include-native i386
	rc_is 0 "$f: register --include-native i386: exit 0"
	like "$out" "qemu-i386: skipped: $name ($interp) runs i386 programs" "... left to $name"
	check "... no qemu-i386" test ! -e $BM/qemu-i386
	run "$QUS" check --json i386
	is "$(jq -c '.targets[0] | [.result, .ran_by.entry, .ran_by.file]' <<<"$out")" "[\"ok\",\"$name\",\"$interp\"]" \
		"... check: the i386 probe ran through $name's interpreter"
	if have_fixtures; then
		is "$(started_for "$bb_i386")" "$interp" "... an i386 program runs through it"
	fi
	clear_all
done

# --- a wide entry and an extension entry ------------------------------------------------
load "$WIDE"
run "$QUS" register aarch64 riscv64 s390x
rc_is 0 "a wide entry (aarch64 and riscv64 programs): exit 0"
like "$out" "qemu-aarch64: skipped: wide-emu" "... aarch64 left to it"
like "$out" "qemu-riscv64: skipped: wide-emu" "... riscv64 too"
like "$out" "qemu-s390x: registered" "... s390x registered"
run "$QUS" status --json
is "$(jq -c '.entries[] | select(.name == "wide-emu") | .runs' <<<"$out")" '["aarch64","riscv64"]' "status --json: it runs both"
clear_all
load ":qusext:E::qusext::/bin/true:"
run "$QUS" register aarch64
like "$out" "qemu-aarch64: registered" "an extension entry takes no target's programs: aarch64 registered"
run "$QUS" status --json
is "$(jq -c '.entries[] | select(.name == "qusext") | [.type, .target, .runs]' <<<"$out")" '["extension",null,[]]' \
	"status --json: the extension entry runs no target"
clear_all

# --- x86_64's emulators (Rosetta, FEX, box64) -------------------------------------------
# Their entries take every x86_64 program, this test's own included: they
# are registered in an instance of their own, which only a shell holds
# (builtins only, no exec), and read from here through its /proc/PID/root.
# Flag F opens the interpreter at registration: files of this test's own.
cp /usr/bin/qemu-x86_64-static "$tmp/rosetta"
cp /usr/bin/qemu-x86_64-static "$tmp/box64"
mkfifo "$tmp/hold"
# shellcheck disable=SC2016 # for the inner shell
unshare --user --map-root-user --mount --propagation private bash -c '
	mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 1
	for l in "$2" "$3" "$4"; do printf "%s" "$l" >/proc/sys/fs/binfmt_misc/register || exit 1; done
	: >"$1.ready"
	read -r _ <"$1"' hold "$tmp/hold" "$(line_of rosetta.conf "$tmp/rosetta")" \
	"$(line_of FEX-x86_64.conf "$tmp/FEX")" "$(line_of box64.conf "$tmp/box64")" &
holder=$!
for _ in $(seq 50); do [ -e "$tmp/hold.ready" ] && break; sleep 0.1; done
XBM=/proc/$holder/root$BM
if [ -e "$tmp/hold.ready" ] && [ -e "$XBM/rosetta" ]; then
	run "$QUS" status --binfmt-dir "$XBM"
	like "$out" "x86_64 programs run through box64 ($tmp/box64), not QEMU; shadowed: FEX-x86_64, rosetta" \
		"Rosetta, FEX and box64 registered in turn: the newest, box64, runs x86_64; the others shadowed"
	run "$QUS" register --host aarch64 --binfmt-dir "$XBM" x86_64
	rc_is 0 "register on an arm64 host where they run x86_64: exit 0"
	like "$out" "qemu-x86_64: skipped: box64 ($tmp/box64) runs x86_64 programs" "... x86_64 left to box64"
	check "... no qemu-x86_64" test ! -e "$XBM/qemu-x86_64"
else
	not_ok "an instance holding Rosetta's, FEX's and box64's x86_64 entries"
fi
kill $holder 2>/dev/null
wait $holder 2>/dev/null

# --- boot: systemd-binfmt, with the distribution's file and other emulators' ----------------
if [ -x $SYSTEMD_BINFMT ]; then
	# This namespace's own binfmt.d directories, over the machine's.
	for d in etc usr/lib usr/local/lib run; do
		mkdir -p "$tmp/root/$d/binfmt.d"
		if [ -d "/$d/binfmt.d" ]; then mount --bind "$tmp/root/$d/binfmt.d" "/$d/binfmt.d"; fi
	done
	# Debian's qemu-aarch64.conf (its own interpreter), the other emulators'.
	cat >"$tmp/root/usr/lib/binfmt.d/qemu-aarch64.conf" <<-EOF
		:qemu-aarch64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/libexec/qemu-binfmt/aarch64-binfmt-P:OPF
	EOF
	line_of FEX-x86.conf "$tmp/FEX" >"$tmp/root/usr/lib/binfmt.d/FEX-x86.conf"
	printf '%s\n' "$OTHER_ARM64" >"$tmp/root/usr/lib/binfmt.d/otheremu-arm64.conf"
	run "$QUS" export --systemd --include-native aarch64 i386 s390x
	rc_is 0 "export --systemd (nothing else registered now): exit 0"
	is "$(cd /etc/binfmt.d && echo *)" "00-qus-qemu-aarch64.conf 00-qus-qemu-i386.conf 00-qus-qemu-s390x.conf qemu-aarch64.conf qemu-i386.conf qemu-s390x.conf" \
		"... 00-qus-qemu-T.conf, and qemu-T.conf masks"
	run $SYSTEMD_BINFMT
	rc_is 0 "systemd-binfmt at boot (all directories, in the order of file names)"
	is "$(sed -n 's/^interpreter //p' $BM/qemu-aarch64)" /usr/bin/qemu-aarch64-static \
		"qemu-aarch64 is qus's: the mask kept Debian's file of that name from registering it again"
	is "$(kernel_order)" \
		"otheremu-arm64 FEX-x86 qemu-s390x qemu-i386 qemu-aarch64 " \
		"the kernel's order: qus's files first, then FEX-x86.conf, otheremu-arm64.conf (newest first)"
	run "$QUS" status
	like "$out" "aarch64 programs run through otheremu-arm64 ($tmp/otheremu), not QEMU; shadowed: qemu-aarch64" \
		"after the boot the other emulator runs aarch64, as it did before it"
	like "$out" "i386 programs run through FEX-x86 ($tmp/FEX), not QEMU; shadowed: qemu-i386" "... FEX i386"
	if have_fixtures; then
		is "$(started_for "$bb_arm64")" "$tmp/otheremu" "an arm64 program runs through the other emulator after the boot"
		is "$(started_for "$(busybox_path s390x)")" /usr/bin/qemu-s390x-static "... an s390x one through QEMU"
	fi
	# Exported now, with them registered: left to them.
	rm /etc/binfmt.d/*
	run "$QUS" export --systemd --include-native aarch64 i386 s390x
	rc_is 0 "export with the other emulators registered: exit 0"
	like "$out" "qemu-aarch64: not exported: otheremu-arm64 ($tmp/otheremu) runs aarch64 programs on this machine" \
		"... aarch64 is not exported, said in one line"
	like "$out" "1 files written to /etc/binfmt.d (each with a mask of its distribution file), 2 left to other emulators" \
		"... nor i386; s390x is"
	run "$QUS" export --systemd --take-over aarch64
	check "export --take-over exports it anyway" test -e /etc/binfmt.d/00-qus-qemu-aarch64.conf
	for d in etc usr/lib usr/local/lib run; do if [ -d "/$d/binfmt.d" ]; then umount "/$d/binfmt.d"; fi; done
	clear_all
else
	skip "systemd-binfmt's order" "$SYSTEMD_BINFMT is missing (Debian package systemd)"
fi

# --- boot: update-binfmts enables its formats in the order of their names --------------------
if command -v update-binfmts >/dev/null; then
	mkdir "$tmp/admin" "$tmp/import"
	"$QUS" export -q --debian --exportdir "$tmp/import" --include-native aarch64 i386
	# The other emulators' formats, as update-binfmts --install would record them.
	printf 'package runner\ninterpreter %s\nmagic %s\nmask %s\noffset 0\nfix_binary yes\n' "$tmp/otheremu" \
		'\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00' \
		'\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff' >"$tmp/import/runner-arm64"
	printf 'package fex\ninterpreter %s\nmagic %s\nmask %s\noffset 0\nfix_binary yes\n' "$tmp/FEX" \
		'\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00' \
		'\xff\xff\xff\xff\xff\xfe\xfe\x00\x00\x00\x00\xff\xff\xff\xff\xff\xfe\xff\xff\xff' >"$tmp/import/FEX-x86"
	for f in qemu-aarch64 qemu-i386 runner-arm64 FEX-x86; do
		update-binfmts --admindir "$tmp/admin" --importdir "$tmp/import" --import "$f" >/dev/null 2>&1 ||
			not_ok "update-binfmts --import $f"
	done
	clear_all
	run update-binfmts --admindir "$tmp/admin" --enable
	rc_is 0 "update-binfmts --enable (what binfmt-support does at boot)"
	is "$(kernel_order)" "runner-arm64 qemu-i386 qemu-aarch64 FEX-x86 " \
		"update-binfmts registered in the order of names: FEX-x86, qemu-aarch64, qemu-i386, runner-arm64 (newest first here)"
	run "$QUS" status
	like "$out" "aarch64 programs run through runner-arm64 ($tmp/otheremu), not QEMU" \
		"runner-arm64 sorts after qemu-aarch64: the other emulator wins"
	like "$out" "i386 programs run through qemu-i386 (/usr/bin/qemu-i386-static); shadowed: FEX-x86" \
		"FEX-x86 sorts before qemu-i386: QEMU wins there (the order qus(1) documents; export leaves such targets out)"
	clear_all
else
	skip "update-binfmts' order" "update-binfmts is missing (Debian package binfmt-support)"
fi

rm -rf "$tmp"
done_testing

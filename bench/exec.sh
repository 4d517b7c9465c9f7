#!/bin/bash
# Row 5 of bench/run: what a foreign program costs to start, through each
# way of getting it emulated, with arm64 busybox `true`:
#
#   direct      qemu-aarch64-static busybox true: the emulator alone
#   ours        busybox true through the entry `qus register` makes (POF)
#   debian      busybox true through Debian's own entry (its binfmt.d file:
#               OPF, interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P)
#   run         qus run -q --arch arm64 -- busybox true: a user namespace, a
#               private binfmt_misc with one entry, then the exec
#   native      /bin/true: starting any process here
#
# The two entries live in a private binfmt_misc instance, one enabled at a
# time (the switch is untimed); qus run is measured from outside it, as the
# user who runs the bench would run it.
#
# Usage: bench/exec.sh [-n ROUNDS] [-u USER]   prints markdown table rows
#   -u USER  also measure qus run as USER (setpriv; root only), e.g. a user
#            with /etc/subuid ranges, for whom newuidmap/newgidmap run too
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
rounds=300
user=
entries=
[ "${1:-}" = --entries ] && entries=yes && shift
while getopts n:u: o; do
	case $o in
	n) rounds=$OPTARG ;;
	u) user=$OPTARG ;;
	*) exit 2 ;;
	esac
done
need_release_qus
EMU=/usr/bin/qemu-aarch64-static
BB_SRC=$BENCH_ROOT/build/fixtures/busybox/arm64/busybox
DEB_CONF=/usr/lib/binfmt.d/qemu-aarch64.conf
for f in "$EMU" "$BB_SRC" "$DEB_CONF"; do
	[ -e "$f" ] || die "$f is missing (run ./setup.sh)"
done
chmod 755 "$BW"
cp "$QUS_REL" "$BB_SRC" "$BW/"
Q=$BW/qus BB=$BW/busybox
BM=/proc/sys/fs/binfmt_misc

# The entries' half: inside a private instance.
# shellcheck disable=SC2317 # pre_* and case_* are called by name, by alternate (lib.sh)
if [ -n "$entries" ]; then
	# Debian's entry under another name, so both can be registered at once.
	sed 's/^:qemu-aarch64:/:debian-aarch64:/' "$DEB_CONF" >"$BM/register"
	"$Q" register -q arm64
	pre_ours() { echo 0 >"$BM/debian-aarch64" && echo 1 >"$BM/qemu-aarch64"; }
	pre_debian() { echo 0 >"$BM/qemu-aarch64" && echo 1 >"$BM/debian-aarch64"; }
	case_ours() { "$BB" true; }
	case_debian() { "$BB" true; }
	case_direct() { "$EMU" "$BB" true; }
	alternate "$rounds" direct ours debian
	row "5. exec through qus's entry (POF)" ours "Debian's entry (OPF)" debian 1.00
	row "5. … against the emulator run directly" ours "qemu-aarch64-static busybox true" direct ""
	exit 0
fi
in_private_binfmt bash "$0" --entries -n "$rounds" || exit 1
as=()
[ -n "$user" ] && as=(setpriv --reuid "$user" --regid "$user" --clear-groups --)
case_direct() { "${as[@]}" "$EMU" "$BB" true; }
case_run() { "${as[@]}" "$Q" run -q --arch arm64 -- "$BB" true; }
case_native() { "${as[@]}" /bin/true; }
alternate "$rounds" direct run native
row "5. qus run --arch arm64 (as ${user:-$(id -un)})" run "the emulator directly" direct ""
echo
echo "qus run adds $(human $(($(median run) - $(median direct)))) (target ≤ 1 ms) to the emulator run directly;" \
	"starting /bin/true costs $(human "$(median native)")."

#!/bin/bash
# Row 8 of bench/run: a user's rootless podman running an arm64 container
# (`podman run --rm IMAGE true`, busybox-static) through the registration
# qus register --podman made in podman's user namespace, against the same
# through root's registration on the host; and the one-time registration
# itself, `qus register --podman` as the user against `qus register` as
# root (both for one target, with the pause process already running).
# Creates a user with subordinate ids for the run and removes it.
#
# Usage: bench/rootless.sh [-n ROUNDS]     prints markdown table rows
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_rounds 20 "$@"
need_release_qus
[ "$(id -u)" = 0 ] || die "run as root (it creates the user and registers on the host)"
for c in podman runc newuidmap; do command -v $c >/dev/null || die "$c is missing (run ./setup.sh)"; done
BB=$BENCH_ROOT/build/fixtures/busybox/arm64/busybox
[ -x "$BB" ] || die "$BB is missing (run ./setup.sh fixtures)"
U=qus-bench
BM=/proc/sys/fs/binfmt_misc
[ -e $BM/register ] || mount -t binfmt_misc binfmt_misc $BM
[ -e $BM/qemu-aarch64 ] && die "the host has a qemu-aarch64 entry: this bench registers and removes its own"
cleanup() {
	pkill -KILL -u $U 2>/dev/null
	userdel $U 2>/dev/null
	sed -i "/^$U:/d" /etc/subuid /etc/subgid
	[ -e $BM/qemu-aarch64 ] && echo -1 >$BM/qemu-aarch64
	rm -rf "$BW"
}
trap cleanup EXIT
useradd --no-create-home --shell /bin/sh $U
start=$(awk -F: 'BEGIN { m = 200000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' /etc/subuid)
usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" $U
mkdir -p "$BW/home" "$BW/xdg" "$BW/img/bin"
cp "$BB" "$BW/img/bin/busybox" && ln -s busybox "$BW/img/bin/true"
tar -C "$BW/img" -cf "$BW/img.tar" . && cp "$QUS_REL" "$BW/qus"
chown -R $U: "$BW/home" "$BW/xdg" && chmod 700 "$BW/xdg" && chmod 755 "$BW" && chmod a+r "$BW/img.tar" "$BW/qus"
as_u() {
	setpriv --reuid $U --regid $U --init-groups -- env -i PATH=/usr/bin:/bin HOME="$BW/home" \
		XDG_RUNTIME_DIR="$BW/xdg" "$@"
}
pod() { as_u podman --storage-driver vfs "$@"; }
pod import -q --arch arm64 "$BW/img.tar" localhost/bench:arm64 >/dev/null 2>&1 || die "podman import as $U failed"

# Each case starts with podman's pause process running (untimed) and only
# its own registration in place.
host_only() { pod system migrate >/dev/null 2>&1; pod unshare true 2>/dev/null; "$QUS_REL" register -q arm64; }
podman_only() { [ -e $BM/qemu-aarch64 ] && echo -1 >$BM/qemu-aarch64; pod system migrate >/dev/null 2>&1; as_u "$BW/qus" register --podman -q arm64 2>/dev/null; }
pre_host() { host_only; }
case_host() { pod run --rm --runtime runc --network none localhost/bench:arm64 /bin/true; }
pre_rootless() { podman_only; }
case_rootless() { pod run --rm --runtime runc --network none localhost/bench:arm64 /bin/true; }
pre_reg_root() { [ -e $BM/qemu-aarch64 ] && echo -1 >$BM/qemu-aarch64; return 0; }
case_reg_root() { "$QUS_REL" register -q arm64; }
pre_reg_podman() { [ -e $BM/qemu-aarch64 ] && echo -1 >$BM/qemu-aarch64; pod system migrate >/dev/null 2>&1; pod unshare true 2>/dev/null; }
case_reg_podman() { as_u "$BW/qus" register --podman -q arm64 2>/dev/null; }

alternate "$rounds" host rootless reg_root reg_podman
row "8. rootless podman run, arm64 (qus register --podman)" rootless "the same through root's host registration" host 1.05
row "8. the registration: qus register --podman (as the user)" reg_podman "qus register as root" reg_root ""

#!/bin/bash
# Row 10 of bench/run: a user's rootless Docker running an arm64 container
# (`docker run --rm --network none --platform linux/arm64 IMAGE true`,
# busybox-static) through the registration `qus register --docker` made in
# rootlesskit's user namespace, against the same command with a rootful
# dockerd through root's registration on the host, in the same run; and,
# to tell what rootless Docker costs by itself, both daemons running a
# native (amd64) `true`.  --network none on both sides: networking
# (rootless Docker's slirp4netns) is not what is measured.  Both daemons
# are the test suites' (tests/lib/docker.sh: trixie's dockerd from
# build/fixtures/docker, each with its own socket and directories); a user
# with subordinate ids is created for the run and removed, as are both
# daemons, the host's entry and /dev/net/tun's mode.
#
# Usage: bench/docker.sh [-n ROUNDS]     prints markdown table rows
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_rounds 20 "$@"
need_release_qus
[ "$(id -u)" = 0 ] || die "run as root (it creates the user, starts dockerd and registers on the host)"
FIXTURES=$BENCH_ROOT/build/fixtures
QUS_ROOT=$BENCH_ROOT
W=$BW
busybox_path() { echo "$FIXTURES/busybox/$1/busybox"; }
# shellcheck source=../tests/lib/docker.sh
. "$BENCH_ROOT/tests/lib/docker.sh"
m=$(docker_missing rootless)
[ -z "$m" ] || die "missing: $m (run ./setup.sh)"
{ [ -x "$(busybox_path arm64)" ] && [ -x /bin/busybox ]; } || die "busybox fixtures missing (run ./setup.sh)"
U=qus-bench
BM=/proc/sys/fs/binfmt_misc
[ -e $BM/register ] || mount -t binfmt_misc binfmt_misc $BM
[ -e $BM/qemu-aarch64 ] && die "the host has a qemu-aarch64 entry: this bench registers and removes its own"
TUN_MODE=$(stat -c %a /dev/net/tun)
RLK_PID=
cleanup() {
	[ -n "$RLK_PID" ] && kill -TERM "$RLK_PID" 2>/dev/null && wait "$RLK_PID" 2>/dev/null
	dockerd_stop
	pkill -KILL -u $U 2>/dev/null
	userdel $U 2>/dev/null
	sed -i "/^$U:/d" /etc/subuid /etc/subgid
	[ -e $BM/qemu-aarch64 ] && echo -1 >$BM/qemu-aarch64
	chmod "$TUN_MODE" /dev/net/tun
	rm -rf "$BW"
}
trap cleanup EXIT
useradd --no-create-home --shell /bin/sh $U
start=$(awk -F: 'BEGIN { m = 200000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' /etc/subuid)
usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" $U
chmod 755 "$BW"
mkdir -p "$BW/home" "$BW/xdg"
cp -al "$DK" "$BW/dk" 2>/dev/null || cp -a "$DK" "$BW/dk"
cp "$QUS_REL" "$BW/qus" && chmod 755 "$BW/qus"
chown -R $U: "$BW/home" "$BW/xdg" && chmod 700 "$BW/xdg"
setpriv --reuid $U --regid $U --clear-groups test -r /dev/net/tun -a -w /dev/net/tun || chmod o+rw /dev/net/tun

# Root's daemon, and the user's (dockerd-rootless.sh as its documentation has it).
dockerd_start "$BW/rootful" || die "rootful dockerd did not start: $(tail -3 "$BW/rootful/dockerd.log")"
docker_paths "$BW/dk"
as_u() {
	setpriv --reuid $U --regid $U --clear-groups -- env -i PATH="$DK_PATH" HOME="$BW/home" USER=$U \
		XDG_RUNTIME_DIR="$BW/xdg" DOCKER_HOST="unix://$BW/xdg/docker.sock" "$@"
}
UD() { as_u "$DOCKER" "$@"; }
# One process from setpriv to rootlesskit (each execs the next): $! is rootlesskit's pid.
setpriv --reuid $U --regid $U --clear-groups -- env -i PATH="$DK_PATH" HOME="$BW/home" USER=$U \
	XDG_RUNTIME_DIR="$BW/xdg" "$DK_ROOTLESS" --bridge=none --iptables=false >"$BW/rootless.log" 2>&1 &
RLK_PID=$!
for _ in $(seq 300); do UD info >/dev/null 2>&1 && break; sleep 0.1; done
UD info >/dev/null 2>&1 || die "rootless dockerd did not start: $(tail -3 "$BW/rootless.log")"

# The images: Debian's busybox-static for arm64, and the host's for the native case.
for c in D UD; do
	docker_busybox_image arm64 linux/arm64 localhost/bench:arm64 "$c" || die "import for $c failed"
	mkdir -p "$BW/native/bin" && cp /bin/busybox "$BW/native/bin/" && ln -sf busybox "$BW/native/bin/true"
	tar -C "$BW/native" -cf "$BW/native.tar" . && chmod a+r "$BW/native.tar"
	"$c" import "$BW/native.tar" localhost/bench:native >/dev/null || die "import for $c failed"
done
# Each side's registration: root's on the host, the user's in rootlesskit's namespace.
"$QUS_REL" register -q arm64 || die "qus register arm64 failed"
as_u "$BW/qus" register --docker -q arm64 || die "qus register --docker failed"

case_rootful() { D run --rm --network none --platform linux/arm64 localhost/bench:arm64 /bin/true; }
case_rootless() { UD run --rm --network none --platform linux/arm64 localhost/bench:arm64 /bin/true; }
case_rootful_native() { D run --rm --network none localhost/bench:native /bin/true; }
case_rootless_native() { UD run --rm --network none localhost/bench:native /bin/true; }

alternate "$rounds" rootful rootless rootful_native rootless_native
row "10. docker run --platform linux/arm64 IMAGE true: rootless (qus register --docker)" rootless \
	"rootful dockerd, root's host registration" rootful 1.05
row "10. … of which rootless Docker itself: the same, native (amd64) true" rootless_native \
	"rootful dockerd" rootful_native ""

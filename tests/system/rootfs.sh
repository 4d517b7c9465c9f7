# qus run --rootfs: a foreign root file system as an unprivileged user.
# First a small busybox tree (what is mounted where, what is left behind),
# then a Debian arm64 tree made by debootstrap --foreign --variant=minbase,
# whose second stage runs under qus run --rootfs, followed by dpkg and apt.
# The Debian part downloads from deb.debian.org (cached in $QUS_DEB_CACHE).
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/users.sh
. "$QUS_ROOT/tests/lib/users.sh"

SUITE="qus run --rootfs"
if [ "$(id -u)" != 0 ]; then
	skip "$SUITE" "needs root to create the test user"
	done_testing
	exit 0
fi
if ! have_fixtures || ! private_binfmt_works || ! command -v debootstrap >/dev/null; then
	skip "$SUITE" "needs the busybox fixtures and debootstrap (setup.sh) and Linux >= 6.7"
	done_testing
	exit 0
fi
MIRROR=${QUS_DEB_MIRROR:-http://deb.debian.org/debian}
QUS_DEB_CACHE=${QUS_DEB_CACHE:-/var/cache/qus-tests/debootstrap}

user_suite_begin
read -r _subuid subgid < <(user_subid_start $QUS_USER)

# --- a busybox tree ---------------------------------------------------------------
T=$W/tree
mkdir -p "$T/bin" "$T/etc" "$T/home/me"
cp "$(busybox_path arm64)" "$T/bin/busybox"
ln -s busybox "$T/bin/sh"
chown -R $QUS_USER: "$T"
listing() { (cd "$T" && find . | sort); }
before=$(listing)

run U env -C "$T/home/me" PATH=/bin "$Q" run --rootfs "$T" -- /bin/busybox sh -c 'pwd; busybox uname -m'
is "$out" "/home/me
aarch64" "an arm64 tree: the shell runs, in the working directory's place inside the tree"
run U env -C "$W" PATH=/bin "$Q" run --rootfs "$T" -- /bin/busybox pwd
is "$out" / "a working directory outside the tree becomes /"
run U env PATH=/bin "$Q" run --rootfs "$T" -- /bin/busybox sh -c \
	'busybox ls /proc/sys/fs/binfmt_misc | busybox grep -c qemu-; busybox stat -f -c %T /tmp; busybox stat -c %a /tmp; echo x >/dev/null && echo devnull; busybox readlink /proc/self/fd/1 >/dev/null && echo proc'
is "$out" "$(U "$Q" run -- sh -c 'ls /proc/sys/fs/binfmt_misc | grep -c qemu-')
tmpfs
1777
devnull
proc" "inside: the private binfmt_misc under /proc, a fresh /tmp (tmpfs, 1777), /dev and /proc"
run U env PATH=/bin "$Q" run --rootfs "$T" -- /bin/busybox cat /etc/resolv.conf
is "$out" "$(cat /etc/resolv.conf)" "the host's resolv.conf, for name resolution"
run U env PATH=/bin "$Q" run --rootfs "$T" -- /bin/busybox sh -c 'echo nameserver 192.0.2.1 >/etc/resolv.conf'
like "$err" "Read-only file system" "... read-only: the tree cannot rewrite the host's"
after=$(listing)
is "$(comm -13 <(echo "$before") <(echo "$after"))" "./dev
./etc/resolv.conf
./proc
./sys
./tmp" "left in the tree: only the missing mount points, empty"
check "... the resolv.conf placeholder is empty" [ ! -s "$T/etc/resolv.conf" ]
check "no mount is left on the host" sh -c "! grep -q ' $T' /proc/self/mountinfo"
run U env PATH=/bin "$Q" run --rootfs "$T" -- nosuch
rc_is 127 "a command not in the tree: 127"
like "$err" "nosuch: command not found inside the --rootfs tree" "... said so"
run U env PATH=/bin "$Q" run --no-persistent --rootfs "$T" -- /bin/busybox true
rc_is 126 "without flag F, the tree has no emulator: 126"
like "$err" "note: without flag F the kernel opens each emulator inside $T at every exec" \
	"... qus said beforehand why that would fail"
like "$err" "cannot execute /bin/busybox: the program it needs to start (its emulator, dynamic loader or #! interpreter) does not exist inside the --rootfs tree" \
	"... and says so, not 'command not found'"
rm "$T/etc/resolv.conf"
ln -s /run/qus-nowhere/resolv.conf "$T/etc/resolv.conf"
run U env PATH=/bin "$Q" run --rootfs "$T" -- /bin/busybox true
rc_is 0 "a dangling resolv.conf link in the tree: the command still runs"
like "$err" "note: $T/etc/resolv.conf not set up" "... with a note"
check "... and nothing was created where the link points, in the tree or on the host" \
	sh -c "[ ! -e /run/qus-nowhere ] && [ ! -e '$T/run/qus-nowhere' ]"
run U env PATH=/bin "$Q" run --rootfs "$T/bin/busybox" -- /bin/busybox true
rc_is 125 "--rootfs naming a file: 125"
errors_are_qus_lines "... one qus: line"

# --- a Debian arm64 tree: debootstrap's two stages, both as the user ---------------
D=$W/debian
mkdir -p "$QUS_DEB_CACHE"
chown -R $QUS_USER: "$QUS_DEB_CACHE"
# debootstrap probes mknod unless it knows it runs in a container: device
# nodes cannot be made in a user namespace (the host's /dev is bound instead).
export container=lxc
run U env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$Q" run -- debootstrap --foreign --arch=arm64 \
	--variant=minbase --cache-dir="$QUS_DEB_CACHE" bookworm "$D" "$MIRROR"
rc_is 0 "first stage, as the user under qus run: debootstrap --foreign --arch=arm64"
[ "$rc" = 0 ] || diag "$(tail -5 <<<"$out")"
run U env -C "$W" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$Q" run --rootfs "$D" -- /debootstrap/debootstrap --second-stage
rc_is 0 "second stage, as the user under qus run --rootfs: completes"
like "$out" "I: Base system installed successfully." "... Base system installed successfully"
unset container
run U env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$Q" run --rootfs "$D" -- dpkg -l
n=$(grep -c '^ii ' <<<"$out")
check "dpkg -l inside lists the installed packages ($n)" [ "$n" -ge 50 ]
like "$out" "ii  dpkg " "... dpkg among them"
run U env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$Q" run --rootfs "$D" -- sh -c 'dpkg --print-architecture; uname -m; id -u'
is "$out" "arm64
aarch64
0" "inside: an arm64 Debian, run as root"
is "$(stat -c %g "$D/etc/shadow")" $((subgid + 41)) \
	"files of other users inside are subordinate ids outside (/etc/shadow: group shadow, 42)"
run U env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$Q" run --rootfs "$D" -- sh -c \
	'getent hosts deb.debian.org >/dev/null && echo resolved; apt-get update -q >/dev/null && apt-get install -y -q hello >/dev/null && hello'
is "$out" "resolved
Hello, world!" "name resolution, then apt-get update and install (apt drops to _apt) inside"
[ "$rc" = 0 ] || show_run
is "$(hg_state)" "$HG_BEFORE" "the host's binfmt_misc is as before"
run ls "$W/san"
is "$out" "" "no sanitizer report from any run"

done_testing

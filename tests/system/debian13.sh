# A Debian 13 ("trixie") system as today's users have it: QEMU 10.0's
# qemu-user installed, whose emulators are /usr/bin/qemu-T with no -static
# name anywhere.  In a trixie tree made by debootstrap (this machine's own
# architecture, so nothing is emulated to make it), with trixie's qemu-user
# installed by its dpkg, `qus register` as root in a chroot finds
# /usr/bin/qemu-T, registers it on the host's binfmt_misc (restored
# exactly afterwards), says which QEMU it is, and a foreign program runs.
# Downloads from deb.debian.org, cached in $QUS_DEB_CACHE.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"

PKG=$FIXTURES/pkg/trixie/qemu-user_amd64.deb
QUS_DEB_CACHE=${QUS_DEB_CACHE:-/var/cache/qus-tests/debootstrap}
MIRROR=${QUS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null || [ ! -s "$PKG" ] || ! have_fixtures ||
	[ "$(dpkg --print-architecture)" != amd64 ]; then
	skip "a Debian 13 system" "needs root, debootstrap, an amd64 host and $PKG (setup.sh)"
	done_testing
	exit 0
fi
D=$(mktemp -d)
hg_save
trap 'hg_restore; rm -rf "$D"' EXIT
trap 'hg_restore; rm -rf "$D"; exit 130' INT TERM
mkdir -p "$QUS_DEB_CACHE"
run debootstrap --variant=minbase --cache-dir="$QUS_DEB_CACHE" trixie "$D" "$MIRROR"
rc_is 0 "debootstrap --variant=minbase trixie: a Debian 13 tree"
is "$(cut -d. -f1 "$D/etc/debian_version")" 13 "... it is Debian 13"
cp "$PKG" "$D/tmp/qemu-user.deb"
run chroot "$D" dpkg -i /tmp/qemu-user.deb
rc_is 0 "trixie's qemu-user installed by its own dpkg"
version=$(dpkg-deb -f "$PKG" Version)
# shellcheck disable=SC2016 # dpkg-query's format
is "$(chroot "$D" dpkg-query -W -f '${Version}' qemu-user)" "$version" "... version $version"
check "... /usr/bin/qemu-aarch64 is there" test -x "$D/usr/bin/qemu-aarch64"
is "$(cd "$D/usr/bin" && find . -name 'qemu-*-static' | wc -l)" 0 "... and no qemu-*-static anywhere in /usr/bin"

install -m 755 "$QUS_STATIC" "$D/usr/local/bin/qus"
cp "$(busybox_path arm64)" "$D/usr/local/bin/busybox-arm64"
cp "$(busybox_path s390x)" "$D/usr/local/bin/busybox-s390x"
# In the chroot: its own /proc and binfmt_misc (the kernel's one instance, as
# the system's own mount would be); a mount namespace takes them away again.
# shellcheck disable=SC2016 # the inner shell's "$@"
in_tree() {
	unshare --mount -- chroot "$D" /bin/sh -c 'mount -t proc proc /proc &&
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && exec "$@"' - "$@"
}
[ -e "$HG_DIR/register" ] || mount -t binfmt_misc binfmt_misc "$HG_DIR"
"$QUS_STATIC" unregister -q --all
run in_tree qus register aarch64 s390x
rc_is 0 "qus register in the trixie chroot: exit 0"
like "$out" "qemu-aarch64: registered /usr/bin/qemu-aarch64 (flags: $(default_flags))" "... registers /usr/bin/qemu-aarch64, found with no -static name"
is "$(sed -n 's/^interpreter //p' "$HG_DIR/qemu-s390x")" /usr/bin/qemu-s390x "the host's entry names /usr/bin/qemu-s390x"
run in_tree /usr/local/bin/busybox-arm64 uname -m
is "$out" aarch64 "an arm64 program runs in the trixie system: aarch64"
run in_tree /usr/local/bin/busybox-s390x uname -m
is "$out" s390x "... and an s390x one: s390x"
run "$(busybox_path arm64)" uname -m
is "$out" aarch64 "with F, arm64 programs run on the host too (the kernel holds trixie's emulator)"
run in_tree qus status --json aarch64
is "$(jq -r '.entries[] | select(.name == "qemu-aarch64") | .qemu_version' <<<"$out" | cut -d' ' -f1)" \
	"$(sed -E 's/^[0-9]+://; s/[+~-].*//' <<<"$version")" "qus status there says which QEMU: $(sed -E 's/^[0-9]+://; s/[+~-].*//' <<<"$version")"
run in_tree qus check aarch64 s390x
rc_is 0 "qus check there: both targets ok"
# Every target of QEMU 10.0 through the kernel: its qemu-ppc* write a line of
# their own before a program run from a memfd, which check shows, not fails.
run in_tree qus register -q
rc_is 0 "qus register there, every target: exit 0"
run in_tree qus check
rc_is 0 "qus check there, every target: exit 0"
like "$out" "qus: $("$QUS_STATIC" targets --json | jq '.targets | length') ok, 0 failed, 0 untested" "... every target ok with QEMU 10.0"
"$QUS_STATIC" unregister -q --all

done_testing

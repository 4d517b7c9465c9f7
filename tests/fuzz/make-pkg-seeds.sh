#!/bin/bash
# Seeds for fuzz_pkg, made from text so that none is a binary from
# elsewhere: small .debs (data.tar.gz, data.tar.xz, data.tar.zst) holding
# one "emulator", the shapes of today's packaging (qemu-user's qemu-T with
# an alias link, a transitional package of qemu-T-static links, a chain of
# links, a loop, a link out of the tree), and the start of an RPM (its lead).
#   tests/fuzz/make-pkg-seeds.sh DIR
set -euo pipefail
out=$1
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$out" "$w/tree/usr/bin"
printf '2.0\n' >"$w/debian-binary"
printf 'Package: qemu-user-static\nVersion: 1:7.2+dfsg-7\nArchitecture: amd64\n' >"$w/control"
tar -C "$w" -czf "$w/control.tar.gz" ./control
printf '\177ELF not really an emulator\n' >"$w/tree/usr/bin/qemu-aarch64-static"
for z in gz xz zst; do
	case $z in gz) c=(gzip -n) ;; xz) c=(xz) ;; zst) c=(zstd -q) ;; esac
	tar -C "$w/tree" --owner=0 --group=0 --mtime=@1700000000 -cf - . | "${c[@]}" >"$w/data.tar.$z"
	(cd "$w" && ar rcD "$out/seed-$z.deb" debian-binary control.tar.gz "data.tar.$z")
done
# seed NAME PACKAGE: $w/NAME (a tree) as a .deb with data.tar.gz.
seed() {
	printf 'Package: %s\nVersion: 1:10.0.13+ds-0+deb13u1\nArchitecture: amd64\nDepends: qemu-user (>= 1:10.0.13+ds-0+deb13u1)\n' \
		"$2" >"$w/control"
	tar -C "$w" -czf "$w/control.tar.gz" ./control
	tar -C "$w/$1" --owner=0 --group=0 --mtime=@1700000000 -cf - . | gzip -n >"$w/data.tar.gz"
	(cd "$w" && ar rcD "$out/seed-$1.deb" debian-binary control.tar.gz data.tar.gz)
}
mkdir -p "$w/user/usr/bin" "$w/transitional/usr/bin" "$w/chain/usr/bin" "$w/loop/usr/bin" "$w/out/usr/bin"
printf '\177ELF not really an emulator\n' >"$w/user/usr/bin/qemu-aarch64"
ln -s qemu-aarch64 "$w/user/usr/bin/qemu-arm64"
seed user qemu-user
ln -s qemu-aarch64 "$w/transitional/usr/bin/qemu-aarch64-static"
ln -s qemu-aarch64-static "$w/transitional/usr/bin/qemu-arm64-static"
seed transitional qemu-user-static
cp "$w/user/usr/bin/qemu-aarch64" "$w/chain/usr/bin/"
ln -s qemu-arm64 "$w/chain/usr/bin/qemu-aarch64-static"
ln -s /usr/bin/qemu-aarch64 "$w/chain/usr/bin/qemu-arm64"
seed chain qemu-user
ln -s qemu-b "$w/loop/usr/bin/qemu-aarch64-static"
ln -s qemu-aarch64-static "$w/loop/usr/bin/qemu-b"
seed loop qemu-user-static
ln -s ../../../../etc/passwd "$w/out/usr/bin/qemu-aarch64-static"
seed out qemu-user-static
{
	printf '\355\253\356\333\003\000\000\001'
	head -c 88 /dev/zero
} >"$out/seed-rpm-lead"

#!/bin/bash
# Seeds for fuzz_pkg, made from text so that none is a binary from
# elsewhere: small .debs (data.tar.gz, data.tar.xz, data.tar.zst) holding
# one "emulator", and the start of an RPM (its lead).
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
{
	printf '\355\253\356\333\003\000\000\001'
	head -c 88 /dev/zero
} >"$out/seed-rpm-lead"

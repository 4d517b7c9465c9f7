#!/bin/bash
# Rewrite tests/golden/ from the current build, after a deliberate change to
# --help or an export format.  Review the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
qus=${QUS:-build-asan/qus}
g=tests/golden
"$qus" --help >"$g/help.txt"
for cmd in register unregister status detect export targets run check binfmt; do
	"$qus" "$cmd" --help >"$g/help-$cmd.txt"
done
build-asan/qus-build --help >"$g/qus-build-help.txt"
tmp=$(mktemp -d)
"$qus" export --systemd --exportdir "$tmp" --qemu-suffix -static --flags POF aarch64 >/dev/null
"$qus" export --debian --exportdir "$tmp" --qemu-suffix -static --flags OCF mips >/dev/null
cp "$tmp/00-qus-qemu-aarch64.conf" "$g/systemd-qemu-aarch64.conf"
cp "$tmp/qemu-mips" "$g/debian-qemu-mips"
rm -rf "$tmp"
git --no-pager diff --stat -- "$g"

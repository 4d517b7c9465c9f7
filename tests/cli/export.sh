# qus export and the options-only --systemd/--debian: files, formats, safety.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

tmp=$(mktemp -d)
chmod 755 "$tmp" # the unprivileged check below must reach its subdirectory
foreign=$("$QUS" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')

mkdir "$tmp/sd"
run "$QUS" export --systemd --exportdir "$tmp/sd"
rc_is 0 "export --systemd exits 0"
is "$(count_files "$tmp/sd"/00-qus-qemu-*.conf)" "$foreign" "one 00-qus-qemu-T.conf per foreign target"
is "$(count_files "$tmp/sd"/*)" $((2 * foreign)) "... and nothing else but one mask each"
is "$(readlink "$tmp/sd/qemu-riscv64.conf")" /dev/null \
	"qemu-T.conf is a link to /dev/null: it masks the distribution's file of that name"
is "$(count_files "$tmp/sd"/.[!.]* "$tmp/sd"/..?*)" 0 "no temporary files left"
is "$(stat -c %a "$tmp/sd/00-qus-qemu-riscv64.conf")" 644 "files are 0644"
is "$(grep -v '^#' "$tmp/sd/00-qus-qemu-riscv64.conf")" \
	"$("$QUS" register -n riscv64 | grep '^:')" "a .conf line is exactly what register writes"

# The golden files name qemu-T-static whatever /usr/bin holds (the search would take qemu-T there).
mkdir "$tmp/g"
"$QUS" export --systemd --exportdir "$tmp/g" --qemu-suffix -static --flags POF aarch64 >/dev/null
"$QUS" export --debian --exportdir "$tmp/g" --qemu-suffix -static --flags OCF mips >/dev/null
is "$(cat "$tmp/g/00-qus-qemu-aarch64.conf")" "$(cat "$GOLDEN/systemd-qemu-aarch64.conf")" "systemd file matches tests/golden"
is "$(cat "$tmp/g/qemu-mips")" "$(cat "$GOLDEN/debian-qemu-mips")" "Debian file matches tests/golden"

# Re-export over existing files: replaced, not appended.
"$QUS" export --systemd --exportdir "$tmp/g" --flags F aarch64 >/dev/null
like "$(cat "$tmp/g/00-qus-qemu-aarch64.conf")" "qemu-aarch64-static:F" "exporting again replaces the file"
is "$(grep -c '^:' "$tmp/g/00-qus-qemu-aarch64.conf")" 1 "... with one line"

run "$QUS" export --debian --exportdir "$tmp/g" arm
like "$err" "update-binfmts cannot express flag O without credentials" "--debian with O: a note"

run "$QUS" export --systemd --exportdir "$tmp/nonexistent"
rc_is 1 "a missing export directory: exit 1"
is "$err" "qus: cannot open export directory $tmp/nonexistent: No such file or directory (create it, or choose another with --exportdir)" \
	"a missing export directory: one line with the fix"

mkdir "$tmp/other"
run "$QUS" export --systemd --host aarch64 --exportdir "$tmp/other" --quiet
rc_is 0 "export for another host with --host"
check "--host aarch64: no aarch64 file (native there)" test ! -e "$tmp/other/00-qus-qemu-aarch64.conf"
check "--host aarch64: no arm file (its 32-bit mode)" test ! -e "$tmp/other/00-qus-qemu-arm.conf"
check "--host aarch64: x86_64 is exported" test -e "$tmp/other/00-qus-qemu-x86_64.conf"

# The options-only forms of the seeds: QEMU's flags (none unless asked).
mkdir "$tmp/seed-sd" "$tmp/seed-deb"
run "$QUS" --systemd ALL --exportdir "$tmp/seed-sd"
rc_is 0 "qus --systemd ALL --exportdir DIR"
is "$(count_files "$tmp/seed-sd"/00-qus-qemu-*.conf)" "$foreign" "--systemd ALL: one file per foreign target"
is "$(grep '^:' "$tmp/seed-sd/00-qus-qemu-arm.conf" | sed 's/.*://')" "" "--systemd ALL: empty flags field"
run "$QUS" --systemd arm64 -p yes --exportdir "$tmp/seed-sd"
like "$(cat "$tmp/seed-sd/00-qus-qemu-aarch64.conf")" "qemu-aarch64-static:F" "--systemd CPU -p yes: flag F"
run "$QUS" --debian --exportdir "$tmp/seed-deb" --credential yes
rc_is 0 "qus --debian --exportdir DIR"
is "$(count_files "$tmp/seed-deb"/*)" "$foreign" "--debian: one file per foreign target"
like "$(cat "$tmp/seed-deb/qemu-s390x")" "credentials yes" "--debian --credential yes"
like "$(cat "$tmp/seed-deb/qemu-s390x")" "fix_binary no" "--debian without -p: fix_binary no"

# A write that cannot happen: no half file under the final name.
mkdir "$tmp/ro"
"$QUS" export --systemd --exportdir "$tmp/ro" arm >/dev/null
before=$(cat "$tmp/ro/00-qus-qemu-arm.conf")
chmod 555 "$tmp/ro"
run setpriv --reuid=65534 --regid=65534 --clear-groups "$QUS" export --systemd --exportdir "$tmp/ro" --flags F arm
rc_is 1 "an unwritable export directory: exit 1"
like "$err" "cannot write $tmp/ro/00-qus-qemu-arm.conf: Permission denied" "an unwritable directory: named"
is "$(cat "$tmp/ro/00-qus-qemu-arm.conf")" "$before" "the existing file is intact"
chmod 755 "$tmp/ro"

rm -rf "$tmp"
done_testing

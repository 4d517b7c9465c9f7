# Exported configuration is loaded by the real systemd-binfmt and the real
# update-binfmts (in a private binfmt_misc instance: systemd-binfmt writes to
# /proc/sys/fs/binfmt_misc, which here is the namespace's own), and the
# result in binfmt_misc is what `qus register` would have made.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
SYSTEMD_BINFMT=/lib/systemd/systemd-binfmt
tmp=$(mktemp -d)
foreign=$("$QUS" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')

# Entry files without the enabled line, for comparing registrations.
entries() { (cd $BM && for f in qemu-*; do echo "== $f"; sed 1d "$f"; done); }

if [ -x $SYSTEMD_BINFMT ]; then
	"$QUS" register -q
	want=$(entries)
	"$QUS" unregister -q --all
	mkdir "$tmp/binfmt.d"
	run "$QUS" export --systemd --exportdir "$tmp/binfmt.d"
	rc_is 0 "export --systemd"
	run $SYSTEMD_BINFMT "$tmp"/binfmt.d/*.conf
	rc_is 0 "systemd-binfmt loads every exported file"
	is "$err" "" "systemd-binfmt has no complaint"
	is "$(count_files "$BM"/qemu-*)" "$foreign" "systemd-binfmt registered $foreign entries"
	is "$(entries)" "$want" "the entries are exactly what qus register makes"
	run "$QUS" register
	like "$out" "$foreign unchanged" "qus register finds them identical"
	if have_fixtures; then
		is "$("$(busybox_path s390x)" uname -m)" s390x "an s390x program runs through the systemd-binfmt entries"
	fi

	"$QUS" unregister -q --all
	mkdir "$tmp/seed"
	"$QUS" --systemd ALL -p yes --exportdir "$tmp/seed" >/dev/null
	run $SYSTEMD_BINFMT "$tmp"/seed/*.conf
	rc_is 0 "systemd-binfmt loads the files of qus --systemd ALL -p yes"
	is "$(cd $BM && cat qemu-* | sed -n 's/^flags: *//p' | sort -u)" F "... with QEMU's flags (F)"
	"$QUS" unregister -q --all
else
	skip "systemd-binfmt" "$SYSTEMD_BINFMT is missing (Debian package systemd)"
fi

if command -v update-binfmts >/dev/null; then
	mkdir "$tmp/binfmts" "$tmp/admin"
	run "$QUS" export --debian --exportdir "$tmp/binfmts"
	rc_is 0 "export --debian"
	failed=0
	for f in "$tmp"/binfmts/qemu-*; do
		update-binfmts --admindir "$tmp/admin" --importdir "$tmp/binfmts" --import "${f##*/}" \
			>"$tmp/ub.log" 2>&1 || { failed=$((failed + 1)); sed 's/^/# /' "$tmp/ub.log"; }
	done
	is "$failed" 0 "update-binfmts --import accepts every exported file"
	is "$(count_files "$BM"/qemu-*)" "$foreign" "update-binfmts registered $foreign entries"
	# update-binfmts has no O without credentials: PF where qus registers POF.
	is "$(cd $BM && cat qemu-* | sed -n 's/^flags: *//p' | sort -u)" PF "update-binfmts' entries have PF"
	is "$(entries | grep -v '^flags')" "$(echo "$want" | grep -v '^flags')" \
		"otherwise (interpreter, offset, magic, mask) they are what qus register makes"
	run update-binfmts --admindir "$tmp/admin" --display qemu-riscv64
	like "$out" "package = qemu-riscv64" "update-binfmts records the package named in the file"
	if have_fixtures; then
		is "$("$(busybox_path ppc64el)" uname -m)" ppc64le "a ppc64el program runs through the update-binfmts entries"
	fi
	run update-binfmts --admindir "$tmp/admin" --importdir "$tmp/binfmts" --package qemu-riscv64 \
		--remove qemu-riscv64 /usr/bin/qemu-riscv64-static
	rc_is 0 "the documented update-binfmts --remove undoes an import"
	check "... and the entry is gone" test ! -e $BM/qemu-riscv64
else
	skip "update-binfmts" "update-binfmts is missing (Debian package binfmt-support)"
fi

rm -rf "$tmp"
done_testing

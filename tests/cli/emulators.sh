# Where the emulators are found, in a private binfmt_misc instance.
# Debian's qemu-user is the static build since QEMU 9.1.1 and installs
# /usr/bin/qemu-T; trixie's transitional qemu-user-static only links
# qemu-T-static to it; sid has no -static names.  register, run, check and
# export take qemu-T-static, else qemu-T, in --qemu-path; --qemu-suffix is
# exactly that name; the options-only mode keeps the seeds' qemu-T-static.
# The directories are made from Debian 12's qemu-user-static (/usr/bin),
# copied under the new names.
. "$(dirname "$0")/../lib/env.sh"
enter_private_binfmt "$@"

BM=/proc/sys/fs/binfmt_misc
if [ ! -x /usr/bin/qemu-aarch64-static ] || [ ! -x /usr/bin/qemu-s390x-static ]; then
	skip "emulator search" "Debian's qemu-user-static is not installed (./setup.sh)"
	done_testing
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
interp() { sed -n 's/^interpreter //p' "$BM/qemu-$1"; }
flags=$(default_flags)

# Only qemu-T, as sid's qemu-user installs them.
plain=$tmp/plain
mkdir "$plain"
cp /usr/bin/qemu-aarch64-static "$plain/qemu-aarch64"
cp /usr/bin/qemu-s390x-static "$plain/qemu-s390x"
run "$QUS" register --qemu-path "$plain" arm64 s390x
rc_is 0 "only qemu-T in --qemu-path: register exits 0"
like "$out" "qemu-aarch64: registered $plain/qemu-aarch64 (flags: $flags)" "... registers $plain/qemu-aarch64"
is "$(interp aarch64)" "$plain/qemu-aarch64" "... and the kernel's entry has it"
is "$err" "" "... with no message"
if have_fixtures; then
	is "$("$(busybox_path arm64)" uname -m 2>&1)" aarch64 "an arm64 busybox runs through $plain/qemu-aarch64"
	is "$("$(busybox_path s390x)" uname -m 2>&1)" s390x "an s390x busybox runs through $plain/qemu-s390x"
else
	skip "foreign programs through qemu-T" "fixtures missing: run ./setup.sh fixtures"
fi
run "$QUS" check --json arm64
rc_is 0 "check: arm64 runs through qemu-T"
is "$(jq -r '.targets[0] | [.result, .interpreter] | @csv' <<<"$out")" "\"ok\",\"$plain/qemu-aarch64\"" \
	"check --json names the file the entry uses"
run "$QUS" register --qemu-path "$plain" arm64
like "$out" "qemu-aarch64: unchanged, $plain/qemu-aarch64" "register again: the same file, unchanged"

# The default directory: /usr/bin replaced, in a mount namespace of its own,
# by the directory with only qemu-T (sid's layout).  Nothing there but qus runs.
# shellcheck disable=SC2016 # $1 and $@ belong to the inner shell
in_usr_bin() { unshare --mount -- /bin/sh -c 'mount --bind "$1" /usr/bin && shift && exec "$@"' - "$@"; }
run in_usr_bin "$plain" "$QUS" register -n arm64 s390x
rc_is 0 "/usr/bin with only qemu-T: register -n exits 0"
like "$out" ":/usr/bin/qemu-aarch64:$flags" "... takes /usr/bin/qemu-aarch64"
like "$out" ":/usr/bin/qemu-s390x:$flags" "... and /usr/bin/qemu-s390x"
run in_usr_bin "$plain" "$QUS" targets --json
is "$(jq -c '[.targets[] | select(.emulator_path != null) | [.name, .emulator, .emulator_path]]' <<<"$out")" \
	'[["s390x","qemu-s390x-static","/usr/bin/qemu-s390x"],["aarch64","qemu-aarch64-static","/usr/bin/qemu-aarch64"]]' \
	"targets --json: emulator_path is the file found, emulator QEMU's script's name"
run in_usr_bin "$plain" "$QUS" targets
like "$out" "$(printf '%-13s %-13s %-26s' aarch64 arm qemu-aarch64)" "targets: the EMULATOR column shows qemu-T"
like "$out" "$(printf '%-13s %-13s %-26s' riscv64 riscv -)" "... and - where neither is installed"
run in_usr_bin "$plain" "$QUS" --systemd aarch64 --exportdir "$tmp"
like "$(cat "$tmp/00-qus-qemu-aarch64.conf")" ":/usr/bin/qemu-aarch64-static:" "the options-only mode still names /usr/bin/qemu-T-static"
rm "$tmp/00-qus-qemu-aarch64.conf" "$tmp/qemu-aarch64.conf"

# Both: qemu-T-static first (Debian 12 with qemu-user and qemu-user-static).
both=$tmp/both
mkdir "$both"
cp /usr/bin/qemu-aarch64-static "$both/qemu-aarch64-static"
cp /usr/bin/qemu-aarch64-static "$both/qemu-aarch64"
run "$QUS" register --qemu-path "$both" arm64
like "$out" "qemu-aarch64: replaced with $both/qemu-aarch64-static" "both present: qemu-T-static is preferred"
is "$(interp aarch64)" "$both/qemu-aarch64-static" "... in the kernel's entry"
run "$QUS" register -n --qemu-path "$both" --qemu-suffix '' arm64
like "$out" ":$both/qemu-aarch64:$flags" "--qemu-suffix '': exactly qemu-T"
run "$QUS" register -n --qemu-path "$both" --qemu-suffix -static arm64
like "$out" ":$both/qemu-aarch64-static:$flags" "--qemu-suffix -static: exactly qemu-T-static"
run "$QUS" register -n --qemu-path "$plain" --qemu-suffix -static arm64
rc_is 1 "--qemu-suffix -static where only qemu-T exists: exit 1, no search"
is "$err" "qus: qemu-aarch64: interpreter $plain/qemu-aarch64-static does not exist (install qemu-user-static or qemu-user, or point --qemu-path and --qemu-suffix at the emulators)" \
	"... naming exactly that file"

# Trixie: qemu-T-static is a link to qemu-T; the -static name is registered.
links=$tmp/links
mkdir "$links"
cp /usr/bin/qemu-aarch64-static "$links/qemu-aarch64"
ln -s qemu-aarch64 "$links/qemu-aarch64-static"
run "$QUS" register -n --qemu-path "$links/" arm64
like "$out" ":$links/qemu-aarch64-static:$flags" "trixie's links: qemu-T-static (a link to qemu-T) is taken"
# A dangling qemu-T-static is not: qemu-T is.
rm "$links/qemu-aarch64"
mv "$links/qemu-aarch64-static" "$links/dangling"
cp /usr/bin/qemu-aarch64-static "$links/qemu-aarch64"
ln -s nonexistent "$links/qemu-aarch64-static"
run "$QUS" register -n --qemu-path "$links" arm64
like "$out" ":$links/qemu-aarch64:$flags" "a dangling qemu-T-static link: qemu-T is taken"

# Neither: one line naming both names, and the fix.
run "$QUS" register --qemu-path "$tmp/none" arm64
rc_is 1 "neither file: exit 1"
is "$err" "qus: qemu-aarch64: no emulator in $tmp/none: neither qemu-aarch64-static nor qemu-aarch64 exists (install qemu-user-static or qemu-user, or point --qemu-path at the emulators)" \
	"... one line with both names and the fix"
run "$QUS" register -n --no-persistent --qemu-path "$tmp/none" arm64
rc_is 0 "neither file, without F: allowed"
like "$out" ":$tmp/none/qemu-aarch64-static:" "... the -static name is registered, as QEMU's script would"

# A dynamically linked qemu-T (Debian 12's qemu-user): a note, never silent.
# A copy of /bin/true stands in for it; nothing is run through it.
dyn=$tmp/dynamic
mkdir "$dyn"
cp /bin/true "$dyn/qemu-aarch64"
if file -L /bin/true | grep -q 'dynamically linked'; then
	run "$QUS" register -n --qemu-path "$dyn" arm64
	rc_is 0 "a dynamically linked qemu-T: dry run exits 0"
	like "$out" ":$dyn/qemu-aarch64:" "... it is the file found"
	like "$err" "qus: qemu-aarch64: note: interpreter $dyn/qemu-aarch64 is dynamically linked: foreign programs in containers or chroots without its libraries will not start (Debian 12's qemu-user is; install qemu-user-static, or a qemu-user of QEMU 9.1.1 or later, whose emulators are static)" \
		"... with the note on where it will not work, and the fix"
	cp /usr/bin/qemu-aarch64-static "$dyn/qemu-aarch64-static"
	run "$QUS" register -n --qemu-path "$dyn" arm64
	like "$out" ":$dyn/qemu-aarch64-static:" "with qemu-T-static beside it, the static file is taken"
	is "$err" "" "... and no note"
else
	skip "a dynamically linked qemu-T" "/bin/true is not dynamically linked here"
fi

# export: the same search.
mkdir "$tmp/export"
run "$QUS" export --systemd --exportdir "$tmp/export" --qemu-path "$plain" arm64 s390x
rc_is 0 "export --systemd with only qemu-T: exit 0"
like "$(cat "$tmp/export/00-qus-qemu-aarch64.conf")" ":$plain/qemu-aarch64:" "export names qemu-T"
run "$QUS" export --systemd --exportdir "$tmp/export" --qemu-path "$both" arm64
like "$(cat "$tmp/export/00-qus-qemu-aarch64.conf")" ":$both/qemu-aarch64-static:" "export prefers qemu-T-static"
run "$QUS" export --debian --exportdir "$tmp/export" --qemu-path "$tmp/none" arm64
like "$(cat "$tmp/export/qemu-aarch64")" "$tmp/none/qemu-aarch64-static" "export with neither: the -static name, as before"

# run: the same search, in a binfmt_misc of its own.
"$QUS" unregister -q --all
run "$QUS" run -q --qemu-path "$plain" --arch arm64 -- cat "$BM/qemu-aarch64"
like "$out" "interpreter $plain/qemu-aarch64" "qus run registers qemu-T"
run "$QUS" run -q --qemu-path "$plain" --arch arm64 -- "$QUS" check --json arm64
is "$(jq -r '.targets[0] | [.result, .interpreter] | @csv' <<<"$out")" "\"ok\",\"$plain/qemu-aarch64\"" \
	"qus run -- qus check: ok, through qemu-T"
if have_fixtures; then
	run "$QUS" run -q --qemu-path "$plain" -- "$(busybox_path arm64)" uname -m
	is "$out" aarch64 "qus run: an arm64 busybox runs through qemu-T"
fi
run "$QUS" run -q --qemu-path "$tmp/none" --arch arm64 -- true
rc_is 125 "qus run with neither file: 125"
like "$err" "neither qemu-aarch64-static nor qemu-aarch64 exists" "... naming both"

# The options-only mode keeps QEMU's script: exactly qemu-T-static.
run "$QUS" --qemu-path "$plain" -p yes aarch64
rc_is 1 "options-only mode, -p yes, only qemu-T: exit 1 (no search)"
is "$err" "qus: qemu-aarch64: interpreter $plain/qemu-aarch64-static does not exist (install qemu-user-static or qemu-user, or point --qemu-path and --qemu-suffix at the emulators)" \
	"... naming qemu-T-static"
run "$QUS" --qemu-path "$plain" aarch64
rc_is 0 "options-only mode without F: registered"
is "$(interp aarch64)" "$plain/qemu-aarch64-static" "... with the seeds' name, qemu-T-static"
run "$QUS" --qemu-path "$plain" --systemd aarch64 --exportdir "$tmp/export"
like "$(cat "$tmp/export/00-qus-qemu-aarch64.conf")" ":$plain/qemu-aarch64-static:" "options-only --systemd: qemu-T-static too"
run "$QUS" --qemu-path "$plain" --qemu-suffix '' -p yes aarch64
rc_is 0 "options-only mode with --qemu-suffix '': qemu-T, as asked"
is "$(interp aarch64)" "$plain/qemu-aarch64" "... in the entry"

# Versions, read from the files (never run): what each emulator's own
# --version says, null where the file is not that target's QEMU or is gone.
"$QUS" unregister -q --all
"$QUS" register -q aarch64 s390x
v_aarch64=$(/usr/bin/qemu-aarch64-static --version | sed -n '1s/^qemu-aarch64 version //p')
v_s390x=$(/usr/bin/qemu-s390x-static --version | sed -n '1s/^qemu-s390x version //p')
check "the emulators' own --version gives a version ($v_aarch64)" test -n "$v_aarch64"
run "$QUS" status --json
rc_is 0 "status --json exits 0"
is "$(jq -r '.entries[] | select(.name == "qemu-aarch64") | .qemu_version' <<<"$out")" "$v_aarch64" \
	"status --json: qemu-aarch64's qemu_version is its --version"
is "$(jq -r '.entries[] | select(.name == "qemu-s390x") | .qemu_version' <<<"$out")" "$v_s390x" \
	"... and qemu-s390x's is its own"
is "$(jq -r '.schema' <<<"$out")" 1 "... schema still 1 (a member added)"
run "$QUS" status aarch64
like "$out" "$(printf '%-20s %-12s %-8s %-5s %-8s %s' qemu-aarch64 aarch64 enabled "$flags" "${v_aarch64%% *}" /usr/bin/qemu-aarch64-static)" \
	"status: the release in the QEMU column"
run "$QUS" check --json aarch64 s390x x86_64
is "$(jq -r '.targets[] | [.name, .qemu_version] | @tsv' <<<"$out" | sort)" "aarch64	$v_aarch64
s390x	$v_s390x
x86_64	" "check --json: qemu_version per target (null without an entry)"
run "$QUS" check aarch64
like "$out" "$(printf '%-12s %-8s %-5s %-34s %-8s %s' aarch64 no "$flags" /usr/bin/qemu-aarch64-static "${v_aarch64%% *}" ok)" \
	"check: the release in the QEMU column"

# Not QEMU (a copy of /bin/true), another target's QEMU, a file gone:
# entries without F, so the kernel never opens them; nothing runs through them.
mkdir "$tmp/notqemu" "$tmp/other" "$tmp/gone"
cp /bin/true "$tmp/notqemu/qemu-aarch64"
cp /usr/bin/qemu-s390x-static "$tmp/other/qemu-riscv64"
cp /usr/bin/qemu-aarch64-static "$tmp/gone/qemu-arm"
"$QUS" register -q --no-persistent --qemu-path "$tmp/notqemu" arm64
"$QUS" register -q --no-persistent --qemu-path "$tmp/other" riscv64
"$QUS" register -q --qemu-path "$tmp/gone" arm
rm "$tmp/gone/qemu-arm"
run "$QUS" status --json
is "$(jq -c '[.entries[] | select(.name == "qemu-aarch64" or .name == "qemu-riscv64" or .name == "qemu-arm") | [.name, .interpreter_exists, .qemu_version]] | sort' <<<"$out")" \
	'[["qemu-aarch64",true,null],["qemu-arm",false,null],["qemu-riscv64",true,null]]' \
	"status --json: qemu_version null for a file that is not QEMU, another target's QEMU, a file gone"
run "$QUS" status aarch64
like "$out" "$(printf '%-20s %-12s %-8s %-5s %-8s %s' qemu-aarch64 aarch64 enabled PO - "$tmp/notqemu/qemu-aarch64")" \
	"status: - in the QEMU column"
errors_are_qus_lines "... and no message but qus lines"

"$QUS" unregister -q --all
done_testing

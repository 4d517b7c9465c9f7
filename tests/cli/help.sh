# --help, versions and usage errors of the built binary; help, golden files
# and the man page cannot drift apart.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

run "$QUS" --help
rc_is 0 "qus --help exits 0"
is "$out" "$(cat "$GOLDEN/help.txt")" "qus --help matches tests/golden/help.txt"

for cmd in register unregister status detect export targets run check binfmt; do
	run "$QUS" "$cmd" --help
	rc_is 0 "qus $cmd --help exits 0"
	is "$out" "$(cat "$GOLDEN/help-$cmd.txt")" "qus $cmd --help matches tests/golden/help-$cmd.txt"
	run "$QUS" help "$cmd"
	is "$out" "$(cat "$GOLDEN/help-$cmd.txt")" "qus help $cmd prints the same"
done

version=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$QUS_ROOT/meson.build")
run "$QUS" --version
is "$out" "qus $version" "--version prints meson's project version ($version)"
run "$QUS" status -V
is "$out" "qus $version" "every command takes -V"
like "$(sed -n 1p "$QUS_ROOT/doc/qus.1")" "qus $version" "the man page carries the same version"
QUS_BUILD=${QUS_BUILD:-$QUS_ROOT/build-asan/qus-build}
if [ -x "$QUS_BUILD" ]; then
	run "$QUS_BUILD" --version
	is "$out" "qus-build $version" "qus-build --version prints meson's project version ($version)"
else
	skip "qus-build --version" "no $QUS_BUILD (configure with -Dbuild_tool=enabled)"
fi
like "$(sed -n 1p "$QUS_ROOT/doc/qus-build.1")" "qus $version" "qus-build(1) carries the same version"

run "$QUS"
rc_is 2 "no arguments: usage error, exit 2"
like "$err" "Usage: qus COMMAND" "no arguments: usage on stderr"
is "$out" "" "no arguments: nothing on stdout"

run "$QUS" frobnicate
rc_is 2 "unknown command: exit 2"
is "$err" "qus: unknown command 'frobnicate'
Try 'qus --help' for more information." "unknown command: one line naming it, and where to look"

run "$QUS" register --frobnicate
rc_is 2 "unknown option: exit 2"
errors_are_qus_lines "unknown option: only qus: lines"
like "$err" "frobnicate" "unknown option: named"

run "$QUS" help frobnicate
rc_is 2 "help of an unknown command: exit 2"

# Every long option of every --help is in the man page, and the other way round.
man=$(cat "$QUS_ROOT/doc/qus.1")
help_opts=$(cat "$GOLDEN"/help*.txt | grep -o -e '--[a-z][a-z0-9-]*' | sort -u)
missing=
for o in $help_opts; do
	roff=${o//-/\\-}
	case $man in *"$roff"*) ;; *) missing="$missing $o" ;; esac
done
is "$missing" "" "every option in --help is documented in doc/qus.1"
man_opts=$(grep -oE '\\-\\-[a-z]([a-z0-9]|\\-)*' "$QUS_ROOT/doc/qus.1" | sed 's/\\//g' | sort -u)
missing=
for o in $man_opts; do
	grep -q -e "$o" "$GOLDEN"/help*.txt || missing="$missing $o"
done
# Options of other programs that the man page quotes.
missing=${missing/ --package/}
missing=${missing/ --remove/}
missing=${missing/ --import/}
missing=${missing/ --privileged/}
missing=${missing/ --rm/}
missing=${missing/ --add-subgids/}
missing=${missing/ --add-subuids/}
missing=${missing/ --foreign/}
missing=${missing/ --second-stage/}
missing=${missing/ --variant/}
missing=${missing/ --manifest/}
missing=${missing/ --platform/}
missing=${missing/ --user/}
missing=${missing/ --sign/}
missing=${missing/ --preserve-credentials/}
is "$missing" "" "every qus option in doc/qus.1 appears in some --help"

for page in qus.1 qus-build.1; do
	run groff -man -ww -z "$QUS_ROOT/doc/$page"
	is "$err" "" "doc/$page renders without groff warnings"
	if command -v man >/dev/null; then
		run env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$QUS_ROOT/doc/$page"
		is "$err" "" "doc/$page renders without man --warnings"
	else
		skip "doc/$page under man --warnings" "man is not installed (Debian package man-db)"
	fi
done

done_testing

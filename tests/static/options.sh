# The options each program accepts, its --help and its man page cannot
# drift apart.  What is accepted is read from the C source, the only truth
# about it (as util-linux's tools/get-options.sh does): each command's
# `struct option` array, with macros such as COMMON_LONGOPTS expanded, and
# its getopt optstring.  Every accepted option must be in the command's
# --help and in its part of the man page, and every option those mention
# must be accepted.  Files are found by what they define, anywhere under
# src/, not by their paths.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/options.sh
. "$QUS_ROOT/tests/lib/options.sh"

QUS_BUILD=${QUS_BUILD:-$QUS_ROOT/build-asan/qus-build}
SRC=$QUS_ROOT/src
MAN=$QUS_ROOT/doc/qus.1
BUILD_MAN=$QUS_ROOT/doc/qus-build.1

# Options of other programs, or of another qus command, that a text quotes:
# "WHERE OPTION", WHERE as in the messages below.  Nothing else is exempt.
QUOTED="
qus --help|--privileged
qus --help|--install
qus --help|--uninstall
qus --help|--mount
qus(1) options-only mode|--install
qus(1) options-only mode|--uninstall
qus(1) options-only mode|--mount
qus export --help|--import
qus(1) binfmt|--credential
qus(1) register|--reset
qus(1) register|-p
qus(1) unregister|--reset
qus(1) export|--import
qus(1) export|--package
qus(1) export|--remove
qus(1) run|--add-subuids
qus(1) run|--add-subgids
qus(1) run|--second-stage
qus(1) options-only mode|-m
qus-build(1)|--privileged
qus-build(1)|--install
qus-build(1)|--rm
qus-build(1)|--reset
qus-build(1)|-p
qus-build(1)|-m
qus-build(1)|--type
qus-build(1)|--key
qus-build(1)|--sign
"
quoted() { case $QUOTED in *"
$1|$2
"*) return 0 ;; esac; return 1; }

# The options text on stdin names: --long (--[no-]X as --X and --no-X) and
# -x (a single letter, not part of a word).
mentioned_options() {
	sed -E 's/--\[no-\]([a-z0-9-]+)/--\1 --no-\1/g' |
		grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[^-]*//; s/-+$//' |
		awk '/^--/ || length($0) == 2'
}

# The plain text of man page source on stdin: no font changes, real hyphens.
man_text() { sed -E 's/\\[%&]//g; s/\\f(\(..|\[[^]]*\]|.)//g; s/\\-/-/g; s/\\\(em/ /g'; }

# The part of man page $1 from the line matching $2 to the next heading of
# the same or a higher level.
man_part() {
	awk -v start="$2" 'on && (/^\.SH/ || (level == "SS" && /^\.SS/)) { exit }
		!on && $0 ~ start { on = 1; level = substr($0, 2, 2) } on { print }' "$1"
}

# check_options WHAT ACCEPTED HELP-WHERE HELP-TEXT MAN-WHERE MAN-TEXT
#   One ok per check that holds, one not_ok per option that drifted.
check_options() {
	local what=$1 accepted=$2 help_where=$3 help=$4 man_where=$5 man=$6 o where text missing
	local -A in_doc
	check "$what: options read from the source (including --help)" grep -qx -e --help <<<"$accepted"
	for where in help man; do
		if [ $where = help ]; then text=$(mentioned_options <<<"$help") where=$help_where
		else text=$(mentioned_options <<<"$man") where=$man_where; fi
		in_doc=()
		for o in $text; do in_doc[$o]=1; done
		missing=0
		for o in $accepted; do
			[ -n "${in_doc[$o]:-}" ] && continue
			not_ok "$what: $o is accepted but missing from $where"
			missing=1
		done
		[ $missing = 1 ] || ok "$what: every accepted option is in $where"
		missing=0
		while read -r o; do
			[ -n "$o" ] || continue
			grep -qx -e "$o" <<<"$accepted" && continue
			quoted "$where" "$o" && continue
			not_ok "$what: $o is in $where but not accepted"
			missing=1
		done < <(sort -u <<<"$text")
		[ $missing = 1 ] || ok "$what: every option in $where is accepted"
	done
}

[ -x "$QUS" ] || { skip "option drift" "no $QUS (build build-asan first)"; done_testing; exit 0; }

# The commands, from the dispatcher's table: { "NAME", cmd_NAME, usage_NAME, ... }.
table=$(grep -rhoE --include='*.c' '^[[:space:]]*\{ "[a-z]+", cmd_[a-z_]+, usage_[a-z_]+' "$SRC" |
	sed -E 's/^[[:space:]]*\{ "([a-z]+)", (cmd_[a-z_]+),.*/\1 \2/')
check "the command table is found under src/ (at least 8 commands)" [ "$(wc -l <<<"$table")" -ge 8 ]
common=$(man_part "$MAN" '^\.SS "Options of every command"' | man_text)
check "qus(1) has its \"Options of every command\"" [ -n "$common" ]

while read -r cmd fn; do
	run "$QUS" "$cmd" --help
	section=$(man_part "$MAN" "^\\.SS \"?$cmd( |\"|\$)" | man_text)
	check "qus(1) has a section for $cmd" [ -n "$section" ]
	check_options "qus $cmd" "$(accepted_options "$fn" | sort -u)" "qus $cmd --help" "$out" \
		"qus(1) $cmd" "$section
$common"
done <<<"$table"

# Options alone: the register image's interface (cmd_compat), documented
# after "Options of every command" in qus --help and in OPTIONS-ONLY MODE.
run "$QUS" --help
main_help=$out
check_options "qus (options only)" "$(accepted_options compat_parse | sort -u)" "qus --help" \
	"$(sed -n '/^Options of every command:/,$p' <<<"$main_help")" \
	"qus(1) options-only mode" "$(man_part "$MAN" '^\.SH OPTIONS-ONLY MODE' | man_text)
$common"
# The command synopses at the top of qus --help name only options that exist.
all=$( (
	while read -r _ fn; do accepted_options "$fn"; done <<<"$table"
	accepted_options compat_parse
) | sort -u)
bad=
for o in $(mentioned_options <<<"$main_help" | sort -u); do
	grep -qx -e "$o" <<<"$all" || quoted "qus --help" "$o" || bad="$bad $o"
done
is "$bad" "" "every option qus --help names is accepted by some command"

# qus-build: its main() and the whole of qus-build(1).
if [ -x "$QUS_BUILD" ]; then
	build_main=$(grep -rlE --include='*.c' 'getopt_long' "$SRC" | xargs grep -lE '^int main\(' | head -n 1)
	check "qus-build's main() is found under src/" [ -n "$build_main" ]
	run "$QUS_BUILD" --help
	check_options "qus-build" "$(accepted_options main "$build_main" | sort -u)" "qus-build --help" "$out" \
		"qus-build(1)" "$( [ -f "$BUILD_MAN" ] && man_text <"$BUILD_MAN")"
else
	skip "qus-build options" "no $QUS_BUILD (configure with -Dbuild_tool=enabled)"
fi

done_testing

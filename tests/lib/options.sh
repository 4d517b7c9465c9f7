# shellcheck shell=bash
# The options a program accepts, read from its C source, the only truth
# about it (as util-linux's tools/get-options.sh does): each command's
# `struct option` array, with macros such as COMMON_LONGOPTS expanded, and
# its getopt optstring.  Used by tests/static/options.sh (help and man page)
# and tests/static/completion.sh (bash completion).  Needs $QUS_ROOT.

SRC=${SRC:-$QUS_ROOT/src}

# The text of C function $1 in file $2 (by default the file under src/ that
# defines it), from its first line to its closing brace.
function_text() {
	local file=${2:-$(grep -rlE --include='*.c' "^(static )?(int|void) $1\(" "$SRC" | head -n 1)}
	[ -n "$file" ] || return 0
	awk -v f="$1" '$0 ~ "^(static )?(int|void) " f "\\(" { on = 1 } on { print } on && /^}/ { exit }' "$file"
}

# The definition of macro $1 (with its continuation lines), from the file
# under src/ that defines it.
macro_text() {
	local file
	file=$(grep -rlE --include='*.[ch]' "^#define $1([^A-Za-z0-9_]|\$)" "$SRC" | head -n 1)
	[ -n "$file" ] || return 0
	awk -v m="$1" '$0 ~ "^#define " m "([^A-Za-z0-9_]|$)" { on = 1 }
		on { print; if ($0 !~ /\\$/) exit }' "$file" | sed -E "1s/^#define +$1//"
}

# Lines of option entries on stdin, each line that is only a macro's NAME
# (COMMON_LONGOPTS,) replaced by the macro's entries.
expand_entries() {
	local line
	while IFS= read -r line; do
		line=${line%\\}
		if [[ $line =~ ^[[:space:]]*([A-Z][A-Z0-9_]*)[[:space:]]*,?[[:space:]]*$ ]]; then
			macro_text "${BASH_REMATCH[1]}" | expand_entries
		else
			printf '%s\n' "$line"
		fi
	done
}

# The entries of the `struct option` arrays in C text $1.
option_entries() { awk '/struct option/ { on = 1 } on { print } on && /};/ { on = 0 }' <<<"$1" | expand_entries; }

# Every option C function $1 (in file $2) accepts, one per line: --long
# from its option arrays, -x from the optstring of its getopt_long (or
# getopt_long_only) call.
accepted_options() {
	local text optstring i ch
	text=$(function_text "$@")
	option_entries "$text" | grep -oE '\{ *"[A-Za-z0-9][A-Za-z0-9-]*"' | sed -E 's/\{ *"/--/; s/"$//'
	optstring=$(tr '\n' ' ' <<<"$text" | grep -oE 'getopt_long(_only)?\([^"]*"[^"]*"' | sed -E 's/.*"([^"]*)"$/\1/')
	optstring=${optstring##[+-]}
	for ((i = 0; i < ${#optstring}; i++)); do
		ch=${optstring:i:1}
		[ "$ch" = : ] || printf -- '-%s\n' "$ch"
	done
}


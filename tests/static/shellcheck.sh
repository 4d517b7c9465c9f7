# Every shell file of the repository is clean under `shellcheck -x`, with
# the settings of .shellcheckrc (bash; sourced files found next to the
# script).  A warning that is a deliberate choice is disabled at its line,
# with the reason.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

if ! command -v shellcheck >/dev/null; then
	skip "shellcheck" "shellcheck is not installed (Debian package shellcheck; setup.sh installs it)"
	done_testing
	exit 0
fi

# The repository's files: what git tracks or would add (not build outputs).
if git -C "$QUS_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git -C "$QUS_ROOT" ls-files --cached --others --exclude-standard)
else
	mapfile -t files < <(cd "$QUS_ROOT" && find . -path './build*' -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||')
fi

# A shell file: *.sh, a #! line naming a shell, or a shellcheck shell directive.
is_shell() {
	case $1 in *.sh) return 0 ;; esac
	local first
	IFS= read -r first <"$QUS_ROOT/$1" 2>/dev/null || return 1
	case $first in
	'#!'*/bash* | '#!'*/sh | '#!'*/sh\ * | '#!'*'env bash'* | '#!'*'env sh'*) return 0 ;;
	esac
	head -n 5 "$QUS_ROOT/$1" | grep -q '^# shellcheck shell='
}

n=0
for f in "${files[@]}"; do
	if [ ! -f "$QUS_ROOT/$f" ] || ! is_shell "$f"; then continue; fi
	n=$((n + 1))
	if report=$(cd "$QUS_ROOT" && shellcheck -x "$f" 2>&1); then
		ok "$f is clean under shellcheck -x"
	else
		not_ok "$f is clean under shellcheck -x"
		diag "$report"
	fi
done
check "shell files found ($n; at least 40)" [ "$n" -ge 40 ]

done_testing

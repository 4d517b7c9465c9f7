# Nothing in the repository points outside it: the facts a comment relies
# on are stated where they are used, not left in a document next to the
# checkout (a reference file, a shared folder) that a clone does not have.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

# Built from parts, so that this file does not name them itself.
ref_doc=REFERENCE
ref_doc=$ref_doc.md
ref_dir=..
ref_dir=$ref_dir/shared

# The repository's files: what git tracks or would add (not build outputs).
if git -C "$QUS_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git -C "$QUS_ROOT" ls-files --cached --others --exclude-standard)
else
	mapfile -t files < <(cd "$QUS_ROOT" && find . -path './build*' -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||')
fi
check "the repository's files are listed (at least 100)" [ "${#files[@]}" -ge 100 ]

for pattern in "$ref_doc" "$ref_dir"; do
	found=0
	for f in "${files[@]}"; do
		[ -f "$QUS_ROOT/$f" ] || continue
		if lines=$(grep -nIF -e "$pattern" "$QUS_ROOT/$f"); then
			not_ok "$f refers to $pattern, which is not in the repository (state the fact itself)"
			diag "$lines"
			found=1
		fi
	done
	[ $found = 1 ] || ok "no file refers to $pattern"
done

done_testing

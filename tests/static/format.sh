# The C sources follow the checked-in .clang-format, and every shell script parses.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

if command -v clang-format >/dev/null; then
	for f in "$QUS_ROOT"/src/*/*.[ch] "$QUS_ROOT"/tests/unit/*.[ch] "$QUS_ROOT"/tests/fuzz/*.c \
		"$QUS_ROOT"/tests/fault/*.c "$QUS_ROOT"/tests/docker/*.c; do
		if clang-format --style=file "$f" | cmp -s - "$f"; then
			ok "${f#"$QUS_ROOT"/} is formatted"
		else
			not_ok "${f#"$QUS_ROOT"/} is formatted (run clang-format -i on it)"
		fi
	done
else
	skip "clang-format" "clang-format is not installed (Debian package clang-format)"
fi

for f in "$QUS_ROOT"/setup.sh "$QUS_ROOT"/.ci/run "$QUS_ROOT"/tests/run "$QUS_ROOT"/tests/*.sh \
	"$QUS_ROOT"/tests/lib/*.sh "$QUS_ROOT"/tests/*/*.sh "$QUS_ROOT"/bench/*.sh "$QUS_ROOT"/bench/run; do
	check "${f#"$QUS_ROOT"/} parses" bash -n "$f"
done

done_testing

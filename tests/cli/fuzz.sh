# The libFuzzer harnesses (tests/fuzz), each for a bounded time from its
# seed corpus: no crash, no sanitizer report, no property broken (the
# harnesses abort on a broken one).  Longer runs: tests/fuzz/README.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

FZ=$QUS_ROOT/build-fuzz/tests/fuzz
SECONDS_EACH=${QUS_FUZZ_SECONDS:-10}
HARNESSES="register entryfile elf targets pkg pkgjson gztail commands"
missing=
for h in $HARNESSES; do [ -x "$FZ/fuzz_$h" ] || missing+=" fuzz_$h"; done
if [ -n "$missing" ]; then
	skip "fuzzing" "the harnesses are not built (./setup.sh builds build-fuzz with clang):$missing"
	done_testing
	exit 0
fi

host_before=$(binfmt_state 2>/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Packages are seeded with small ones made from text here (no foreign binaries).
mkdir -p "$tmp/seeds"
cp -r "$QUS_ROOT"/tests/fuzz/corpus/* "$tmp/seeds/"
"$QUS_ROOT/tests/fuzz/make-pkg-seeds.sh" "$tmp/seeds/pkg"
# A release tarball as qus-build writes it, from the harness itself.
mkdir -p "$tmp/seeds/gztail"
QUS_FUZZ_WRITE_SEED=$tmp/seeds/gztail/release.tar.gz "$FZ/fuzz_gztail"
for h in $HARNESSES; do
	mkdir -p "$tmp/$h"
	# The seeds stay as they are; what the run finds goes to the scratch corpus.
	# fuzz_commands runs qus's commands in-process: their messages are
	# silenced, and what a command ended by exit() still held is no leak.
	extra=() asan=$ASAN_OPTIONS
	[ "$h" = commands ] && extra=(-close_fd_mask=3 -detect_leaks=0) asan=$ASAN_OPTIONS:detect_leaks=0
	ASAN_OPTIONS=$asan TMPDIR=$tmp run "$FZ/fuzz_$h" -max_total_time="$SECONDS_EACH" -artifact_prefix="$tmp/$h-" \
		-print_final_stats=1 "${extra[@]}" "$tmp/$h" "$tmp/seeds/$h"
	rc_is 0 "fuzz_$h: ${SECONDS_EACH} s from the seed corpus, exit 0"
	like "$err" "Done " "... and ran to its time limit"
	is "$(find "$tmp" -maxdepth 1 -name "$h-*" | wc -l)" 0 "... no crash, leak or timeout file"
	units=$(sed -n 's/^stat::number_of_executed_units: *//p' <<<"$err")
	check "... and ran inputs (${units:-none})" test "${units:-0}" -gt 0
done
is "$(binfmt_state 2>/dev/null)" "$host_before" "fuzz_commands registered in its own binfmt_misc only: the host's is as it was"
is "$(find "$tmp" -maxdepth 1 -name 'fuzz-commands-*' | wc -l)" 0 "... and removed its emulator directories"

# The committed seeds replay without a finding (a crash file added to the
# corpus as a regression test must stay fixed).
run "$FZ/fuzz_register" -runs=0 "$QUS_ROOT/tests/fuzz/corpus/register"
rc_is 0 "fuzz_register replays every seed without a finding"
run "$FZ/fuzz_targets" "$QUS_ROOT"/tests/fuzz/corpus/targets/regression-*
rc_is 0 "fuzz_targets replays its regressions (parse_uint wrapping below a small maximum)"
like "$err" "Running: $QUS_ROOT/tests/fuzz/corpus/targets/regression-parse-uint-wrap-2" "... both of them"
is "$(count_files "$QUS_ROOT/tests/fuzz/corpus/register"/*)" 36 "... 36 seeds (every target's register string, Debian's, an extension, an offset)"

done_testing

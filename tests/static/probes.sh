# The probe bytes qus embeds (src/core/probe_code.c) are exactly what their
# assembly sources (probes/*.s) assemble to: probes/generate.sh runs again
# with Debian's cross binutils and the result must not differ by a byte.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

if ! command -v aarch64-linux-gnu-as >/dev/null; then
	skip "probe bytes against their sources" "the cross binutils are not installed (setup.sh installs them)"
	done_testing
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run "$QUS_ROOT/probes/generate.sh" "$tmp/probe_code.c"
rc_is 0 "probes/generate.sh assembles every probe"
run diff -u "$QUS_ROOT/src/core/probe_code.c" "$tmp/probe_code.c"
rc_is 0 "src/core/probe_code.c is what probes/*.s assemble to, byte for byte"
n=$(grep -c '^	{ "' "$QUS_ROOT/src/core/probe_code.c")
check "$n probes embedded (at least 20)" [ "$n" -ge 20 ]
# A changed source must show up: the check above is not vacuous.
cp -r "$QUS_ROOT/probes" "$tmp/p"
sed -i 's/mov	x8, #64/mov	x8, #63/' "$tmp/p/aarch64.s"
run "$tmp/p/generate.sh" "$tmp/changed.c"
run cmp -s "$tmp/changed.c" "$tmp/probe_code.c"
check "a one-instruction change in a source changes the bytes" [ "$rc" != 0 ]

done_testing

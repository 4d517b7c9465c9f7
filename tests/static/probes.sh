# The probe bytes qus embeds (src/core/probe_code.c) are exactly what their
# sources give: probes/generate.sh runs again with Debian's cross binutils
# and LLVM (probes/*.s) and the hand encodings (probes/*.hex), and the result
# must not differ by a byte.  The hand-encoded words have no assembler to
# check them, so QEMU's own disassembler decodes them as they run: the
# instructions must be those their source names.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/elf.sh
. "$QUS_ROOT/tests/lib/elf.sh"
# shellcheck source=../../probes/hex.sh
. "$QUS_ROOT/probes/hex.sh"

if ! command -v aarch64-linux-gnu-as >/dev/null; then
	skip "probe bytes against their sources" "the cross binutils are not installed (setup.sh installs them)"
	done_testing
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CODE=$QUS_ROOT/src/core/probe_code.c
run "$QUS_ROOT/probes/generate.sh" "$tmp/probe_code.c"
rc_is 0 "probes/generate.sh assembles and encodes every probe"
run diff -u "$CODE" "$tmp/probe_code.c"
rc_is 0 "src/core/probe_code.c is what probes/*.s and *.hex give, byte for byte"
n=$(grep -c '^	{ "[^"]*", [^,]*, [0-9]*, [0-9]*, (const' "$CODE")
ntargets=$("$QUS" targets --json | jq '.targets | length')
is "$n" "$ntargets" "a probe for every one of the $ntargets targets"
n=$(grep -c '^	{ "[^"]*", [^,]*, [0-9]*, [0-9]*, syscalls_' "$CODE")
is "$n" "$ntargets" "a system call probe for every one of the $ntargets targets"
# A changed source must show up: the check above is not vacuous.
cp -r "$QUS_ROOT/probes" "$tmp/p"
sed -i 's/mov	x8, #64/mov	x8, #63/' "$tmp/p/aarch64.s"
run "$tmp/p/generate.sh" "$tmp/changed.c"
run cmp -s "$tmp/changed.c" "$tmp/probe_code.c"
check "a one-instruction change in a source changes the bytes" [ "$rc" != 0 ]
cp "$QUS_ROOT/probes/aarch64.s" "$tmp/p/"
sed -i 's/mov	x2, #24/mov	x2, #16/' "$tmp/p/syscalls/aarch64.s"
run "$tmp/p/generate.sh" "$tmp/changed.c"
run cmp -s "$tmp/changed.c" "$tmp/probe_code.c"
check "... in a system call probe's source too" [ "$rc" != 0 ]
cp "$QUS_ROOT/probes/syscalls/aarch64.s" "$tmp/p/syscalls/"
# A hand-encoded word that its fields do not give is refused.
cp "$QUS_ROOT/probes/microblaze.hex" "$tmp/p/"
sed -i 's/^0x30a00001 /0x30a00002 /' "$tmp/p/microblaze.hex"
run "$tmp/p/generate.sh" "$tmp/changed.c"
rc_is 1 "a hand-encoded word its fields do not give: refused"
like "$err" "the fields (32 bits) give 0x30a00001, the word is 0x30a00002" "... saying which"

# Write target $1's probe from probe_code.c as a 32-bit executable $2 for
# machine $3 in byte order $4, laid out as probe.c lays it out.
probe_elf32() {
	local t=$1 out=$2 machine=$3 o=$4 eflags entry
	read -r eflags entry _ < <(sed -n "s/^	{ \"$t\", \([^,]*\), \([0-9]*\), \([0-9]*\),.*/\1 \2 \3/p" "$CODE")
	# The code, byte by byte as probe_code.c holds it.
	printf '%b' "$(awk -v t="$t" '$0 ~ "^\t{ \"" t "\"," { on = 1; next } on && /} },/ { exit } on' "$CODE" |
		grep -o '0x[0-9a-f][0-9a-f]' | sed 's/^0/\\/' | tr -d '\n')" >"$out.code"
	elf32_exec "$out" "$machine" "$o" "$eflags" "$entry" "$out.code"
}

# The instructions a .hex source names, one per line, TOKEN_LEN replaced.
named_instructions() {
	sed -n 's/^[^#.][^|]*|[^|]*| *\([^#]*\).*/\1/p' "$1" | grep -v '^\.' |
		sed "s/TOKEN_LEN/$2/; s/[[:space:]]\+/ /g; s/ $//"
}

# What QEMU's disassembler (-d in_asm) shows of a run, in address order,
# each address in an operand made relative to the code (0x400054).
disassembled() {
	grep -o '^0x[0-9a-f]*: .*' "$1" | sort -u | sed 's/^[^:]*: *//; s|[[:space:]]*//.*||' |
		while IFS= read -r line; do
			while [[ $line =~ 0x(4000[0-9a-f]{2}) ]]; do
				line=${line/${BASH_REMATCH[0]}/$(printf '0x%x' $((0x${BASH_REMATCH[1]} - 0x400054)))}
			done
			echo "$line"
		done | sed 's/[[:space:]]\+/ /g; s/ $//'
}

# target  source  e_machine  byte order
for row in "microblaze microblaze.hex 0xbaab -EB" "microblazeel microblaze.hex 0xbaab -EL" \
	"xtensaeb xtensa.hex 94 -EB"; do
	read -r t src machine order <<<"$row"
	emu=/usr/bin/qemu-$t-static
	if [ ! -x "$emu" ]; then
		skip "$t: QEMU decodes the hand-encoded words as named" "$emu is not installed"
		continue
	fi
	probe_elf32 "$t" "$tmp/$t" "$machine" "$order"
	run "$emu" -d in_asm -D "$tmp/$t.log" "$tmp/$t"
	is "$rc:$out" "0:qus-probe $t" "$t: the probe, built as qus builds it, runs under $emu"
	token="qus-probe $t"
	named=$(named_instructions "$QUS_ROOT/probes/$src" $((${#token} + 1)))
	is "$(disassembled "$tmp/$t.log")" "$named" \
		"$t: QEMU decodes each hand-encoded word as the instruction probes/$src names ($(wc -l <<<"$named"))"
done

# The hand-encoded system call probes (probes/syscalls/*.hex), given data
# for two calls as qus gives it (probes/syscalls/README: a header of start
# and count, then number and six arguments each; numbers of their ABIs from
# the kernel's tables): openat(-1, NULL, 0, 0), getrandom(NULL, 0,
# GRND_NONBLOCK).  Each must write the header and a record per call
# (number, result, 0), openat's result -EFAULT; and QEMU's disassembler
# must decode each word as the source names it.
# target  source  e_machine  byte order  e_flags  openat  getrandom
for row in "microblaze microblaze.hex 0xbaab -EB 0 295 385" "microblazeel microblaze.hex 0xbaab -EL 0 295 385" \
	"xtensaeb xtensa.hex 94 -EB 0x300 288 338"; do
	read -r t src machine order eflags openat getrandom <<<"$row"
	emu=/usr/bin/qemu-$t-static
	if [ ! -x "$emu" ]; then
		skip "$t: the system call probe under QEMU" "$emu is not installed"
		continue
	fi
	array=$(sed -n "s/^	{ \"$t\", [^,]*, [0-9]*, [0-9]*, \(syscalls_[a-z0-9_]*\) },/\1/p" "$CODE")
	printf '%b' "$(awk -v a="$array" '$0 ~ "^static const uint8_t " a "\\[\\]" { on = 1; next } on && /^};/ { exit } on' "$CODE" |
		grep -o '0x[0-9a-f][0-9a-f]' | sed 's/^0/\\/' | tr -d '\n')" >"$tmp/sys-$t.code"
	w() { bytes "$1" 4 "$order"; }
	printf '%b' "$(w 0)$(w 2)$(w "$openat")$(w -1)$(w 0)$(w 0)$(w 0)$(w 0)$(w 0)$(w "$getrandom")$(w 0)$(w 0)$(w 1)$(w 0)$(w 0)$(w 0)" >>"$tmp/sys-$t.code"
	elf32_exec "$tmp/sys-$t" "$machine" "$order" "$eflags" 0 "$tmp/sys-$t.code"
	"$emu" -d in_asm -D "$tmp/sys-$t.log" "$tmp/sys-$t" >"$tmp/sys-$t.out"
	rc=$?
	got=$(od -An -v -tx1 "$tmp/sys-$t.out" | tr -d ' \n')
	want=$(printf '%b' "$(w 0)$(w 2)$(w "$openat")$(w -14)$(w 0)$(w "$getrandom")" | od -An -v -tx1 | tr -d ' \n')
	is "$rc:${got:0:${#want}}:$((${#got} / 2))" "0:$want:32" \
		"$t: the system call probe writes the header and a record per call (openat: EFAULT)"
	named=$(named_instructions "$QUS_ROOT/probes/syscalls/$src" -)
	is "$(disassembled "$tmp/sys-$t.log")" "$named" \
		"$t: QEMU decodes each hand-encoded word as the instruction probes/syscalls/$src names ($(wc -l <<<"$named"))"
done

# The test matrix's hand-encoded programs (tests/matrix/crc32-*.hex, built
# and run by tests/system/matrix.sh as root): the same check of their
# words, and what they compute, here without root: the CRC-32 of a file of
# several reads (probe_code.c), and exit status 1 with nothing written for
# a file that does not exist.
# target  source  e_machine  byte order  e_flags
for row in "microblaze crc32-microblaze.hex 0xbaab -EB 0" "microblazeel crc32-microblaze.hex 0xbaab -EL 0" \
	"xtensaeb crc32-xtensaeb.hex 94 -EB 0x300"; do
	read -r t src machine order eflags <<<"$row"
	emu=/usr/bin/qemu-$t-static
	if [ ! -x "$emu" ]; then
		skip "$t: tests/matrix/$src" "$emu is not installed"
		continue
	fi
	run hex_encode "$QUS_ROOT/tests/matrix/$src" "$order" "$tmp/crc32-$t.code"
	rc_is 0 "$t: tests/matrix/$src encodes"
	elf32_exec "$tmp/crc32-$t" "$machine" "$order" "$eflags" "$out" "$tmp/crc32-$t.code"
	run "$emu" -d in_asm -D "$tmp/crc32-$t.log" "$tmp/crc32-$t" "$CODE"
	is "$rc:$out" "0:$(crc32 "$CODE")" "$t: tests/matrix/$src writes the CRC-32 of a file, as gzip computes it"
	run "$emu" -d in_asm -D "$tmp/crc32-$t.log2" "$tmp/crc32-$t" "$tmp/none"
	is "$rc:$out" "1:" "$t: ... and exit status 1, nothing written, for a file that does not exist"
	cat "$tmp/crc32-$t.log2" >>"$tmp/crc32-$t.log"
	named=$(named_instructions "$QUS_ROOT/tests/matrix/$src" -)
	is "$(disassembled "$tmp/crc32-$t.log")" "$named" \
		"$t: QEMU decodes each hand-encoded word as the instruction tests/matrix/$src names ($(wc -l <<<"$named"))"
done

done_testing

#!/bin/bash
# Assemble the probe programs (probes/*.s, probes/syscalls/*.s) with
# Debian's cross assemblers, encode the hand-written ones (*.hex) and write
# src/core/probe_code.c, the bytes qus embeds.  Building qus needs no cross tool: the output is
# committed, and tests/static/probes.sh runs this again and checks that the
# committed bytes are exactly what the sources give.
#
#   probes/generate.sh [OUTPUT]      (default src/core/probe_code.c)
#
# Each probe writes "qus-probe TARGET\n" to standard output and exits 0.  The
# code must be position-independent with no relocation left, so the bytes
# of .text are the whole program (entry point: _start, usually offset 0);
# qus wraps them in a minimal ELF header.  The system call probes
# (probes/syscalls/, for `qus check --syscalls`; probes/syscalls/README
# says what they do) are made the same way, from SYSCALLS below, into the
# second array; targets whose code is the same share one copy.
#
# Three ways to make the bytes (the tool column):
# - a GNU binutils prefix: Debian's cross binutils (binutils-PREFIX);
# - llvm: Debian 12's llvm-19 (llvm-mc and its object tools), for Hexagon
#   and LoongArch, which no binutils of Debian 12 knows (LLVM 14, the default,
#   has no LoongArch);
# - hand: no assembler of Debian 12 knows the architecture (MicroBlaze) or
#   the byte order (big-endian Xtensa: binutils-xtensa-lx106 is built for a
#   little-endian core).  The .hex source gives each instruction as a word,
#   its fields and the instruction it encodes (see probes/hex.sh); the
#   fields must give the word, or nothing is written.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")"
out=${1:-../src/core/probe_code.c}
case $out in /*) ;; *) out=$PWD/$out ;; esac
LLVM=-19
# shellcheck source=hex.sh
. ./hex.sh

# target  source  tool  as-flags  defsyms  e_flags (- = the object's)  ld-flags (- = no link)
# armeb: BE8, little-endian code with big-endian data (EABI5 | EF_ARM_BE8).
# ppc64, ppc64le: ELFv2 (e_flags 2): the entry point is code, not a descriptor.
# arm: the EABI version 5 the assembler sets matters: arm64 kernels refuse
# 32-bit ARM programs without one.
# loongarch64: LP64D (e_flags 0x43, double-float ABI), what Debian's loong64 programs are.
# hexagon: e_flags 0x60 (V60), the assembler's default; QEMU 7.2 runs V5 to V67 programs.
# xtensa: binutils-xtensa-lx106 leaves call0 to the linker (relaxation), hence the link.
# xtensaeb: e_flags 0x300 as GNU as writes for xtensa (EF_XTENSA_XT_INSN | _XT_LIT).
# Hand-encoded sources: as-flags give the byte order of the words (-EB, -EL).
TABLE='
aarch64      aarch64.s    aarch64-linux-gnu       -EL                    -                           -  -
aarch64_be   aarch64.s    aarch64-linux-gnu       -EB                    -                           -  -
alpha        alpha.s      alpha-linux-gnu         -                      -                           -  -
arm          arm.s        arm-linux-gnueabi       -EL                    -                           -  -
armeb        arm.s        arm-linux-gnueabi       -EL                    -                           0x05800000  -
hexagon      hexagon.s    llvm                    -triple=hexagon        -                           -  -
hppa         hppa.s       hppa-linux-gnu          -                      -                           -  -
i386         i386.s       i686-linux-gnu          --32                   -                           -  -
i486         i386.s       i686-linux-gnu          --32                   -                           -  -
loongarch64  loongarch.s  llvm                    -triple=loongarch64-linux-gnu,-mattr=+d -          -  -
m68k         m68k.s       m68k-linux-gnu          -                      -                           -  -
microblaze   microblaze.hex hand                  -EB                    -                           0  -
microblazeel microblaze.hex hand                  -EL                    -                           0  -
mips         mips.s       mips-linux-gnu          -EB,-mabi=32           NR_write=4004,NR_exit=4001  -  -
mipsel       mips.s       mipsel-linux-gnu        -EL,-mabi=32           NR_write=4004,NR_exit=4001  -  -
mips64       mips.s       mips64-linux-gnuabi64   -EB,-mabi=64           NR_write=5001,NR_exit=5058  -  -
mips64el     mips.s       mips64el-linux-gnuabi64 -EL,-mabi=64           NR_write=5001,NR_exit=5058  -  -
mipsn32      mips.s       mips64-linux-gnuabi64   -EB,-mabi=n32          NR_write=6001,NR_exit=6058  -  -
mipsn32el    mips.s       mips64el-linux-gnuabi64 -EL,-mabi=n32          NR_write=6001,NR_exit=6058  -  -
or1k         or1k.s       or1k-elf                -                      -                           -  -
ppc          ppc.s        powerpc-linux-gnu       -a32,-mbig             -                           -  -
ppc64        ppc.s        powerpc64-linux-gnu     -a64,-mbig             -                           2  -
ppc64le      ppc.s        powerpc64le-linux-gnu   -a64,-mlittle          -                           2  -
riscv32      riscv.s      riscv64-linux-gnu       -march=rv32i,-mabi=ilp32 -                         -  -m,elf32lriscv
riscv64      riscv.s      riscv64-linux-gnu       -                      -                           -  -m,elf64lriscv
s390x        s390x.s      s390x-linux-gnu         -                      -                           -  -
sh4          sh4.s        sh4-linux-gnu           -little                -                           -  -
sh4eb        sh4.s        sh4-linux-gnu           -big                   -                           -  -
sparc        sparc.s      sparc64-linux-gnu       -32,-Av8               TRAP=0x10                   -  -
sparc32plus  sparc.s      sparc64-linux-gnu       -32,-Av8plus           TRAP=0x10                   -  -
sparc64      sparc.s      sparc64-linux-gnu       -64,-Av9               TRAP=0x6d                   -  -
x86_64       x86_64.s     x86_64-linux-gnu        --64                   -                           -  -
xtensa       xtensa.s     xtensa-lx106-elf        -                      -                           -  -m,elf32xtensa
xtensaeb     xtensa.hex   hand                    -EB                    -                           0x300  -
'

# The system call probes, in the same columns.  W is the word size of the
# data (the long of the ABI: 4 for MIPS n32); O32 whether arguments 5 and
# 6 go on the stack (MIPS o32); TRAP as above.
SYSCALLS='
aarch64      syscalls/aarch64.s    aarch64-linux-gnu       -EL                    -                                       -  -
aarch64_be   syscalls/aarch64.s    aarch64-linux-gnu       -EB                    -                                       -  -
alpha        syscalls/alpha.s      alpha-linux-gnu         -                      -                                       -  -
arm          syscalls/arm.s        arm-linux-gnueabi       -EL                    -                                       -  -
armeb        syscalls/arm.s        arm-linux-gnueabi       -EL                    -                                       0x05800000  -
hexagon      syscalls/hexagon.s    llvm                    -triple=hexagon        -                                       -  -
hppa         syscalls/hppa.s       hppa-linux-gnu          -                      -                                       -  -
i386         syscalls/i386.s       i686-linux-gnu          --32                   -                                       -  -
i486         syscalls/i386.s       i686-linux-gnu          --32                   -                                       -  -
loongarch64  syscalls/loongarch.s  llvm                    -triple=loongarch64-linux-gnu,-mattr=+d -                      -  -
m68k         syscalls/m68k.s       m68k-linux-gnu          -                      -                                       -  -
microblaze   syscalls/microblaze.hex hand                  -EB                    -                                       0  -
microblazeel syscalls/microblaze.hex hand                  -EL                    -                                       0  -
mips         syscalls/mips.s       mips-linux-gnu          -EB,-mabi=32           NR_write=4004,NR_exit=4001,W=4,O32=1   -  -
mipsel       syscalls/mips.s       mipsel-linux-gnu        -EL,-mabi=32           NR_write=4004,NR_exit=4001,W=4,O32=1   -  -
mips64       syscalls/mips.s       mips64-linux-gnuabi64   -EB,-mabi=64           NR_write=5001,NR_exit=5058,W=8,O32=0   -  -
mips64el     syscalls/mips.s       mips64el-linux-gnuabi64 -EL,-mabi=64           NR_write=5001,NR_exit=5058,W=8,O32=0   -  -
mipsn32      syscalls/mips.s       mips64-linux-gnuabi64   -EB,-mabi=n32          NR_write=6001,NR_exit=6058,W=4,O32=0   -  -
mipsn32el    syscalls/mips.s       mips64el-linux-gnuabi64 -EL,-mabi=n32          NR_write=6001,NR_exit=6058,W=4,O32=0   -  -
or1k         syscalls/or1k.s       or1k-elf                -                      -                                       -  -
ppc          syscalls/ppc.s        powerpc-linux-gnu       -a32,-mbig             W=4                                     -  -
ppc64        syscalls/ppc.s        powerpc64-linux-gnu     -a64,-mbig             W=8                                     2  -
ppc64le      syscalls/ppc.s        powerpc64le-linux-gnu   -a64,-mlittle          W=8                                     2  -
riscv32      syscalls/riscv.s      riscv64-linux-gnu       -march=rv32i,-mabi=ilp32 W=4                                   -  -m,elf32lriscv
riscv64      syscalls/riscv.s      riscv64-linux-gnu       -                      W=8                                     -  -m,elf64lriscv
s390x        syscalls/s390x.s      s390x-linux-gnu         -                      -                                       -  -
sh4          syscalls/sh4.s        sh4-linux-gnu           -little                -                                       -  -
sh4eb        syscalls/sh4.s        sh4-linux-gnu           -big                   -                                       -  -
sparc        syscalls/sparc.s      sparc64-linux-gnu       -32,-Av8               TRAP=0x10,W=4                           -  -
sparc32plus  syscalls/sparc.s      sparc64-linux-gnu       -32,-Av8plus           TRAP=0x10,W=4                           -  -
sparc64      syscalls/sparc.s      sparc64-linux-gnu       -64,-Av9               TRAP=0x6d,W=8                           -  -
x86_64       syscalls/x86_64.s     x86_64-linux-gnu        --64                   -                                       -  -
xtensa       syscalls/xtensa.s     xtensa-lx106-elf        -                      -                                       -  -m,elf32xtensa
xtensaeb     syscalls/xtensa.hex   hand                    -EB                    -                                       0x300  -
'

# The tools of one table row: the assembler command and its object tools.
tools() {
	case $1 in
	hand) ;;
	llvm)
		as=("llvm-mc$LLVM" -filetype=obj) ld=() readelf=llvm-readelf$LLVM
		objcopy=llvm-objcopy$LLVM nm=llvm-nm$LLVM
		;;
	*)
		as=("$1-as") ld=("$1-ld") readelf=$1-readelf objcopy=$1-objcopy nm=$1-nm
		;;
	esac
}

# Assemble (and link) the probe of the current table row into $o.bin;
# set entry, data_at (the offset of the label data, or empty) and, if the
# table gives none, eflags.
assemble() {
	local as ld readelf objcopy nm wrapper args f d l x
	tools "$tool"
	wrapper=$o.s
	# The token is the only thing that differs between targets of one source.
	printf '.macro TOKEN\n.ascii "qus-probe %s\\n"\n.endm\n.include "%s"\n' "$target" "$PWD/$src" >"$wrapper"
	args=(--defsym "TOKEN_LEN=$TOKEN_LEN")
	if [ "$flags" != - ]; then
		IFS=, read -r -a f <<<"$flags"
		args+=("${f[@]}")
	fi
	if [ "$defs" != - ]; then
		IFS=, read -r -a d <<<"$defs"
		for x in "${d[@]}"; do args+=(--defsym "$x"); done
	fi
	"${as[@]}" "${args[@]}" -o "$o.o" "$wrapper"
	if [ "$ldflags" != - ]; then
		# Resolve what the assembler left to the linker; the code stays at 0.
		IFS=, read -r -a l <<<"$ldflags"
		"${ld[@]}" "${l[@]}" --no-warn-rwx-segments -N -e _start -Ttext=0 -o "$o.elf" "$o.o"
		mv "$o.elf" "$o.o"
	fi
	# Neither grep -q here nor awk's exit below: with pipefail, a readelf
	# killed by SIGPIPE (LLVM's readelf writes as it goes) would hide a
	# match or fail the run.
	if "$readelf" -r "$o.o" | grep '^[0-9a-f]\{8,\} ' >/dev/null; then
		echo "generate.sh: $src for $target leaves relocations; the code must be position-independent" >&2
		exit 1
	fi
	"$objcopy" -O binary -j .text "$o.o" "$o.bin"
	[ "$eflags" != - ] || eflags=$("$readelf" -h "$o.o" | awk '/Flags:/ && !f { print $2; f = 1 }' | sed 's/,$//')
	entry=$((16#$("$nm" "$o.o" | awk '$3 == "_start" { print $1 }')))
	data_at=$("$nm" "$o.o" | awk '$3 == "data" { print $1 }')
	[ -z "$data_at" ] || data_at=$((16#$data_at))
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
missing=
while read -r target src tool flags defs eflags ldflags; do
	[ -n "$target" ] || continue
	case $tool in
	hand) ;;
	llvm) command -v "llvm-mc$LLVM" >/dev/null || missing+=" llvm$LLVM" ;;
	*) command -v "$tool-as" >/dev/null || missing+=" binutils-$tool" ;;
	esac
done <<<"$TABLE$SYSCALLS"
if [ -n "$missing" ]; then
	echo "generate.sh: install the cross assemblers:$(tr ' ' '\n' <<<"$missing" | sort -u | tr '\n' ' ')" >&2
	exit 1
fi

{
	echo "/* SPDX-License-Identifier: MIT */"
	echo "/*"
	echo " * Generated by probes/generate.sh from the sources in probes/; do not edit."
	echo " * Assembled with $(x86_64-linux-gnu-as --version | head -1)"
	echo " * and $(llvm-mc$LLVM --version | sed -n 's/^ *\(.*LLVM version.*\)/\1/p'); microblaze,"
	echo " * microblazeel and xtensaeb encoded by hand (probes/microblaze.hex, xtensa.hex,"
	echo " * and the same in probes/syscalls/)."
	echo " */"
	echo '#include "probe.h"'
	echo
	echo "/* clang-format off */"
	echo "const struct probe_code probe_codes[] = {"
	while read -r target src tool flags defs eflags ldflags; do
		[ -n "$target" ] || continue
		token="qus-probe $target"
		TOKEN_LEN=$((${#token} + 1))
		token+=$'\n'
		o=$tmp/$target
		if [ "$tool" = hand ]; then
			entry=$(hex_encode "$PWD/$src" "$flags" "$o.bin" "$token")
			# The token is the program's message: the source must end with it.
			if [ "$(tail -c "${#token}" "$o.bin")" != "${token%$'\n'}" ]; then
				echo "generate.sh: $src has no 'msg: TOKEN' line" >&2
				exit 1
			fi
		else
			assemble
		fi
		printf '\t{ "%s", %s, %d, %d, (const uint8_t[]){\n' "$target" "$eflags" \
			"$entry" "$(stat -c %s "$o.bin")"
		od -An -v -tx1 -w8 "$o.bin" | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1, /g; s/, $/,/; s/^/\t\t/'
		printf '\t} },\n'
	done <<<"$TABLE"
	echo "};"
	echo
	# The system call probes: each distinct code once, as an array named
	# after the first target that has it.
	declare -A first=()
	rows=()
	while read -r target src tool flags defs eflags ldflags; do
		[ -n "$target" ] || continue
		o=$tmp/sys-$target
		if [ "$tool" = hand ]; then
			entry=$(hex_encode "$PWD/$src" "$flags" "$o.bin")
			data_at=$(stat -c %s "$o.bin")
		else
			TOKEN_LEN=0
			assemble
		fi
		# qus appends the data to the code: the label data must be its end
		# (an assembler may pad the section past it: MIPS's to 16 bytes),
		# on a word boundary.
		if [ "$data_at" != "$(stat -c %s "$o.bin")" ] || [ $((data_at % 8)) != 0 ]; then
			echo "generate.sh: $src for $target: the label data must end the code, at a multiple of 8 bytes (at ${data_at:-none}, code $(stat -c %s "$o.bin") bytes)" >&2
			exit 1
		fi
		sum=$(sha256sum <"$o.bin")
		if [ -z "${first[$sum]:-}" ]; then
			first[$sum]=$target
			printf 'static const uint8_t syscalls_%s[] = {\n' "$target"
			od -An -v -tx1 -w8 "$o.bin" | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1, /g; s/, $/,/; s/^/\t/'
			printf '};\n'
		fi
		rows+=("$(printf '\t{ "%s", %s, %d, %d, syscalls_%s },' "$target" "$eflags" "$entry" \
			"$(stat -c %s "$o.bin")" "${first[$sum]}")")
	done <<<"$SYSCALLS"
	echo
	echo "const struct probe_code syscall_probe_codes[] = {"
	printf '%s\n' "${rows[@]}"
	echo "};"
	echo "/* clang-format on */"
	echo
	echo "const size_t probe_codes_count = sizeof(probe_codes) / sizeof(probe_codes[0]);"
	echo "const size_t syscall_probe_codes_count ="
	echo "	sizeof(syscall_probe_codes) / sizeof(syscall_probe_codes[0]);"
} >"$tmp/out.c"
mv "$tmp/out.c" "$out"

# The test matrix: a C "Hello World!" built static by every compiler Debian
# 12 has for a target of QEMU (its Linux cross compilers, clang, two
# bare-metal compilers), a hand-encoded program that reads a file where
# Debian 12 has none, and Debian's busybox-static programs: 32 targets.
# Each program must be identified by `qus detect` as its own target, and
# print what it should both through the host's registration (root; the
# host's binfmt_misc is restored afterwards) and through `qus run` as an
# unprivileged user.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/users.sh
. "$QUS_ROOT/tests/lib/users.sh"
# shellcheck source=../lib/elf.sh
. "$QUS_ROOT/tests/lib/elf.sh"
# shellcheck source=../../probes/hex.sh
. "$QUS_ROOT/probes/hex.sh"

if [ "$(id -u)" != 0 ]; then
	skip "the test matrix" "needs root (the host's registration, the test users)"
	done_testing
	exit 0
fi
# Which targets the kernel runs itself is asked in an empty private
# binfmt_misc, and every program also runs through qus run as a user.
if ! private_binfmt_works; then
	skip "the test matrix" "$(private_binfmt_missing)"
	done_testing
	exit 0
fi

# compiler, the target qus must detect, source, flags (the rest of the
# line).  Each program must print "Hello World!", but the checksum ones.
# - hello.c: C with the C library of Debian 12's cross toolchain.
# - hello-nolibc.c, a Hello World with its two system calls written out,
#   where Debian 12 has a compiler but no C library that works here: alpha
#   and sh4 (QEMU 7.2 and 11.1.3 run no static glibc program of theirs:
#   alpha, segmentation fault in start-up; sh4, start-up never ends); the
#   big-endian aarch64_be, armeb (BE8, what ARMv6 and later run, and BE32,
#   ARMv5's) and sh4eb, and riscv32, built by the little-endian or 64-bit
#   compiler; sparc (V8, e_machine EM_SPARC: Debian's 32-bit SPARC glibc is
#   V8+, EM_SPARC32PLUS); hexagon (clang 14, Hexagon V60, whose programs
#   QEMU 7.2 runs) and loongarch64 (clang 19: LLVM 14 has no LoongArch),
#   both linked by lld; or1k and xtensa, Debian's bare-metal compilers
#   (or1k-elf's linker script puts the code at address 0, below Linux's
#   vm.mmap_min_addr, and the entry point at 0x100, the reset vector, past
#   this program's end: hence the Linux layout given; xtensa-lx106's call0
#   ABI runs on QEMU's Linux cores).
# - hand: crc32-*.hex, for the targets with no compiler or assembler in
#   Debian 12 (MicroBlaze, big-endian Xtensa): instruction words with their
#   fields (probes/hex.sh), in an ELF file written here (tests/lib/elf.sh).
#   Flags: byte order, e_machine, e_flags.  Each reads its own file and
#   must print its CRC-32, as gzip computes it.
MATRIX='
aarch64-linux-gnu-gcc        aarch64      hello.c
arm-linux-gnueabihf-gcc      arm          hello.c
arm-linux-gnueabi-gcc        arm          hello.c
riscv64-linux-gnu-gcc        riscv64      hello.c
s390x-linux-gnu-gcc          s390x        hello.c
powerpc64le-linux-gnu-gcc    ppc64le      hello.c
powerpc64-linux-gnu-gcc      ppc64        hello.c
powerpc-linux-gnu-gcc        ppc          hello.c
mips-linux-gnu-gcc           mips         hello.c
mipsel-linux-gnu-gcc         mipsel       hello.c
mips64-linux-gnuabi64-gcc    mips64       hello.c
mips64el-linux-gnuabi64-gcc  mips64el     hello.c
mips64-linux-gnuabi64-gcc    mipsn32      hello.c         -mabi=n32
mips64el-linux-gnuabi64-gcc  mipsn32el    hello.c         -mabi=n32
m68k-linux-gnu-gcc           m68k         hello.c
hppa-linux-gnu-gcc           hppa         hello.c
sparc64-linux-gnu-gcc        sparc64      hello.c
sparc64-linux-gnu-gcc        sparc32plus  hello.c         -m32
i686-linux-gnu-gcc           i386         hello.c
sh4-linux-gnu-gcc            sh4          hello-nolibc.c
alpha-linux-gnu-gcc          alpha        hello-nolibc.c
aarch64-linux-gnu-gcc        aarch64_be   hello-nolibc.c  -mbig-endian
arm-linux-gnueabi-gcc        armeb        hello-nolibc.c  -mbig-endian -march=armv7-a
arm-linux-gnueabi-gcc        armeb        hello-nolibc.c  -mbig-endian -march=armv5te
sh4-linux-gnu-gcc            sh4eb        hello-nolibc.c  -mb -Wl,-m,shlelf_linux,-EB
sparc64-linux-gnu-gcc        sparc        hello-nolibc.c  -m32 -mcpu=v8
riscv64-linux-gnu-gcc        riscv32      hello-nolibc.c  -march=rv32gc -mabi=ilp32d
clang                        hexagon      hello-nolibc.c  --target=hexagon-unknown-linux-musl -mcpu=hexagonv60 -fuse-ld=lld
clang-19                     loongarch64  hello-nolibc.c  --target=loongarch64-linux-gnu -fuse-ld=lld
or1k-elf-gcc                 or1k         hello-nolibc.c  -Wl,-Ttext-segment=0x400000,-e,_start
xtensa-lx106-elf-gcc         xtensa       hello-nolibc.c
hand                         microblaze   crc32-microblaze.hex  -EB 0xbaab 0
hand                         microblazeel crc32-microblaze.hex  -EL 0xbaab 0
hand                         xtensaeb     crc32-xtensaeb.hex    -EB 94 0x300
'
SRC=$QUS_ROOT/tests/matrix

user_suite_begin
mkdir -p "$W/m"

# Build what can be built; what cannot is a skip with the reason.
progs=() # "path target expected-output"
while read -r cc target src flags; do
	[ -n "$cc" ] || continue
	read -r -a f <<<"$flags"
	if [ "$cc" = hand ]; then
		bin=$W/m/${src%%-*}-$target
		if ! entry=$(hex_encode "$SRC/$src" "${f[0]}" "$W/m/code" 2>"$W/m/cc.err"); then
			not_ok "tests/matrix/$src encodes for $target"
			diag "$(head -5 "$W/m/cc.err")"
			continue
		fi
		elf32_exec "$bin" "${f[1]}" "${f[0]}" "${f[2]}" "$entry" "$W/m/code"
		progs+=("$bin $target $(crc32 "$bin")")
		continue
	fi
	bin=$W/m/${src%.c}-$target-$cc
	# A second row of the same compiler and target (armeb: BE8, BE32).
	[ ! -e "$bin" ] || bin+=-${#progs[@]}
	[ "$src" = hello-nolibc.c ] && f+=(-nostdlib -ffreestanding -fno-stack-protector)
	if ! command -v "$cc" >/dev/null; then
		skip "Hello World for $target ($cc ${f[*]})" "$cc is not installed (setup.sh installs it)"
		continue
	fi
	case " ${f[*]} " in *" -fuse-ld=lld "*)
		if [ ! -x "$("$cc" -print-prog-name=ld.lld)" ]; then
			skip "Hello World for $target ($cc ${f[*]})" "$cc has no ld.lld (setup.sh installs lld)"
			continue
		fi
		;;
	esac
	if ! "$cc" -static -O2 "${f[@]}" -o "$bin" "$SRC/$src" 2>"$W/m/cc.err"; then
		not_ok "$cc ${f[*]} builds the $target Hello World"
		diag "$(head -5 "$W/m/cc.err")"
		continue
	fi
	progs+=("$bin $target Hello_World!")
done <<<"$MATRIX"
for b in $BUSYBOXES; do
	IFS=: read -r deb target uname <<<"$b"
	cp "$(busybox_path "$deb")" "$W/m/busybox-$deb"
	progs+=("$W/m/busybox-$deb $target $uname")
done
chmod -R a+rX "$W/m"

# Known limits of QEMU itself, reported for each generation, not asserted
# (the archive moves; whether a newer QEMU fixes them is for people to read):
# static glibc programs of alpha and sh4.
for cc in alpha-linux-gnu sh4-linux-gnu; do
	command -v "$cc-gcc" >/dev/null && "$cc-gcc" -static -O2 -o "$W/m/glibc-$cc" "$SRC/hello.c" 2>/dev/null
done
chmod -R a+rX "$W/m"

# The emulators of each QEMU generation: Debian 12's qemu-user-static (7.2,
# /usr/bin/qemu-T-static) and sid's qemu-user (11.1, its package unpacked
# into a directory: qemu-T, no suffix, found by qus's search).
ROUNDS=("7.2:/usr/bin")
SID=$FIXTURES/pkg/sid/qemu-user_amd64.deb
if [ -s "$SID" ]; then
	dpkg-deb -x "$SID" "$W/sid"
	chmod -R a+rX "$W/sid"
	ROUNDS+=("$(dpkg-deb -f "$SID" Version | sed -E 's/^[0-9]+://; s/[+~-].*//'):$W/sid/usr/bin")
else
	skip "the matrix through sid's QEMU" "$SID is missing (setup.sh fixtures)"
fi
[ -e $HG_DIR/register ] || mount -t binfmt_misc binfmt_misc $HG_DIR
NOCOMPAT=$QUS_ROOT/build-asan/tests/unit/nocompat

# One round: every program through the host's registration of the
# emulators in $2 (restored at the end) and through qus run as a user.
# What each program should print here: a program this kernel runs itself
# (a 32-bit mode of the host, e.g. i386 on most x86_64 kernels but not all)
# is not emulated, so its busybox says the kernel's own machine.  Whether it
# is native is asked of the kernel without qus (the program in an empty
# binfmt_misc), and qus's verdict must agree.
round() {
	local qv=$1 qdir=$2 p bin target want name args how good n
	local -A works=() foreign=() natives=() simulated=()
	"$QUS_STATIC" unregister -q --all
	"$QUS_STATIC" register -q --qemu-path "$qdir" || not_ok "QEMU $qv: registering $qdir on the host"
	for p in "${progs[@]}"; do
		read -r bin target want <<<"$p"
		want=${want//_/ }
		name="QEMU $qv: ${bin##*/}"
		# busybox says the machine; a checksum program reads itself.
		args=()
		case ${bin##*/} in
		busybox-*) args=(uname -m) ;;
		crc32-*) args=("$bin") ;;
		esac
		if kernel_runs "$bin" "${args[@]}"; then
			how="native: this kernel runs $target programs itself"
			natives[$target]=1
			case ${bin##*/} in busybox-*) want=$(uname -m) ;; esac
			is "$(native_kind "$target")" "$([ "$target" = "$(host_target)" ] && echo host || echo compat)" \
				"$name: qus's verdict agrees: $target is native here"
		else
			how="emulated"
			foreign[$target]=1
			is "$(native_kind "$target")" no "$name: qus's verdict agrees: $target is foreign here"
		fi
		run "$QUS" detect "$bin"
		is "$out" "$bin: $target${natives[$target]:+ (native)}" "$name: qus detect says $target${natives[$target]:+ (native)}"
		good=$([ "$out" = "$bin: $target" ] && [ -z "${natives[$target]:-}" ] && echo 1)
		run timeout 60 "$bin" "${args[@]}"
		is "$out" "$want" "$name: through the host's registration: $want ($how)"
		[ "$out" = "$want" ] || good=
		run timeout 60 setpriv --reuid $QUS_USER --regid $QUS_USER --clear-groups -- \
			"$Q" run -q --qemu-path "$qdir" -- "$bin" "${args[@]}"
		is "$out" "$want" "$name: through qus run, as a user: $want ($how)"
		[ "$out" = "$want" ] || good=
		[ -n "$good" ] && works[$target]=1
		# A native program is emulated too where the kernel has no compat mode:
		# proven here in that kernel, simulated (tests/fault/nocompat.c), so that
		# its emulator is tested on every host.
		if [ -n "${natives[$target]:-}" ]; then
			want=${p##* }
			want=${want//_/ }
			run timeout 60 "$NOCOMPAT" "$Q" run -q --qemu-path "$qdir" -- "$bin" "${args[@]}"
			is "$out" "$want" "$name: in a kernel without 32-bit compat (simulated), through qus run: $want (emulated)"
			[ "$out" = "$want" ] && simulated[$target]=1
		fi
	done
	# Every foreign target of the matrix ran its programs through an emulator
	# (the native ones proved nothing about emulation and are not counted).
	n=${#works[@]}
	diag "QEMU $qv: native here: ${!natives[*]}"
	check "QEMU $qv: every foreign target of the matrix runs real programs ($n of ${#foreign[@]}: $(echo "${!works[@]}" | tr ' ' '\n' | sort | tr '\n' ' '))" \
		[ "$n" = ${#foreign[@]} ]
	check "QEMU $qv: every target native here runs its programs emulated in the simulated kernel (${#simulated[@]} of ${#natives[@]})" \
		[ ${#simulated[@]} = ${#natives[@]} ]
	n=$((n + ${#simulated[@]}))
	# 32 on an x86_64 host (i386 through the simulated kernel); one fewer on a
	# host that is one of the targets.
	check "QEMU $qv: at least 30 distinct targets run real programs through an emulator ($n)" [ "$n" -ge 30 ]
	for bin in "$W"/m/glibc-*; do
		[ -x "$bin" ] || continue
		timeout 10 "$bin" >/dev/null 2>&1
		case $? in 0) how=runs ;; 124) how="hangs (stopped after 10 s)" ;; *) how="fails (exit status $?)" ;; esac
		diag "QEMU $qv: static glibc Hello World of ${bin##*/glibc-}: $how"
	done
	"$QUS_STATIC" unregister -q --all
}

for r in "${ROUNDS[@]}"; do round "${r%%:*}" "${r#*:}"; done

done_testing

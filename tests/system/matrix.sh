# The test matrix: a C "Hello World!" built static by every cross compiler
# Debian 12 offers here, and Debian's busybox-static programs.  Each program
# must be identified by `qus detect` as its own target, and print what it
# should both through the host's registration (root; the host's binfmt_misc
# is restored afterwards) and through `qus run` as an unprivileged user.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/users.sh
. "$QUS_ROOT/tests/lib/users.sh"

if [ "$(id -u)" != 0 ]; then
	skip "the test matrix" "needs root (the host's registration, the test users)"
	done_testing
	exit 0
fi

# compiler prefix, extra flags (- none), the target qus must detect, source.
# alpha and sh4: Debian 12's QEMU 7.2 runs no static glibc program of theirs
# (alpha: segmentation fault in start-up; sh4: start-up never ends), so
# their Hello World is built without a C library (tests/matrix/hello-nolibc.c).
MATRIX='
aarch64-linux-gnu        -          aarch64     hello.c
arm-linux-gnueabihf      -          arm         hello.c
arm-linux-gnueabi        -          arm         hello.c
riscv64-linux-gnu        -          riscv64     hello.c
s390x-linux-gnu          -          s390x       hello.c
powerpc64le-linux-gnu    -          ppc64le     hello.c
powerpc64-linux-gnu      -          ppc64       hello.c
powerpc-linux-gnu        -          ppc         hello.c
mips-linux-gnu           -          mips        hello.c
mipsel-linux-gnu         -          mipsel      hello.c
mips64-linux-gnuabi64    -          mips64      hello.c
mips64el-linux-gnuabi64  -          mips64el    hello.c
mips64-linux-gnuabi64    -mabi=n32  mipsn32     hello.c
mips64el-linux-gnuabi64  -mabi=n32  mipsn32el   hello.c
m68k-linux-gnu           -          m68k        hello.c
hppa-linux-gnu           -          hppa        hello.c
sparc64-linux-gnu        -          sparc64     hello.c
sparc64-linux-gnu        -m32       sparc32plus hello.c
i686-linux-gnu           -          i386        hello.c
sh4-linux-gnu            -          sh4         hello-nolibc.c
alpha-linux-gnu          -          alpha       hello-nolibc.c
'
SRC=$QUS_ROOT/tests/matrix

user_suite_begin
mkdir -p "$W/m"

# Build what can be built; what cannot is a skip with the reason.
progs=() # "path target expected-output"
while read -r cc flags target src; do
	[ -n "$cc" ] || continue
	bin=$W/m/hello-$target-$cc
	f=()
	[ "$flags" = - ] || f=("$flags")
	[ "$src" = hello-nolibc.c ] && f+=(-nostdlib -ffreestanding -fno-stack-protector)
	if ! command -v "$cc-gcc" >/dev/null; then
		skip "Hello World for $target ($cc ${f[*]})" "$cc-gcc is not installed (setup.sh installs gcc-$cc)"
		continue
	fi
	if ! "$cc-gcc" -static -O2 "${f[@]}" -o "$bin" "$SRC/$src" 2>"$W/m/cc.err"; then
		not_ok "$cc-gcc ${f[*]} builds the $target Hello World"
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
		args=()
		case ${bin##*/} in busybox-*) args=(uname -m) ;; esac
		if kernel_runs "$bin" "${args[@]}"; then
			how="native: this kernel runs $target programs itself"
			natives[$target]=1
			[ ${#args[@]} = 0 ] || want=$(uname -m)
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
	check "QEMU $qv: at least 18 distinct targets run real programs through an emulator ($n)" [ "$n" -ge 18 ]
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

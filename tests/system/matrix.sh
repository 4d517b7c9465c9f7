# The test matrix: a C "Hello World!" built static by every cross compiler
# Debian 12 offers here, and Debian's busybox-static programs.  Each program
# must be identified by `qus detect` as its own target, and print what it
# should both through the host's registration (root; the host's binfmt_misc
# is restored afterwards) and through `qus run` as an unprivileged user.
. "$(dirname "$0")/../lib/env.sh"
. "$QUS_ROOT/tests/lib/hostguard.sh"
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

# The host's registration, for the whole machine (restored at the end).
[ -e $HG_DIR/register ] || mount -t binfmt_misc binfmt_misc $HG_DIR
"$QUS_STATIC" unregister -q --all
"$QUS_STATIC" register -q || not_ok "registering on the host"

declare -A works=()
for p in "${progs[@]}"; do
	read -r bin target want <<<"$p"
	want=${want//_/ }
	name=${bin##*/}
	args=()
	case $name in busybox-*) args=(uname -m) ;; esac
	run "$QUS" detect "$bin"
	is "$out" "$bin: $target" "$name: qus detect says $target"
	good=$([ "$out" = "$bin: $target" ] && echo 1)
	run timeout 60 "$bin" "${args[@]}"
	is "$out" "$want" "$name: through the host's registration: $want"
	[ "$out" = "$want" ] || good=
	run timeout 60 setpriv --reuid $QUS_USER --regid $QUS_USER --clear-groups -- "$Q" run -q -- "$bin" "${args[@]}"
	is "$out" "$want" "$name: through qus run, as a user: $want"
	[ "$out" = "$want" ] || good=
	[ -n "$good" ] && works[$target]=1
done

n=${#works[@]}
check "at least 18 distinct targets run real programs ($n: $(echo "${!works[@]}" | tr ' ' '\n' | sort | tr '\n' ' '))" [ "$n" -ge 18 ]
"$QUS_STATIC" unregister -q --all

done_testing

# shellcheck shell=bash
# Common set-up of every shell suite: paths, binaries, fixtures, helpers.
# tests/run exports QUS (the sanitizer build), QUS_STATIC (the release
# binary) and FIXTURES; a suite can also be run alone from the top directory.

QUS_ROOT=${QUS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
QUS=${QUS:-$QUS_ROOT/build-asan/qus}
QUS_STATIC=${QUS_STATIC:-$QUS_ROOT/build-static/qus}
FIXTURES=${FIXTURES:-$QUS_ROOT/build/fixtures}
# shellcheck disable=SC2034 # used by the suites that source this file
GOLDEN=$QUS_ROOT/tests/golden
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:exitcode=99}

# shellcheck source=tap.sh
. "$QUS_ROOT/tests/lib/tap.sh"

# Foreign busybox-static binaries from Debian (fetched by setup.sh):
# Debian architecture, qus target, `uname -m` under emulation (Debian 12 has
# busybox-static for these seven; its archive has no riscv64).
BUSYBOXES="arm64:aarch64:aarch64 armhf:arm:armv7l armel:arm:armv7l i386:i386:i686
s390x:s390x:s390x ppc64el:ppc64le:ppc64le mips64el:mips64el:mips64"

busybox_path() { echo "$FIXTURES/busybox/$1/busybox"; }

# How many of the paths given exist (links too): count_files "$dir"/qemu-*
# counts what the glob matched; a glob that matches nothing stays one path
# that does not exist.
count_files() {
	local n=0 f
	for f; do
		if [ -e "$f" ] || [ -L "$f" ]; then n=$((n + 1)); fi
	done
	echo "$n"
}

have_fixtures() {
	local b
	for b in $BUSYBOXES; do
		[ -x "$(busybox_path "${b%%:*}")" ] || return 1
	done
}

# The host's own architecture as qus names it.
host_target() { "$QUS" targets --json | jq -r '.targets[] | select(.native == "host") | .name'; }

# Run "$@" as root of a new user namespace whose own binfmt_misc instance is
# mounted on /proc/sys/fs/binfmt_misc (Linux >= 6.7).  Execs inside use that
# instance; the host's is never touched, whatever the command registers.
_PRIVATE_BINFMT=(unshare --user --map-root-user --mount --propagation private --
	/bin/bash -c 'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 97
exec "$@"' private)
in_private_binfmt() { "${_PRIVATE_BINFMT[@]}" "$@"; }

# Whether this kernel gives user namespaces their own binfmt_misc.
private_binfmt_works() { in_private_binfmt test -e /proc/sys/fs/binfmt_misc/register 2>/dev/null; }

# Why there is no private binfmt_misc here, in words for a skip: a kernel
# without them (before Linux 6.7) and a machine that allows no user
# namespace are different machines, and the tests expect different things
# of them (tests/system/register-matrix.sh).
private_binfmt_missing() {
	if ! unshare --user --map-root-user --mount true 2>/dev/null; then
		echo "no user namespace can be created here (user.max_user_namespaces, or a security module)"
	else
		echo "this kernel gives user namespaces no binfmt_misc of their own (Linux >= 6.7)"
	fi
}

# Run the rest of the calling suite inside one private binfmt_misc instance
# (see in_private_binfmt).  Without kernel support the whole suite is a skip.
enter_private_binfmt() {
	[ -n "${QUS_IN_PRIVATE:-}" ] && return 0
	if ! private_binfmt_works; then
		skip "$(basename "$0")" "$(private_binfmt_missing)"
		done_testing
		exit 0
	fi
	rm -rf "$_tap_tmp"
	QUS_IN_PRIVATE=1 exec "${_PRIVATE_BINFMT[@]}" bash "$0" "$@"
}

# Which targets this host runs itself, and what a fixture prints there.
# A test never assumes the answer: kernels of one kind of machine differ
# (one x86_64 VM build refuses i386 programs, another runs them; arm64 CPUs
# may lack AArch32), so expectations come from the kernel in front of us.

# qus's verdict on target $1: host, compat (a 32-bit mode the kernel runs)
# or no.  $KERNEL_SIM, when set, is the command that runs
# programs in a simulated kernel (tests/cli/native.sh).
native_kind() {
	${KERNEL_SIM:-} "$QUS" targets --json | jq -r --arg t "$1" '.targets[] | select(.name == $t) | .native'
}

# The kernel's own answer, asked without qus: whether PROGRAM ARGS... runs in
# a user namespace whose binfmt_misc is empty, where no emulator can take it.
# 0 it runs, 1 the kernel refuses it, 2 this machine cannot be asked (no
# private binfmt_misc: an exec there could be taken by an entry, so
# nothing it does would be the kernel's answer).
kernel_runs() {
	if [ -z "${_PRIVATE_BINFMT_OK:-}" ]; then
		_PRIVATE_BINFMT_OK=no
		private_binfmt_works && _PRIVATE_BINFMT_OK=yes
	fi
	[ "$_PRIVATE_BINFMT_OK" = yes ] || return 2
	{ ${KERNEL_SIM:-} "${_PRIVATE_BINFMT[@]}" "$@" >/dev/null 2>&1; } 2>/dev/null || return 1
}

# What `uname -m` prints in fixture $1 (Debian architecture) here, where it
# prints $2 under emulation: a program the kernel runs itself sees the
# kernel's machine (a 32-bit program on a 64-bit kernel too, unless it asks
# for the PER_LINUX32 personality, which busybox does not).  Status 2 and
# nothing printed when the kernel cannot be asked (kernel_runs).
fixture_uname() {
	kernel_runs "$(busybox_path "$1")" true
	case $? in
	0) uname -m ;;
	1) echo "$2" ;;
	*) return 2 ;;
	esac
}

# The flags qus register chooses by default on this kernel, asked of the
# kernel rather than read from its version (builds differ, and backports
# move features between versions): O always; F if the kernel accepts an
# entry with F (Linux 4.8); P if an interpreter registered with P is told
# so through AT_FLAGS (Linux 5.12; tests/fault/auxflags.c prints them).
# Asked once per suite, in a private binfmt_misc; where there is none
# (Linux < 6.7, where every later feature is absent too), from the version.
default_flags() {
	[ -n "${_DEFAULT_FLAGS:-}" ] || _DEFAULT_FLAGS=$(_kernel_flags || _version_flags)
	echo "$_DEFAULT_FLAGS"
}
_kernel_flags() {
	local helper=$QUS_ROOT/build-asan/tests/unit/auxflags dir got
	[ -x "$helper" ] && private_binfmt_works || return 1
	dir=$(mktemp -d)
	: >"$dir/probe.qusauxflags" && chmod 755 "$dir/probe.qusauxflags"
	# shellcheck disable=SC2016 # expanded by the inner shell
	got=$(in_private_binfmt bash -c 'r=/proc/sys/fs/binfmt_misc/register f=F
		printf ":qus-auxflags:E::qusauxflags::%s:PF" "$1" >$r 2>/dev/null ||
			{ f= && printf ":qus-auxflags:E::qusauxflags::%s:P" "$1" >$r; } || exit 1
		a=$("$2") || exit 1
		echo "$([ $((a & 1)) = 1 ] && echo P)O$f"' flags "$helper" "$dir/probe.qusauxflags")
	rm -rf "$dir"
	[ -n "$got" ] && echo "$got"
}
_version_flags() {
	local ma mi
	IFS=. read -r ma mi _ <<<"$(uname -r)"
	if [ "$ma" -gt 5 ] || { [ "$ma" = 5 ] && [ "${mi%%[!0-9]*}" -ge 12 ]; }; then echo POF
	elif [ "$ma" -gt 4 ] || { [ "$ma" = 4 ] && [ "${mi%%[!0-9]*}" -ge 8 ]; }; then echo OF
	else echo O; fi
}

# amd64's microarchitecture levels (2, 3, 4 for x86-64-v2..v4; one a line)
# as two oracles independent of qus see this CPU:
# - glibc's loader, which reads CPUID and XCR0 as the x86-64 psABI defines
#   the levels ("x86-64-v3 (supported, searched)" in `ld.so --help`, glibc
#   2.33): the reference;
# - the kernel's flag names in /proc/cpuinfo, a second opinion only:
#   hypervisors and kernels present them differently (an AMD EPYC VM of
#   this project's kind lists no abm although CPUID reports LZCNT).
# Status 1 where the loader does not list the levels (glibc < 2.33).
amd64_levels_glibc() {
	local help
	help=$(/lib64/ld-linux-x86-64.so.2 --help 2>/dev/null) && grep -q '^ *x86-64-v2' <<<"$help" ||
		return 1
	sed -n 's/^ *x86-64-v\([0-9]\) (supported.*/\1/p' <<<"$help" | sort -n
}
# The psABI's list per level, in the kernel's flag names.
_AMD64_FLAGS=([2]="cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3"
	[3]="avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
	[4]="avx512f avx512bw avx512cd avx512dq avx512vl")
# The flags of level $1 that /proc/cpuinfo does not list.
amd64_cpuinfo_lacks() {
	local f w
	f=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
	for w in ${_AMD64_FLAGS[$1]}; do
		case $f in *" $w "*) ;; *) printf '%s ' "$w" ;; esac
	done
}
amd64_levels_cpuinfo() {
	local l
	for l in 2 3 4; do
		[ -z "$(amd64_cpuinfo_lacks $l)" ] || break
		echo $l
	done
}

# The text of every entry file: a fingerprint of the whole registration.
binfmt_state() { (cd /proc/sys/fs/binfmt_misc && for f in *; do echo "== $f"; cat "$f"; done); }

# The CRC-32 of file $1 in hexadecimal (zlib's, which the hand-encoded
# tests/matrix/crc32-*.hex programs compute): the first four bytes of
# gzip's trailer, least significant first.
crc32() {
	local -a trailer
	read -r -a trailer < <(gzip -c "$1" | tail -c 8 | head -c 4 | od -An -v -tx1)
	echo "${trailer[3]}${trailer[2]}${trailer[1]}${trailer[0]}"
}

# Whether the text is one valid JSON document.
is_json() { jq -e . >/dev/null 2>&1 <<<"$1"; }

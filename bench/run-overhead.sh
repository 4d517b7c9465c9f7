#!/bin/bash
# What `qus run` adds to running a foreign program, against anchors measured
# in the same run on the same machine:
#
#   native      /bin/true: the cost of starting any process here
#   direct      qemu-aarch64-static busybox true: the emulator, no binfmt_misc
#   binfmt      busybox true through an entry registered beforehand (the
#               privileged way: qus register once, then every exec)
#   run-arch    qus run --arch arm64 -- busybox true (one registration)
#   run-all     qus run -- busybox true (every foreign target registered)
#
# Usage: bench/run-overhead.sh [-n RUNS] [-u USER]
#   -u USER  measure qus run as USER (through setpriv; needs root), e.g. a
#            user with /etc/subuid ranges, where newuidmap/newgidmap run too
# Prints the mean wall time per run in milliseconds and the ratio to
# "direct".  Needs the release build (build-static/qus) and the busybox
# fixtures (./setup.sh builds both).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=200
user=
while getopts n:u: o; do
	case $o in
	n) runs=$OPTARG ;;
	u) user=$OPTARG ;;
	*) exit 2 ;;
	esac
done
qus=$PWD/build-static/qus
bb_src=build/fixtures/busybox/arm64/busybox
emu=/usr/bin/qemu-aarch64-static
for f in "$qus" "$bb_src" "$emu"; do
	[ -x "$f" ] || { echo "bench: $f is missing (run ./setup.sh)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp "$qus" "$bb_src" "$work/"
qus=$work/qus
bb=$work/busybox
as=()
[ -n "$user" ] && as=(setpriv --reuid "$user" --regid "$user" --clear-groups --)

# Mean milliseconds per run of "$@", over $runs runs (after 5 warm-up runs).
measure() {
	local i t0 t1
	for i in 1 2 3 4 5; do "$@" >/dev/null; done
	t0=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do "$@" >/dev/null; done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / runs / 1000))
}

# The privileged way without touching the host: an entry registered once in
# a private instance, then execs through it (the same kernel path).
binfmt_loop() {
	unshare --user --map-root-user --mount -- /bin/bash -c '
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
		"$1" register -q arm64 >/dev/null
		for ((i = 0; i < $3; i++)); do "$2" true; done' - "$qus" "$bb" "$1"
}
measure_binfmt() {
	local t0 t1
	binfmt_loop 5
	t0=$(date +%s%N)
	binfmt_loop "$runs"
	t1=$(date +%s%N)
	echo $(((t1 - t0) / runs / 1000))
}

native=$(measure /bin/true)
direct=$(measure "$emu" "$bb" true)
binfmt=$(measure_binfmt)
run_arch=$(measure "${as[@]}" "$qus" run -q --arch arm64 -- "$bb" true)
run_all=$(measure "${as[@]}" "$qus" run -q -- "$bb" true)

fmt() {
	local v=$1 sign=
	[ "$v" -lt 0 ] && sign=- && v=$((-v))
	printf '%s%d.%03d' "$sign" $((v / 1000)) $((v % 1000))
}
ratio() { printf '%d.%02d' $(($1 / $2)) $(((($1 * 100) / $2) % 100)); }
echo "qus run overhead: $runs runs each, mean wall time per run, $(nproc) CPUs, Linux $(uname -r)"
echo "as: ${user:-$(id -un)}"
printf '%-10s %10s %10s\n' case ms "x direct"
for c in native direct binfmt run_arch run_all; do
	printf '%-10s %10s %10s\n' "${c/_/-}" "$(fmt "${!c}")" "$(ratio "${!c}" "$direct")"
done
echo "qus run adds $(fmt $((run_arch - binfmt))) ms (one target) and $(fmt $((run_all - binfmt))) ms (all targets) per command over an exec through a registered entry"

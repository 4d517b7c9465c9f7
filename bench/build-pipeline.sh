#!/bin/bash
# qus-build's pipeline against the seeds' shell steps, in the same run on
# the same package (Debian's qemu-user-static, build/fixtures/pkg):
#
#   seeds     dpkg-deb -x, then per emulator: tar -czf qemu-T-static.tar.gz,
#             cp to x86_64_qemu-T-static.tar.gz, and sha256sum of the lot
#             (generate_tarballs.sh, one process per step, one core); then,
#             if podman is here, one `podman build` per image, as update.sh
#             did with docker: FROM scratch + ADD the tarball for each
#             emulator, register (qus), latest (qus and every emulator)
#   qus-build qus-build -q -o DIR --qus build-static/qus PACKAGE
#             (extract, tarballs, images; all cores)
#
# Usage: bench/build-pipeline.sh [-n RUNS] [-b QUS_BUILD]
# Prints the mean wall time of each stage and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
qb=
while getopts n:b: o; do
	case $o in
	n) runs=$OPTARG ;;
	b) qb=$OPTARG ;;
	*) exit 2 ;;
	esac
done
deb=build/fixtures/pkg/qemu-user-static_amd64.deb
if [ -z "$qb" ]; then
	# An optimized build: the sanitizer build would measure ASan, not qus-build.
	[ -d build-bench ] || meson setup build-bench -Dbuildtype=release -Dtests=false \
		-Dbuild_tool=enabled >/dev/null
	if ! log=$(ninja -C build-bench qus-build 2>&1); then
		echo "$log" >&2
		exit 1
	fi
	qb=build-bench/qus-build
fi
[ -s "$deb" ] || { echo "bench: $deb is missing (run ./setup.sh fixtures)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000

qus=build-static/qus
[ -x "$qus" ] || { echo "bench: $qus is missing (run ./setup.sh build)" >&2; exit 1; }
podman=
command -v podman >/dev/null && command -v runc >/dev/null && podman=yes

seeds_tarballs() {
	local out=$1 f n
	mkdir -p "$out/x" "$out/releases"
	dpkg-deb -x "$deb" "$out/x"
	for f in "$out"/x/usr/bin/qemu-*-static; do
		n=${f##*/}
		cp "$f" "$out/releases/$n"
		tar -czf "$out/releases/$n.tar.gz" -C "$out/x/usr/bin" "$n"
		cp "$out/releases/$n.tar.gz" "$out/releases/x86_64_$n.tar.gz"
	done
	(cd "$out/releases" && sha256sum -- * >SHA256SUMS)
}
# One podman build per image, into a throw-away image store.
seeds_images() {
	local out=$1 f n ctx=$1/ctx store=(--root "$1/storage" --runroot "$1/run")
	mkdir -p "$ctx"
	cp "$out"/releases/x86_64_*.tar.gz "$qus" "$ctx/"
	for f in "$ctx"/x86_64_*.tar.gz; do
		n=${f##*/x86_64_qemu-}
		n=${n%-static.tar.gz}
		printf 'FROM scratch\nADD %s /usr/bin/\n' "${f##*/}" >"$ctx/Containerfile"
		podman "${store[@]}" build --runtime runc -q -t "localhost/bench:$n" "$ctx" >/dev/null
	done
	printf 'FROM scratch\nCOPY qus /usr/bin/qus\nENTRYPOINT ["/usr/bin/qus"]\n' >"$ctx/Containerfile"
	podman "${store[@]}" build --runtime runc -q -t localhost/bench:register "$ctx" >/dev/null
	{
		printf 'FROM scratch\nCOPY qus /usr/bin/qus\n'
		for f in "$ctx"/x86_64_*.tar.gz; do printf 'ADD %s /usr/bin/\n' "${f##*/}"; done
		printf 'ENTRYPOINT ["/usr/bin/qus"]\n'
	} >"$ctx/Containerfile"
	podman "${store[@]}" build --runtime runc -q -t localhost/bench:latest "$ctx" >/dev/null
	podman "${store[@]}" system reset -f >/dev/null 2>&1 || true
}
seeds() {
	seeds_tarballs "$1"
	[ -z "$podman" ] || seeds_images "$1"
}
ours() { "$qb" -q -o "$1" --qus "$qus" "$deb"; }

# Mean milliseconds of "$@ DIR" over $runs runs, each into a fresh directory.
measure() {
	local i t0 t1 total=0
	for ((i = 0; i < runs; i++)); do
		rm -rf "$work/o"
		t0=$(date +%s%N)
		"$@" "$work/o"
		t1=$(date +%s%N)
		total=$((total + (t1 - t0) / 1000000))
	done
	echo $((total / runs))
}

s=$(measure seeds)
q=$(measure ours)
echo "release pipeline, $(basename "$deb"), $runs runs each, $(nproc) CPUs"
if [ -n "$podman" ]; then
	what="tarballs + one podman build per image"
else
	what="tarballs only (podman/runc not installed: no images)"
fi
printf '%-44s %8s ms\n' "seeds' shell steps ($what)" "$s" "qus-build (extract, tarballs, images)" "$q"
printf 'ratio: qus-build takes %d.%02d of the shell steps'"'"' time (%d.%01dx faster)\n' \
	$((q / s)) $(((q * 100 / s) % 100)) $((s / q)) $(((s * 10 / q) % 10))

#!/bin/bash
# Row 7 of bench/run: every host of one QEMU version (trixie's 10.0: 8
# hosts), package to every release file and image, qus-build against the
# seeds' steps per host (dpkg-deb -x, tar -czf per emulator, cp for the
# host's prefix, sha256sum) plus one `podman build` per image (FROM scratch
# + ADD per emulator, register, latest, for each host's platform); then a
# rebuild with nothing changed, and with one host's package changed (armhf's,
# one byte of one emulator, from an output of the original packages).  Also qus-build's peak memory and
# the bytes it writes (/proc/PID/io of the shell that waited for it).
#
# Usage: bench/hosts.sh [-n ROUNDS]     prints markdown table rows (default 1 round: minutes each)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_rounds 1 "$@"
need_release_qus
QB=$BENCH_ROOT/build-rel/qus-build
PK=$BENCH_ROOT/build/fixtures/pkg/hosts/trixie
HOSTS="amd64 arm64 armel armhf i386 ppc64el riscv64 s390x"
[ -x "$QB" ] || die "$QB is missing (run ./setup.sh build)"
qus_args=()
for a in $HOSTS; do
	[ -e "$PK/$a.deb" ] || die "$PK/$a.deb is missing (run ./setup.sh fixtures)"
	q=$BENCH_ROOT/build-static-$a/qus
	[ "$a" = amd64 ] && q=$QUS_REL
	[ -x "$q" ] || die "$q is missing (run ./setup.sh build)"
	qus_args+=(--qus "$a=$q")
done
export SOURCE_DATE_EPOCH=1700000000
O=$BW/o
pkgs=()
for a in $HOSTS; do pkgs+=("$PK/$a.deb"); done

# The seeds' steps for every host: the release files, then one podman build
# per image for the host's platform.
oci_platform() { # Debian architecture -> podman --platform
	case $1 in
	amd64) echo linux/amd64 ;; arm64) echo linux/arm64 ;; armhf) echo linux/arm/v7 ;;
	armel) echo linux/arm/v5 ;; i386) echo linux/386 ;; ppc64el) echo linux/ppc64le ;;
	*) echo "linux/$1" ;;
	esac
}
case_seeds() {
	local a f n un ctx store=(--root "$O/storage" --runroot "$O/run")
	mkdir -p "$O/releases"
	for a in $HOSTS; do
		un=$(dpkg-deb -f "$PK/$a.deb" Architecture)
		rm -rf "$O/x" && mkdir -p "$O/x"
		dpkg-deb -x "$PK/$a.deb" "$O/x"
		ctx=$O/ctx-$a && mkdir -p "$ctx"
		for f in "$O"/x/usr/bin/qemu-*; do
			if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
			n=${f##*/}-static
			mv "$f" "$O/x/usr/bin/$n"
			tar -czf "$ctx/$n.tar.gz" -C "$O/x/usr/bin" "$n"
			cp "$ctx/$n.tar.gz" "$O/releases/${un}_$n.tar.gz"
		done
		cp "$QUS_REL" "$ctx/qus"
		for f in "$ctx"/*.tar.gz; do
			printf 'FROM scratch\nADD %s /usr/bin/\n' "${f##*/}" >"$ctx/Containerfile"
			podman "${store[@]}" build --runtime runc --platform "$(oci_platform "$a")" -q -t "localhost/bench:$a-${f##*/}" "$ctx" >/dev/null
		done
		printf 'FROM scratch\nCOPY qus /usr/bin/qus\nENTRYPOINT ["/usr/bin/qus"]\n' >"$ctx/Containerfile"
		podman "${store[@]}" build --runtime runc --platform "$(oci_platform "$a")" -q -t "localhost/bench:$a-register" "$ctx" >/dev/null
		{
			printf 'FROM scratch\nCOPY qus /usr/bin/qus\n'
			for f in "$ctx"/*.tar.gz; do printf 'ADD %s /usr/bin/\n' "${f##*/}"; done
			printf 'ENTRYPOINT ["/usr/bin/qus"]\n'
		} >"$ctx/Containerfile"
		podman "${store[@]}" build --runtime runc --platform "$(oci_platform "$a")" -q -t "localhost/bench:$a-latest" "$ctx" >/dev/null
	done
	(cd "$O/releases" && sha256sum -- * >SHA256SUMS)
	podman "${store[@]}" system reset -f >/dev/null 2>&1 || true
}
pre_seeds() { rm -rf "$O"; }
case_ours() { "$QB" -q -o "$O" "${qus_args[@]}" "${pkgs[@]}"; }
pre_ours() { rm -rf "$O"; }
# Nothing changed: the output of a full run, the same command again.
pre_again() { [ -d "$O/oci" ] || case_ours; }
case_again() { case_ours; }
# armhf's package with one byte changed in one emulator.
mkdir -p "$BW/armhf"
dpkg-deb -R "$PK/armhf.deb" "$BW/armhf/t"
f=$BW/armhf/t/usr/bin/qemu-i386
printf '\0' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") / 2)) conv=notrunc status=none
dpkg-deb -Zxz -b "$BW/armhf/t" "$BW/armhf/changed.deb" >/dev/null
rm -rf "$BW/armhf/t"
# The set-up (untimed) brings the output back to the original packages, so
# that every timed run has armhf's package new, whatever ran before it.
changed=("${pkgs[@]/$PK\/armhf.deb/$BW/armhf/changed.deb}")
pre_one() { case_ours; }
case_one() { "$QB" -q -o "$O" "${qus_args[@]}" "${changed[@]}"; }

alternate "$rounds" seeds ours again one
row "7. every host of QEMU 10.0 (8): .debs to every release file and image" ours "seeds' steps per host + a podman build per image" seeds 0.10
row "7. ... again, nothing changed" again "the full run" ours ""
row "7. ... again, one host's package changed" one "the full run" ours ""
rm -rf "$O"
bytes=$(bash -c '"$@" >/dev/null 2>&1; sed -n "s/^write_bytes: //p" /proc/$$/io' - "$QB" -q -o "$O" "${qus_args[@]}" "${pkgs[@]}")
rm -rf "$O"
mem=$(/usr/bin/time -f '%M' -o "$BW/mem" "$QB" -q -o "$O" "${qus_args[@]}" "${pkgs[@]}" >/dev/null 2>&1; cat "$BW/mem")
# The floor: every host's package decoded and its emulators deflated, over the cores.
xz_cpu=0 df_cpu=0
for p in "${pkgs[@]}"; do
	read -r x d < <(floor_of "$p")
	xz_cpu=$(awk -v a="$xz_cpu" -v b="$x" 'BEGIN { printf "%.2f", a + b }')
	df_cpu=$(awk -v a="$df_cpu" -v b="$d" 'BEGIN { printf "%.2f", a + b }')
done
floor_s=$(awk -v a="$xz_cpu" -v b="$df_cpu" -v n="$(nproc)" 'BEGIN { printf "%.1f", (a + b) / n }')
echo "Row 7: the floor on $(nproc) cores is $floor_s s (decoding the 8 packages' xz: $xz_cpu CPU-s, deflating their emulators at level 6: $df_cpu CPU-s), a ratio of $(ratio "$(awk -v f="$floor_s" 'BEGIN { print f * 1e6 }')" "$(median seeds)") to the seeds' steps and podman builds."
echo "Row 7: the 8 hosts' packages are $(du -cLm "${pkgs[@]}" | tail -1 | cut -f1) MB; qus-build writes $((bytes / 1000000)) MB for them (extract, release files, layers) and its peak memory is $((mem / 1024)) MB: one package is read and two emulators are compressed at a time, whatever the number of hosts; a target of 1 s for a rebuild with nothing changed, one host changed about 1/8 of the full run."

#!/bin/bash
# Rows 2, 3, 4 and 6b of bench/run: the release pipeline from Debian's
# qemu-user-static .deb, qus-build against the seeds' shell steps, on the
# same package in the same run.
#
#   seeds_rel  dpkg-deb -x, then per emulator: cp, tar -czf
#              qemu-T-static.tar.gz, cp to x86_64_qemu-T-static.tar.gz;
#              sha256sum of the lot (one process per step, one core)
#   seeds_all  seeds_rel, then one `podman build` per image, as the seeds'
#              update.sh did with docker: FROM scratch + ADD the tarball per
#              emulator, register (qus), latest (qus and every emulator)
#   ours_rel   qus-build extract + tarballs (all cores)
#   ours_all   qus-build: extract, tarballs, images
#
# Row 6b repeats the release cases on the package cut down to 1 and to 8
# emulators, and times qus-build's stages one by one (each on the output
# of the previous), with xz decompression of the package's data alone as
# the floor of the extract stage.
#
# Usage: bench/pipeline.sh [-n ROUNDS]     prints markdown table rows
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_rounds 3 "$@"
need_release_qus
DEB=$BENCH_ROOT/build/fixtures/pkg/qemu-user-static_amd64.deb
[ -s "$DEB" ] || die "$DEB is missing (run ./setup.sh fixtures)"
for c in podman runc dpkg-deb xz; do command -v $c >/dev/null || die "$c is missing (run ./setup.sh)"; done
# An optimized qus-build: the sanitizer build would measure ASan.
bb=$BENCH_ROOT/build-bench
[ -d "$bb" ] || meson setup "$bb" "$BENCH_ROOT" -Dbuildtype=release -Dtests=false -Dbuild_tool=enabled >/dev/null
log=$(ninja -C "$bb" qus-build 2>&1) || die "building qus-build: $log"
QB=$bb/qus-build
export SOURCE_DATE_EPOCH=1700000000
O=$BW/o

# The package cut down to its first N emulators (the rest of it unchanged).
cut_deb() {
	local n=$1 d=$BW/cut$1 i=0 f
	dpkg-deb -R "$DEB" "$d"
	for f in "$d"/usr/bin/qemu-*-static; do
		i=$((i + 1))
		[ $i -gt "$n" ] && rm -f "$f"
	done
	dpkg-deb -Zxz -b "$d" "$BW/cut$n.deb" >/dev/null
	rm -rf "$d"
}

seeds_rel() { # PACKAGE
	local f n
	mkdir -p "$O/x" "$O/releases"
	dpkg-deb -x "$1" "$O/x"
	for f in "$O"/x/usr/bin/qemu-*-static; do
		n=${f##*/}
		cp "$f" "$O/releases/$n"
		tar -czf "$O/releases/$n.tar.gz" -C "$O/x/usr/bin" "$n"
		cp "$O/releases/$n.tar.gz" "$O/releases/x86_64_$n.tar.gz"
	done
	(cd "$O/releases" && sha256sum -- * >SHA256SUMS)
}
seeds_images() {
	local f n ctx=$O/ctx store=(--root "$O/storage" --runroot "$O/run")
	mkdir -p "$ctx"
	cp "$O"/releases/x86_64_*.tar.gz "$QUS_REL" "$ctx/"
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
fresh() { rm -rf "$O"; }

case_seeds_rel() { seeds_rel "$DEB"; }
case_ours_rel() { "$QB" extract -q -o "$O" "$DEB" && "$QB" tarballs -q -o "$O"; }
case_seeds_all() { seeds_rel "$DEB" && seeds_images; }
case_ours_all() { "$QB" -q -o "$O" --qus "$QUS_REL" "$DEB"; }
for n in 1 8; do
	eval "case_seeds_rel_$n() { seeds_rel $BW/cut$n.deb; }"
	eval "case_ours_rel_$n() { \"\$QB\" extract -q -o \"\$O\" $BW/cut$n.deb && \"\$QB\" tarballs -q -o \"\$O\"; }"
done
# The stages alone; each starts from the output of the ones before (untimed).
case_extract() { "$QB" extract -q -o "$O" "$DEB"; }
pre_tarballs() { fresh && case_extract; }
case_tarballs() { "$QB" tarballs -q -o "$O"; }
pre_images() { pre_tarballs && case_tarballs; }
case_images() { "$QB" images -q -o "$O" --qus "$QUS_REL"; }
# The floor of extract: decompressing the package's data member, nothing else.
case_unxz() { dpkg-deb --fsys-tarfile "$DEB" >/dev/null; }
for c in seeds_rel ours_rel seeds_all ours_all seeds_rel_1 ours_rel_1 seeds_rel_8 ours_rel_8 extract unxz; do
	eval "pre_$c() { fresh; }"
done

cut_deb 1
cut_deb 8
alternate "$rounds" seeds_rel ours_rel seeds_all ours_all seeds_rel_1 ours_rel_1 seeds_rel_8 ours_rel_8 \
	extract tarballs images unxz
# Row 4 and the counts come from one more run of the whole pipeline.
pre_ours_all && case_ours_all
n_all=$(find "$O"/extract/*/ -name 'qemu-*-static' | wc -l)
row "2. .deb to release tarballs + SHA256SUMS ($n_all emulators)" ours_rel "seeds' shell steps" seeds_rel 0.25
row "3. .deb to tarballs + every image of the tag set" ours_all "shell steps + $(($(dpkg-deb -c "$DEB" | grep -c 'usr/bin/qemu-.*-static$') + 2)) podman builds" seeds_all 0.10
for n in 1 8; do
	row "6b. .deb to release tarballs, $n emulator(s)" ours_rel_$n "seeds' shell steps" seeds_rel_$n ""
done

# Row 4: what pulling the register and latest images downloads (manifest,
# config, gzip layers) and what they unpack to.
img_size() { # TAG -> "compressed unpacked" bytes
	local m layout=$O/oci d
	d=$(jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$layout/index.json")
	m=$layout/blobs/sha256/${d#sha256:}
	local comp unp=0 l
	comp=$(($(stat -c %s "$m") + $(jq '.config.size + ([.layers[].size] | add)' "$m")))
	for l in $(jq -r '.layers[].digest' "$m"); do
		unp=$((unp + $(gzip -dc "$layout/blobs/sha256/${l#sha256:}" | wc -c)))
	done
	echo "$comp $unp"
}
kb() { awk -v b="$1" 'BEGIN { printf "%.0f KB", b / 1000 }'; }
read -r rc ru < <(img_size register)
read -r lc lu < <(img_size latest)
met=$(awk -v u="$ru" 'BEGIN { print (u < 300000) ? "yes" : "**no**" }')
echo "| 4. register image: unpacked (download) | $(kb "$ru") ($(kb "$rc")) | seeds' register: 1230 KB (busybox + script) | $(ratio "$ru" 1230000) | < 300 KB | $met |"
echo "| 4. latest image: unpacked (download) | $(kb "$lu") ($(kb "$lc")) | the $n_all emulators alone: $(kb "$(cat "$O"/extract/*/qemu-*-static | wc -c)") | | | |"

echo
echo "Stages of qus-build on all $n_all emulators (6b): extract $(spread extract) (xz decompression alone: $(spread unxz)), tarballs $(spread tarballs), images $(spread images)."

#!/bin/bash
# Rows 2, 3, 4 and 6b of bench/run: the release pipeline from Debian's
# package, qus-build against the seeds' shell steps, on the same package in
# the same run, for two QEMU generations: bookworm's qemu-user-static (7.2)
# and sid's qemu-user (11.1, emulators named qemu-T).
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
# Beside each figure: the floor of this machine, the CPU time of decoding
# the package's data.tar.xz plus deflating every emulator at level 6
# (libdeflate-gzip), divided by the cores; and qus-build's peak memory.
# Row 6b repeats the release cases on 7.2's package cut down to 1 and to 8
# emulators, and times qus-build's stages one by one (each on the output
# of the previous), with xz decompression of the package's data alone.
#
# Usage: bench/pipeline.sh [-n ROUNDS]     prints markdown table rows
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_rounds 3 "$@"
need_release_qus
DEB=$BENCH_ROOT/build/fixtures/pkg/qemu-user-static_amd64.deb
DEB11=$BENCH_ROOT/build/fixtures/pkg/sid/qemu-user_amd64.deb
for f in "$DEB" "$DEB11"; do [ -s "$f" ] || die "$f is missing (run ./setup.sh fixtures)"; done
for c in podman runc dpkg-deb xz libdeflate-gzip; do command -v $c >/dev/null || die "$c is missing (run ./setup.sh)"; done
# The optimized qus-build setup.sh makes: the sanitizer build would measure ASan.
QB=$BENCH_ROOT/build-rel/qus-build
[ -x "$QB" ] || die "$QB is missing (run ./setup.sh build)"
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
	# The emulators as regular files (qemu-user's aliases are links), under
	# the seeds' names.
	for f in "$O"/x/usr/bin/qemu-*; do
		if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
		n=${f##*/}
		n=${n%-static}-static
		[ "$n" = "${f##*/}" ] || mv "$f" "$O/x/usr/bin/$n"
		cp "$O/x/usr/bin/$n" "$O/releases/$n"
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

for v in 7 11; do
	pkg=$DEB
	[ $v = 11 ] && pkg=$DEB11
	eval "case_seeds_rel_$v() { seeds_rel $pkg; }"
	eval "case_ours_rel_$v() { \"\$QB\" extract -q -o \"\$O\" $pkg && \"\$QB\" tarballs -q -o \"\$O\"; }"
	eval "case_seeds_all_$v() { seeds_rel $pkg && seeds_images; }"
	eval "case_ours_all_$v() { \"\$QB\" -q -o \"\$O\" --qus \"\$QUS_REL\" $pkg; }"
	# The stages alone; each starts from the output of the ones before (untimed).
	eval "case_extract_$v() { \"\$QB\" extract -q -o \"\$O\" $pkg; }"
	eval "pre_tarballs_$v() { fresh && case_extract_$v; }"
	eval "case_tarballs_$v() { \"\$QB\" tarballs -q -o \"\$O\"; }"
	eval "pre_images_$v() { pre_tarballs_$v && case_tarballs_$v; }"
	eval "case_images_$v() { \"\$QB\" images -q -o \"\$O\" --qus \"\$QUS_REL\"; }"
	# The floor of extract: decompressing the package's data member, nothing else.
	eval "case_unxz_$v() { dpkg-deb --fsys-tarfile $pkg >/dev/null; }"
	for c in seeds_rel ours_rel seeds_all ours_all extract unxz; do eval "pre_${c}_$v() { fresh; }"; done
done
for n in 1 8; do
	eval "case_seeds_rel_$n() { seeds_rel $BW/cut$n.deb; }"
	eval "case_ours_rel_$n() { \"\$QB\" extract -q -o \"\$O\" $BW/cut$n.deb && \"\$QB\" tarballs -q -o \"\$O\"; }"
	eval "pre_seeds_rel_$n() { fresh; }"
	eval "pre_ours_rel_$n() { fresh; }"
done

# Peak memory (KB) of COMMAND.
peak_kb() { /usr/bin/time -f '%M' -o "$BW/mem" "$@" >/dev/null 2>&1; cat "$BW/mem"; }

cut_deb 1
cut_deb 8
alternate "$rounds" seeds_rel_7 ours_rel_7 seeds_all_7 ours_all_7 seeds_rel_11 ours_rel_11 seeds_all_11 ours_all_11 \
	seeds_rel_1 ours_rel_1 seeds_rel_8 ours_rel_8 extract_7 tarballs_7 images_7 unxz_7 extract_11 tarballs_11 images_11 unxz_11
ncpu=$(nproc)
for v in 7 11; do
	pkg=$DEB label=7.2
	[ $v = 11 ] && pkg=$DEB11 label=$(dpkg-deb -f "$DEB11" Version | sed -E 's/^[0-9]+://; s/[+~-].*//')
	read -r xz_cpu df_cpu < <(floor_of "$pkg")
	floor_s=$(awk -v a="$xz_cpu" -v b="$df_cpu" -v n="$ncpu" 'BEGIN { printf "%.1f", (a + b) / n }')
	fresh
	mem=$(peak_kb "$QB" -q -o "$O" --qus "$QUS_REL" "$pkg")
	n_all=$(find "$O"/extract/*/*/ -name 'qemu-*-static' | wc -l)
	seeds_n=$(dpkg-deb -c "$pkg" | awk '$1 ~ /^-/ && $6 ~ /\/usr\/bin\/qemu-/' | wc -l)
	row "2. QEMU $label: .deb to release tarballs + SHA256SUMS ($n_all emulators)" ours_rel_$v "seeds' shell steps" seeds_rel_$v 0.25
	row "3. QEMU $label: .deb to tarballs + every image of the tag set" ours_all_$v "shell steps + $((seeds_n + 2)) podman builds" seeds_all_$v 0.10
	echo "QEMU $label: the floor of row 2 on $ncpu cores is $floor_s s (decoding the package's xz: $xz_cpu CPU-s, deflating its emulators at level 6: $df_cpu CPU-s), a ratio of $(ratio "$(awk -v f="$floor_s" 'BEGIN { print f * 1e6 }')" "$(median seeds_rel_$v)") to the seeds' steps; qus-build's peak memory for the whole pipeline: $((mem / 1024)) MB."
	echo "QEMU $label: stages of qus-build on all $n_all emulators: extract $(spread extract_$v) (xz decompression alone: $(spread unxz_$v)), tarballs $(spread tarballs_$v), images $(spread images_$v)."
done
for n in 1 8; do
	row "6b. QEMU 7.2: .deb to release tarballs, $n emulator(s)" ours_rel_$n "seeds' shell steps" seeds_rel_$n ""
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
fresh
"$QB" -q -o "$O" --qus "$QUS_REL" "$DEB"
n_all=$(find "$O"/extract/*/*/ -name 'qemu-*-static' | wc -l)
read -r rc ru < <(img_size register)
read -r lc lu < <(img_size latest)
met=$(awk -v u="$ru" 'BEGIN { print (u < 300000) ? "yes" : "**no**" }')
echo "| 4. register image: unpacked (download) | $(kb "$ru") ($(kb "$rc")) | seeds' register: 1230 KB (busybox + script) | $(ratio "$ru" 1230000) | < 300 KB | $met |"
echo "| 4. latest image (7.2): unpacked (download) | $(kb "$lu") ($(kb "$lc")) | the $n_all emulators alone: $(kb "$(cat "$O"/extract/*/*/qemu-*-static | wc -c)") | | | |"

# shellcheck disable=SC2046,SC2086 # the --qus options and the host lists split on purpose
# Every host Debian builds QEMU for: the emulator package of each host of
# trixie (QEMU 10.0, 8 hosts) and sid (11.1, 6 hosts; loong64 without a
# static qus, since Debian 12 has no cross compiler for it), with the
# static qus of each host (tools/build-static-qus), through qus-build into
# one release set and one image index per tag.  Proven, not only written:
# every platform's image is read back with skopeo and umoci, pushed to a
# local registry and pulled by podman with the same digest; each host's
# own qus runs on this machine under qus run (emulated where it is
# foreign), and one of each host's emulators runs a busybox of a third
# architecture (an emulator emulated).  Then the incremental rules: the
# same inputs rewrite nothing, one host's package changed changes that
# host's files and the indexes only.  The optimized qus-build (build-rel):
# this is gigabytes of data; the sanitizer build reads every shape
# elsewhere.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/podman.sh
. "$QUS_ROOT/tests/lib/podman.sh"

QB=$QUS_ROOT/build-rel/qus-build
PK=$FIXTURES/pkg/hosts
TRIXIE="amd64 arm64 armel armhf i386 ppc64el riscv64 s390x"
# sid: amd64 and arm64, loong64 (no static qus) and riscv64 (another 11.1
# release than the others in the archive): what 11.1 adds to trixie's proof.
SID="amd64 arm64 loong64 riscv64"
need=
for c in $POD_TOOLS skopeo umoci docker-registry curl; do command -v "$c" >/dev/null || need+=" $c"; done
for a in $TRIXIE; do [ -e "$PK/trixie/$a.deb" ] || need+=" trixie/$a.deb"; done
for a in $SID; do [ -e "$PK/sid/$a.deb" ] || need+=" sid/$a.deb"; done
if [ "$(id -u)" != 0 ] || [ -n "$need" ] || [ ! -x "$QB" ] || ! have_fixtures; then
	skip "every host" "needs root, the tools, build-rel/qus-build, the busybox fixtures and every host's package (setup.sh)${need:+; missing:$need}"
	done_testing
	exit 0
fi
# The static qus of a host (Debian architecture), or nothing.
qus_of() { local f=$QUS_ROOT/build-static-$1/qus; [ "$1" = amd64 ] && f=$QUS_STATIC; [ -x "$f" ] && echo "$f"; }
for a in $TRIXIE $SID; do
	[ "$a" = loong64 ] || [ -n "$(qus_of "$a")" ] || need+=" build-static-$a/qus"
done
if [ -n "$need" ]; then
	skip "every host" "a static qus is missing (tools/build-static-qus):$need"
	done_testing
	exit 0
fi
REG_PID=
pod_extra_cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null && wait "$REG_PID" 2>/dev/null; }
pod_suite_begin
export SOURCE_DATE_EPOCH=1700000000
# Debian architecture -> "uname oci-arch oci-variant target", from qus's own table.
plat() {
	case $1 in
	amd64) echo "x86_64 amd64 - x86_64" ;; arm64) echo "aarch64 arm64 - aarch64" ;;
	armhf) echo "armv7l arm v7 arm" ;; armel) echo "armv5tel arm v5 arm" ;;
	i386) echo "i686 386 - i386" ;; ppc64el) echo "ppc64le ppc64le - ppc64le" ;;
	s390x) echo "s390x s390x - s390x" ;; riscv64) echo "riscv64 riscv64 - riscv64" ;;
	loong64) echo "loongarch64 loong64 - loongarch64" ;;
	esac
}
qus_args() { local a f; for a; do f=$(qus_of "$a") && echo "--qus $a=$f"; done; }
tags_in() { jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"] // empty' "$1/index.json"; }

# --- trixie: every host of QEMU 10.0 ----------------------------------------------------
O=$W/trixie
pkgs=()
for a in $TRIXIE; do pkgs+=("$PK/trixie/$a.deb"); done
run "$QB" -q -o "$O" $(qus_args $TRIXIE) "${pkgs[@]}"
rc_is 0 "qus-build on trixie's 8 hosts: exit 0"
R=$O/releases
run sh -c "cd '$R' && sha256sum -c --quiet SHA256SUMS"
rc_is 0 "one SHA256SUMS covers every host's release files (sha256sum -c)"
for a in $TRIXIE; do
	read -r un _ _ _ <<<"$(plat "$a")"
	n=$(dpkg-deb -c "$PK/trixie/$a.deb" | awk '$1 ~ /^-/ && $6 ~ /\/usr\/bin\/qemu-/' | wc -l)
	is "$(count_files "$R/${un}_qemu-"*-static.tar.gz)" "$n" "$a: ${un}_qemu-T-static.tar.gz for each of its $n emulators"
done
check "the unprefixed files are x86_64's, as in the seeds" cmp "$R/qemu-aarch64-static.tar.gz" "$R/x86_64_qemu-aarch64-static.tar.gz"
OCI=$O/oci
is "$(skopeo inspect --raw "oci:$OCI:latest" | jq -r '[.manifests[].platform | "\(.architecture)\(if .variant then "/" + .variant else "" end)"] | join(" ")')" \
	"amd64 arm64 arm/v5 arm/v7 386 ppc64le riscv64 s390x" "latest: an image index over the 8 platforms (OCI names and variants)"
for a in $TRIXIE; do
	read -r un arch var target <<<"$(plat "$a")"
	ov=()
	[ "$var" = - ] || ov=(--override-variant "$var")
	run skopeo inspect --config --override-arch "$arch" "${ov[@]}" "oci:$OCI:latest"
	is "$(jq -r '.architecture + (if .variant then "/" + .variant else "" end)' <<<"$out")" \
		"$arch$([ "$var" = - ] || echo "/$var")" "$a: skopeo picks its platform from latest"
	is "$(skopeo inspect --override-arch "$arch" "${ov[@]}" "oci:$OCI:latest" | jq '.Layers | length')" \
		"$(($(count_files "$O"/extract/*/"$a"/qemu-*-static) + 1))" "$a: its latest holds qus and each of its emulators, a layer each"
	# Its register image (its own qus) into a layout of its own, unpacked by umoci.
	rm -rf "$W/one" "$W/b"
	skopeo copy -q --override-arch "$arch" "${ov[@]}" "oci:$OCI:register" "oci:$W/one:register" &&
		umoci unpack --image "$W/one:register" "$W/b" >/dev/null 2>&1
	is "$("$QUS" detect "$W/b/rootfs/usr/bin/qus" | sed 's/.*: //; s/ (native)//')" "$target" "$a: umoci unpacks its register image; its qus is a $target program"
	# Its qus runs here: natively, or emulated under qus run.
	run "$QUS" run -q -- "$W/b/rootfs/usr/bin/qus" --version
	is "$out" "$("$QUS_STATIC" --version)" "$a: its qus runs here (--version)"
	run "$QUS" run -q -- "$W/b/rootfs/usr/bin/qus" targets --json
	is "$(jq '.targets | length' <<<"$out" 2>/dev/null)" 34 "$a: ... targets"
	run "$QUS" run -q -- "$W/b/rootfs/usr/bin/qus" detect "$(busybox_path s390x)"
	like "$out" ": s390x" "$a: ... detect"
	other=aarch64
	[ "$target" = aarch64 ] && other=s390x
	run "$QUS" run -q -- "$W/b/rootfs/usr/bin/qus" register --dry-run --host "$target" "$other"
	like "$out" ":qemu-$other:M::" "$a: ... register --dry-run"
	# One of its emulators runs a busybox of a third architecture (32-bit
	# hosts have no emulators of 64-bit targets since QEMU 10.0): its
	# HOST-T image, unpacked.
	for third in s390x arm i386 aarch64; do
		[ "$third" != "$target" ] && tags_in "$OCI" | grep -qx "$un-$third" && break
	done
	rm -rf "$W/e"
	umoci unpack --image "$OCI:$un-$third" "$W/e" >/dev/null 2>&1
	IFS=: read -r deb _ want <<<"$(tr ' ' '\n' <<<"$BUSYBOXES" | grep -m1 ":$third:")"
	run timeout 120 "$QUS" run -q -- "$W/e/rootfs/usr/bin/qemu-$third-static" "$(busybox_path "$deb")" uname -m
	is "$out" "$want" "$a: its $un-$third image's emulator runs a $deb busybox here: $want"
done

# --- the registry round trip ---------------------------------------------------------------
pod_registry_start 5100
port=$REG_PORT
# The index of every platform (register: each host's qus alone, small to
# pull 8 times) and latest, pushed as qus-publish pushes every tag.
REPO=127.0.0.1:$port/qus/hosts
for t in register latest; do
	run skopeo copy -q --all --preserve-digests --dest-tls-verify=false "oci:$OCI:$t" "docker://$REPO:$t"
	rc_is 0 "$t of the 8 hosts pushed to the registry"
	is "sha256:$(skopeo inspect --tls-verify=false --raw "docker://$REPO:$t" | sha256sum | cut -d' ' -f1)" \
		"$(jq -r --arg t "$t" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$OCI/index.json")" \
		"... the registry serves $t's index as the layout has it"
done
index=$(skopeo inspect --raw "oci:$OCI:register")
for a in $TRIXIE; do
	read -r _ arch var _ <<<"$(plat "$a")"
	want=$(jq -r --arg a "$arch" --arg v "$var" '.manifests[] | select(.platform.architecture == $a and ((.platform.variant // "-") == $v)) | .digest' <<<"$index")
	pv=()
	[ "$var" = - ] || pv=(--variant "$var")
	P pull -q --tls-verify=false --arch "$arch" "${pv[@]}" "$REPO:register" >/dev/null 2>&1
	got=$(P image inspect --format '{{json .RepoDigests}} {{.Architecture}}' "$REPO:register" 2>/dev/null)
	like "$got" "@$want\"" "$a: podman pulls its platform of register: the layout's manifest"
	like "$got" "] $arch" "... an image of architecture $arch"
	P rmi -f "$REPO:register" >/dev/null 2>&1
done
index=$(skopeo inspect --raw "oci:$OCI:latest")

# --- incremental ---------------------------------------------------------------------------
snap() { (cd "$1" && find . -type f -printf '%i %s %T@ %p\n' | sort -k4); }
before=$(snap "$O")
run "$QB" -o "$O" $(qus_args $TRIXIE) "${pkgs[@]}"
rc_is 0 "the same inputs again: exit 0"
is "$(snap "$O")" "$before" "... nothing rewritten (every file's inode, size and time as before)"
like "$err" "releases is up to date" "... releases/ said up to date"
like "$err" "(0 made, " "... no layer made"
# One host's package changed by one byte of one emulator: that host's files
# and the indexes change, nothing else.
mkdir -p "$W/armhf"
dpkg-deb -R "$PK/trixie/armhf.deb" "$W/armhf/t"
f=$W/armhf/t/usr/bin/qemu-i386
printf '\0' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") / 2)) conv=notrunc status=none
dpkg-deb -Zgzip -z1 -b "$W/armhf/t" "$W/armhf/armhf.deb" >/dev/null
cp "$R/SHA256SUMS" "$W/sums.before"
manifests_before=$(jq -r '.manifests[] | "\(.platform.architecture)/\(.platform.variant // "") \(.digest)"' <<<"$index")
changed=("${pkgs[@]/$PK\/trixie\/armhf.deb/$W/armhf/armhf.deb}")
run "$QB" -o "$O" $(qus_args $TRIXIE) "${changed[@]}"
rc_is 0 "armhf's package changed by one byte: exit 0"
like "$err" "(1 made, " "... one release file made (the rest taken over)"
diff_sums=$(diff <(sort -k2 "$W/sums.before") <(sort -k2 "$R/SHA256SUMS") | sed -n 's/^> [0-9a-f]* *//p' | tr '\n' ' ')
is "$diff_sums" "armv7l_qemu-i386-static.tar.gz provenance.intoto.json sbom.cdx.json " \
	"... SHA256SUMS: only armhf's qemu-i386 changed, and the two documents that state it"
index2=$(skopeo inspect --raw "oci:$OCI:latest")
manifests_after=$(jq -r '.manifests[] | "\(.platform.architecture)/\(.platform.variant // "") \(.digest)"' <<<"$index2")
is "$(diff <(echo "$manifests_before") <(echo "$manifests_after") | grep -c '^>')" 1 "... latest's index: one platform's manifest changed"
like "$(diff <(echo "$manifests_before") <(echo "$manifests_after") | grep '^>')" "arm/v7 " "... armhf's (arm/v7)"

# --- sid: QEMU 11.1, loong64 without a static qus ------------------------------------------------
sidv() { dpkg-deb -f "$PK/sid/$1.deb" Version; }
S=$W/sid
pkgs=()
for a in $SID; do pkgs+=("$PK/sid/$a.deb"); done
run "$QB" -q -o "$S" $(qus_args $SID) "${pkgs[@]}"
rc_is 1 "qus-build on sid's amd64, arm64, loong64 and riscv64, loong64 without a static qus: exit 1"
like "$err" "no static qus for loong64 (loongarch64): its register, latest and VERSION images are left out; give --qus loong64=FILE" \
	"... loong64's missing qus is said"
is "$(wc -l <<<"$err")" 1 "... in one line"
is "$(skopeo inspect --raw "oci:$S/oci:latest" | jq -r '[.manifests[].platform.architecture] | sort | join(" ")')" \
	"amd64 arm64 riscv64" "latest: the hosts with a qus"
is "$(skopeo inspect --raw "oci:$S/oci:aarch64" | jq -r '[.manifests[].platform.architecture] | sort | join(" ")')" \
	"amd64 arm64 loong64 riscv64" "the per-target images: all 4, loong64 too"
# The version a platform's manifest in TAG's index carries (an annotation).
platform_version() {
	local d
	d=$(skopeo inspect --raw "oci:$1:$2" | jq -r --arg a "$3" '.manifests[] | select(.platform.architecture == $a) | .digest')
	jq -r '.annotations["org.opencontainers.image.version"]' "$1/blobs/sha256/${d#sha256:}"
}
for a in amd64 riscv64; do
	is "$(platform_version "$S/oci" latest "$a")" "$(sidv "$a")" "latest's $a image is $a's newest version, $(sidv "$a")"
done
check "... loong64's own HOST-T image: loongarch64-aarch64" skopeo inspect "oci:$S/oci:loongarch64-aarch64"
check "loong64's release files: loongarch64_qemu-T-static.tar.gz" test -s "$S/releases/loongarch64_qemu-aarch64-static.tar.gz"
run sh -c "cd '$S/releases' && sha256sum -c --quiet SHA256SUMS"
rc_is 0 "... and SHA256SUMS covers the 6 hosts"

# --- hostile inputs ---------------------------------------------------------------------------
run "$QB" extract -q -o "$W/two" "$PK/trixie/arm64.deb" "$PK/trixie/arm64.deb"
rc_is 1 "two packages claiming one host and version: refused"
like "$err" "a second member of that name in the packages given" "... said"
run "$QB" images -q -o "$O" --qus "arm64=$(qus_of s390x)" --qus "amd64=$QUS_STATIC"
rc_is 1 "a --qus for arm64 that is an s390x program: exit 1"
like "$err" "cannot be the arm64 image's qus: it is not a program of that architecture" "... said"

done_testing

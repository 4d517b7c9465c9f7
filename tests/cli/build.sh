# qus-build on Debian's real qemu-user-static package (build/fixtures/pkg,
# from setup.sh), checked with independent tools (sha256sum -c, tar, file),
# twice for reproducibility, and on hostile packages made here, each of
# which must be refused with the member named and nothing left behind.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

QB=${QUS_BUILD:-$QUS_ROOT/build-asan/qus-build}
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
if [ ! -x "$QB" ] || [ ! -s "$DEB" ] || [ ! -x "$QUS_STATIC" ] || ! command -v skopeo >/dev/null ||
	! command -v umoci >/dev/null; then
	skip "qus-build" "needs build-asan/qus-build, build-static/qus, $DEB, skopeo and umoci (setup.sh)"
	done_testing
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1700000000

# --- the real package, the whole pipeline ------------------------------------------
run "$QB" -q -o "$tmp/a" --qus "$QUS_STATIC" "$DEB"
rc_is 0 "qus-build on Debian's qemu-user-static: exit 0"
is "$err" "" "-q: nothing on stderr"
R=$tmp/a/releases
pkgver=$(dpkg-deb -f "$DEB" Version)
# The image tag of a version, computed here as the README states it: no
# epoch, no repack marker (+dfsg, +ds), '+' and '~' as '.'.
tag_of() { sed -E 's/^[0-9]+://; s/[+~](dfsg|ds)[0-9]*([-+~.]|$)/\2/g; s/[+~]/./g' <<<"$1"; }
ver=$(tag_of "$pkgver")
# The package's emulators (dpkg-deb's view) whose target is in qus's table.
"$QUS" targets --json | jq -r '.targets[].emulator' | sort -u >"$tmp/known"
dpkg-deb -c "$DEB" | grep -o '\./usr/bin/qemu-.*-static$' | sed 's,.*/,,' | sort >"$tmp/inpkg"
nemu=$(comm -12 "$tmp/known" "$tmp/inpkg" | wc -l)
others=$(comm -13 "$tmp/known" "$tmp/inpkg" | tr '\n' ' ')
is "$(cd "$R" && printf '%s\n' *-static)" "$(comm -12 "$tmp/known" "$tmp/inpkg")" \
	"every emulator of the package whose target qus knows is released ($nemu; not: $others)"
is "$(count_files "$R"/qemu-*-static.tar.gz)" "$nemu" "... each as qemu-T-static.tar.gz"
is "$(count_files "$R"/x86_64_qemu-*-static.tar.gz)" "$nemu" "... and as x86_64_qemu-T-static.tar.gz (the seeds' names)"
run sh -c "cd '$R' && sha256sum -c --quiet SHA256SUMS"
rc_is 0 "sha256sum -c accepts SHA256SUMS"
is "$(wc -l <"$R/SHA256SUMS")" $((3 * nemu + 2)) "SHA256SUMS lists every release file and the two documents"
is "$(grep -c -e ' sbom.cdx.json$' -e ' provenance.intoto.json$' "$R/SHA256SUMS")" 2 "... sbom.cdx.json and provenance.intoto.json"
is "$(sort -k2 "$R/SHA256SUMS" | cmp - "$R/SHA256SUMS" && echo sorted)" sorted "... sorted by name"
run env TZ=UTC0 tar -tvzf "$R/qemu-aarch64-static.tar.gz"
like "$out" "-rwxr-xr-x root/root" "tar: mode 0755, owner root"
like "$out" "2023-11-14 22:13 qemu-aarch64-static" "tar: one file, at SOURCE_DATE_EPOCH"
is "$(wc -l <<<"$out")" 1 "tar: nothing else in it"
tar -xzf "$R/x86_64_qemu-s390x-static.tar.gz" -C "$tmp"
dpkg-deb --fsys-tarfile "$DEB" | tar -xf - -C "$tmp" ./usr/bin/qemu-s390x-static
check "the emulator in the tarball is the package's, byte for byte" cmp "$tmp/qemu-s390x-static" "$tmp/usr/bin/qemu-s390x-static"
check "file(1): the released emulators are static" sh -c "file -b '$R/qemu-riscv64-static' | grep -Eq 'static(-pie)? linked'"
M=$tmp/a/extract/$ver/amd64/package.json
check "extract/$ver/amd64/package.json is JSON" is_json "$(cat "$M")"
is "$(jq -r '[.version, .tag, .arch, .host, .date, (.emulators | length)] | @csv' "$M")" \
	"\"$pkgver\",\"$ver\",\"amd64\",\"x86_64\",1700000000,$nemu" \
	"package.json: version, tag (epoch and +dfsg dropped, + as .), arch, host, date, emulators"
is "$(jq -r .source_sha256 "$M")" "$(sha256sum "$DEB" | cut -d' ' -f1)" "package.json: the package's own SHA-256"
is "$(jq -r '.skipped | join(" ")' "$M") " "$others" "package.json: the emulators left out are listed"
run "$QB" extract -o "$tmp/v" "$DEB"
for e in $others; do
	like "$err" "$e left out: its target is not one of the 34 qus registers" "without -q: $e left out, said"
done

# --- the documents: SBOM and provenance ----------------------------------------------------
pkgsha=$(sha256sum "$DEB" | cut -d' ' -f1)
S=$R/sbom.cdx.json PV=$R/provenance.intoto.json
is "$(jq -r '[.bomFormat, .specVersion, .metadata.timestamp, .metadata.tools.components[0].name] | join(" ")' "$S")" \
	"CycloneDX 1.6 2023-11-14T22:13:20Z qus-build" "releases/sbom.cdx.json: CycloneDX 1.6, the build's time, by qus-build"
is "$(jq -r '.components[0] | [.name, .version, .purl, .hashes[0].content] | join(" ")' "$S")" \
	"qemu-user-static $pkgver pkg:deb/debian/qemu-user-static@$(jq -rn --arg v "$pkgver" '$v | @uri' | sed 's/+/%2B/g; s/:/%3A/g')?arch=amd64 $pkgsha" \
	"... the package: name, version, purl, SHA-256"
is "$(jq -r '.components[0].components[] | select(.name == "qemu-aarch64-static") | [.version, .hashes[0].content, (.properties[] | select(.name == "qus:qemu-version") | .value)] | join(" ")' "$S")" \
	"$(sed -n 's/ (Debian.*//p' <<<"$("$R/qemu-aarch64-static" --version | head -1 | sed 's/.*version //')" ) $(sha256sum "$R/qemu-aarch64-static" | cut -d' ' -f1) $("$R/qemu-aarch64-static" --version | head -1 | sed 's/.*version //')" \
	"... each file: QEMU version (as the emulator prints it), SHA-256"
is "$(jq '.components[0].components | length' "$S")" $((3 * nemu)) "... every release file, part of the package"
is "$(jq -r '[._type, .predicateType, .predicate.buildDefinition.buildType, .predicate.runDetails.builder.id, .predicate.runDetails.builder.version["qus-build"]] | join(" ")' "$PV")" \
	"https://in-toto.io/Statement/v1 https://slsa.dev/provenance/v1 urn:qus:qus-build:build-type:v1 urn:qus:qus-build $("$QB" --version | cut -d' ' -f2)" \
	"releases/provenance.intoto.json: in-toto v1, SLSA provenance v1, qus-build and its version"
is "$(jq -r '.predicate.buildDefinition | [.externalParameters.SOURCE_DATE_EPOCH, (.externalParameters.packages | join(",")), .resolvedDependencies[0].digest.sha256, .resolvedDependencies[0].mediaType] | join(" ")' "$PV")" \
	"1700000000 qemu-user-static_amd64.deb $pkgsha application/vnd.debian.binary-package" \
	"... parameters (SOURCE_DATE_EPOCH, the packages) and the package's SHA-256 as a dependency"
is "$(jq -r '.subject[] | "\(.digest.sha256)  \(.name)"' "$PV")" "$(grep -v -e ' sbom.cdx.json$' -e ' provenance.intoto.json$' "$R/SHA256SUMS")" \
	"... its subjects are the release files, as SHA256SUMS has them"
is "$(jq -r '.predicate.runDetails.byproducts | length' "$PV")" "$nemu" "... each emulator taken is a byproduct, by its SHA-256"
if node "$QUS_ROOT/tests/lib/validate-cdx.js" "$S" >/dev/null 2>&1 || [ $? = 1 ]; then
	run node "$QUS_ROOT/tests/lib/validate-cdx.js" "$S"
	rc_is 0 "releases/sbom.cdx.json passes CycloneDX's own validator (@cyclonedx/cyclonedx-library)"
else
	skip "CycloneDX validation" "no @cyclonedx/cyclonedx-library in /var/cache/qus-tests/npm or no node (setup.sh fixtures)"
fi

# --- the images ---------------------------------------------------------------------
O=$tmp/a/oci
tags=$(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"] // empty' "$O/index.json")
is "$(wc -l <<<"$tags")" $((3 + 4 * nemu)) "index.json: latest, $ver, register and 4 tags per emulator ($((3 + 4 * nemu)))"
# Referrers: each image's SBOM and the provenance, untagged, with their subject.
nimg=$(jq '[.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]) | .digest] | unique | length' "$O/index.json")
is "$nimg" $((2 + nemu)) "$((2 + nemu)) distinct images (latest, register, one per emulator)"
is "$(jq -r '[.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] | not) | .artifactType] | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$O/index.json")" \
	"application/vnd.cyclonedx+json $nimg, application/vnd.in-toto+json $nimg" "index.json lists an SBOM and a provenance referrer per image, untagged"
subjects=$(for m in $(jq -r '.manifests[] | select(.artifactType) | .digest[7:]' "$O/index.json"); do jq -r .subject.digest "$O/blobs/sha256/$m"; done | sort | uniq -c | awk '{ print $1 }' | sort -u)
is "$subjects" 2 "... each image is the subject of exactly two"
ldg=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "latest") | .digest' "$O/index.json")
sref=$(for m in $(jq -r '.manifests[] | select(.artifactType == "application/vnd.cyclonedx+json") | .digest[7:]' "$O/index.json"); do
	[ "$(jq -r .subject.digest "$O/blobs/sha256/$m")" = "$ldg" ] && echo "$m"; done)
is "$(jq -c '[.artifactType, .config.mediaType, .config.data, (.layers | length), .layers[0].annotations["org.opencontainers.image.title"]]' "$O/blobs/sha256/$sref")" \
	'["application/vnd.cyclonedx+json","application/vnd.oci.empty.v1+json","e30=",1,"sbom.cdx.json"]' \
	"latest's SBOM referrer: artifactType, the empty config, one layer"
LS=$O/blobs/sha256/$(jq -r '.layers[0].digest[7:]' "$O/blobs/sha256/$sref")
is "$(jq -r '[.metadata.component.type, .metadata.component.hashes[0].content, ([.components[] | select(.type == "file") | .name] | join(",")), (.components[] | select(.type == "application") | .components | length)] | join(" ")' "$LS")" \
	"container ${ldg#sha256:} /usr/bin/qus $nemu" "... its SBOM: the image by its digest, qus, and every emulator within the package"
is "$(jq -r '.components[] | select(.name == "/usr/bin/qus") | .hashes[0].content' "$LS")" "$(sha256sum "$QUS_STATIC" | cut -d' ' -f1)" \
	"... qus with its SHA-256"
if node "$QUS_ROOT/tests/lib/validate-cdx.js" "$LS" >/dev/null 2>&1 || [ $? = 1 ]; then
	mkdir -p "$tmp/sboms"
	for m in $(jq -r '.manifests[] | select(.artifactType == "application/vnd.cyclonedx+json") | .digest[7:]' "$O/index.json"); do
		cp "$O/blobs/sha256/$(jq -r '.layers[0].digest[7:]' "$O/blobs/sha256/$m")" "$tmp/sboms/$m.json"
	done
	run node "$QUS_ROOT/tests/lib/validate-cdx.js" "$tmp/sboms"/*.json
	rc_is 0 "every image's SBOM ($nimg) passes CycloneDX's own validator"
else
	skip "CycloneDX validation of the images' SBOMs" "no @cyclonedx/cyclonedx-library (setup.sh fixtures)"
fi
for t in latest "$ver" register aarch64 "aarch64-$ver" x86_64-aarch64 "x86_64-aarch64-$ver" s390x; do
	like "$tags" "$t" "tag $t exists"
done
is "$(cat "$O/oci-layout")" '{"imageLayoutVersion":"1.0.0"}' "oci-layout"
run sh -c "cd '$O/blobs/sha256' && for f in *; do echo \"\$f  \$f\"; done | sha256sum -c --quiet"
rc_is 0 "every blob is named by its SHA-256"
run skopeo inspect "oci:$O:latest"
rc_is 0 "skopeo inspect oci:...:latest"
is "$(jq -r '[.Architecture, .Os, (.Layers | length)] | @csv' <<<"$out")" "\"amd64\",\"linux\",$((nemu + 1))" \
	"latest: amd64/linux, qus and every emulator as layers ($((nemu + 1)))"
latest_layers=$(jq -r '.Layers[]' <<<"$out")
is "$(skopeo inspect --config "oci:$O:latest" | jq -c .config.Entrypoint)" '["/usr/bin/qus"]' "latest: the entrypoint is qus"
is "$(skopeo inspect --config "oci:$O:register" | jq -c .config.Entrypoint)" '["/usr/bin/qus"]' "register: the entrypoint is qus"
# No arguments: tonistiigi/binfmt's status (docker/setup-qemu-action's last call).
for t in latest "$ver" register; do
	is "$(skopeo inspect --config "oci:$O:$t" | jq -c .config.Cmd)" '["binfmt"]' "$t: given no arguments, it runs qus binfmt"
done
is "$(skopeo inspect --config "oci:$O:aarch64" | jq -c '[.config.Entrypoint, .config.Cmd]')" '[null,null]' \
	"aarch64: neither entrypoint nor cmd (FROM-scratch style)"
reg_layers=$(skopeo inspect "oci:$O:register" | jq -r '.Layers[]')
is "$(wc -l <<<"$reg_layers")" 1 "register: one layer"
is "$reg_layers" "$(head -1 <<<"$latest_layers")" "register's layer is latest's first (shared: stored once)"
a64=$(skopeo inspect "oci:$O:aarch64" | jq -r '.Layers[]')
like "$latest_layers" "$a64" "aarch64's layer is one of latest's (shared)"
is "$(skopeo inspect "oci:$O:x86_64-aarch64-$ver" | jq -r '.Layers[]')" "$a64" "x86_64-aarch64-$ver: the same image"
# The layer's compressed data is the release tarball's second gzip member,
# reused rather than compressed again: the two files end with the same bytes.
check "aarch64's layer reuses the release tarball's compressed data" \
	cmp <(tail -c 65536 "$O/blobs/sha256/${a64#sha256:}") <(tail -c 65536 "$R/x86_64_qemu-aarch64-static.tar.gz")
is "$(jq -r '.annotations["org.opencontainers.image.version"]' "$O/blobs/sha256/$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "latest") | .digest | ltrimstr("sha256:")' "$O/index.json")")" \
	"$pkgver" "latest's manifest carries the package version as an annotation"
rm -rf "$tmp/bundle"
run umoci unpack --image "$O:aarch64" "$tmp/bundle"
rc_is 0 "umoci unpack of the aarch64 image"
is "$(cd "$tmp/bundle/rootfs" && find . -type f)" "./usr/bin/qemu-aarch64-static" "... holds only usr/bin/qemu-aarch64-static"
check "... the package's emulator, byte for byte" cmp "$tmp/bundle/rootfs/usr/bin/qemu-aarch64-static" "$R/qemu-aarch64-static"
rm -rf "$tmp/bundle"
umoci unpack --image "$O:latest" "$tmp/bundle" >/dev/null 2>&1
is "$(count_files "$tmp/bundle/rootfs/usr/bin"/*)" $((nemu + 1)) "umoci unpack of latest: qus and every emulator"
check "... qus is the static one given" cmp "$tmp/bundle/rootfs/usr/bin/qus" "$QUS_STATIC"
run "$QB" images -o "$tmp/a" --qus "$QUS_ROOT/build-asan/qus"
rc_is 1 "images with a qus that is not static: exit 1"
like "$err" "it is not static" "... says so"
run "$QB" images -o "$tmp/a"
rc_is 1 "images without --qus: exit 1"
like "$err" "give --qus FILE" "... says what to give"

# Two hosts: the Debian packages for amd64 and arm64, and a static qus for each
# (build-static-arm64: cross-compiled).  Every tag but HOST-T is an image index.
DEB64=$FIXTURES/pkg/qemu-user-static_arm64.deb
QA64=$QUS_ROOT/build-static-arm64/qus
if [ -s "$DEB64" ] && [ -x "$QA64" ]; then
	run "$QB" extract -q -o "$tmp/m" "$DEB" "$DEB64"
	rc_is 0 "extract of the amd64 and arm64 packages"
	run "$QB" images -q -o "$tmp/m" --qus "amd64=$QUS_STATIC" --qus "arm64=$QA64"
	rc_is 0 "images for two hosts"
	for t in latest register s390x "s390x-$ver"; do
		is "$(skopeo inspect --raw "oci:$tmp/m/oci:$t" | jq -c '[.mediaType, [.manifests[].platform.architecture]]')" \
			'["application/vnd.oci.image.index.v1+json",["amd64","arm64"]]' "$t: an image index for amd64 and arm64"
	done
	is "$(skopeo inspect --override-arch arm64 "oci:$tmp/m/oci:latest" | jq -r .Architecture)" arm64 \
		"an arm64 client gets the arm64 image of latest"
	is "$(skopeo inspect "oci:$tmp/m/oci:aarch64-s390x" | jq -r .Architecture)/$(skopeo inspect "oci:$tmp/m/oci:x86_64-s390x" | jq -r .Architecture)" \
		arm64/amd64 "HOST-T tags are one platform each (aarch64-s390x, x86_64-s390x)"
	run "$QB" images -q -o "$tmp/m" --qus "$QUS_STATIC"
	rc_is 1 "two hosts but a qus for amd64 only: exit 1"
	like "$err" "no static qus for arm64" "... names the host without one"
else
	skip "qus-build for two hosts" "needs $DEB64 and $QA64 (setup.sh downloads and cross-builds them)"
fi

# Reproducible: another run, another directory, the same bytes.
"$QB" -q -o "$tmp/b" --qus "$QUS_STATIC" "$DEB"
check "a second run gives identical SHA256SUMS" cmp "$tmp/a/releases/SHA256SUMS" "$tmp/b/releases/SHA256SUMS"
check "... and identical tarballs" cmp "$tmp/a/releases/qemu-arm-static.tar.gz" "$tmp/b/releases/qemu-arm-static.tar.gz"
check "... and an identical OCI index (every digest the same)" cmp "$tmp/a/oci/index.json" "$tmp/b/oci/index.json"
check "... and the same blobs" diff <(ls "$tmp/a/oci/blobs/sha256") <(ls "$tmp/b/oci/blobs/sha256")
check "... and identical SBOM and provenance of the release files" sh -c "cmp '$tmp/a/releases/sbom.cdx.json' '$tmp/b/releases/sbom.cdx.json' && cmp '$tmp/a/releases/provenance.intoto.json' '$tmp/b/releases/provenance.intoto.json'"
SOURCE_DATE_EPOCH=1700000001 "$QB" extract -q -o "$tmp/c" "$DEB"
"$QB" tarballs -q -o "$tmp/c"
check "another SOURCE_DATE_EPOCH, other tarballs" sh -c "! cmp -s '$tmp/a/releases/qemu-arm-static.tar.gz' '$tmp/c/releases/qemu-arm-static.tar.gz'"

# Stages alone: extract, then tarballs from what extract left.
run "$QB" extract -q -o "$tmp/s" "$DEB"
rc_is 0 "qus-build extract: exit 0"
check "... writes extract/$ver/amd64, not releases/" sh -c "[ -d '$tmp/s/extract/$ver/amd64' ] && [ ! -e '$tmp/s/releases' ]"
run "$QB" tarballs -q -o "$tmp/s"
rc_is 0 "qus-build tarballs: exit 0"
check "... the same release files as the whole pipeline" cmp "$tmp/a/releases/SHA256SUMS" "$tmp/s/releases/SHA256SUMS"
# Images without release files compress the layers themselves: other bytes,
# the same content (the configs' diff_ids).
"$QB" extract -q -o "$tmp/s2" "$DEB"
run "$QB" images -q -o "$tmp/s2" --qus "$QUS_STATIC"
rc_is 0 "qus-build images with no releases/: exit 0"
is "$(skopeo inspect --config "oci:$tmp/s2/oci:aarch64" | jq -c .rootfs.diff_ids)" \
	"$(skopeo inspect --config "oci:$O:aarch64" | jq -c .rootfs.diff_ids)" "... the same layer content as with them"
run "$QB" tarballs -o "$tmp/empty"
rc_is 1 "tarballs with nothing extracted: exit 1"
like "$err" "run qus-build extract first" "... says what to do"
run "$QB" --help
is "$out" "$(cat "$GOLDEN/qus-build-help.txt")" "qus-build --help matches tests/golden/qus-build-help.txt"
run "$QB"
rc_is 2 "no package: usage error 2"
run "$QB" --frobnicate x.deb
rc_is 2 "unknown option: usage error 2"

# --- RPM: Fedora's per-target packages, built here around the real emulators ------------
# mkrpm TARGET VERSION RELEASE: qemu-user-static-TARGET, zstd payload like Fedora's.
mkrpm() {
	local t=$1 v=$2 rel=$3 top=$tmp/rpm
	mkdir -p "$top/src"
	cp "$tmp/a/releases/qemu-$t-static" "$top/src/"
	cat >"$top/$t-$v.spec" <<EOF_SPEC
Name: qemu-user-static-$t
Version: $v
Release: $rel
Summary: QEMU user-mode emulation for $t (test package)
License: GPL-2.0-only
BuildArch: x86_64
%define _binary_payload w19.zstdio
%define __strip /bin/true
%define _build_id_links none
%description
A test package around Debian's qemu-$t-static.
%install
mkdir -p %{buildroot}/usr/bin
cp %{_sourcedir}/qemu-$t-static %{buildroot}/usr/bin/
%files
/usr/bin/qemu-$t-static
EOF_SPEC
	rpmbuild -bb --define "_topdir $top/top" --define "_sourcedir $top/src" \
		"$top/$t-$v.spec" >"$top/build.log" 2>&1 || { diag "$(tail -5 "$top/build.log")"; return 1; }
	ls "$top"/top/RPMS/x86_64/qemu-user-static-"$t"-"$v"-"$rel".x86_64.rpm
}
if command -v rpmbuild >/dev/null; then
	r1=$(mkrpm s390x 7.2.0 5.fc38) && r2=$(mkrpm aarch64 7.2.0 5.fc38) && r3=$(mkrpm riscv64 7.2.1 1.fc38)
	check "rpmbuild made per-target packages" test -s "$r1" -a -s "$r2" -a -s "$r3"
	is "$(rpm -qp --qf '%{PAYLOADCOMPRESSOR}' "$r1" 2>/dev/null)" zstd "... with a zstd payload, as Fedora's"
	run "$QB" -q -o "$tmp/r" --qus "$QUS_STATIC" "$r1" "$r2"
	rc_is 0 "qus-build on two per-target RPMs: exit 0"
	is "$(jq -r '[.package, .version, .tag, .arch, .host, ([.emulators[].file] | join(" "))] | @csv' "$tmp/r/extract/7.2.0-5.fc38/amd64/package.json")" \
		'"qemu-user-static-s390x","7.2.0-5.fc38","7.2.0-5.fc38","amd64","x86_64","qemu-s390x-static qemu-aarch64-static"' \
		"both go into extract/7.2.0-5.fc38/amd64: name, version-release, arch from the RPM headers"
	run sh -c "cd '$tmp/r/releases' && sha256sum -c --quiet SHA256SUMS"
	rc_is 0 "... their release files check out"
	check "... the emulator from the RPM is the original, byte for byte" cmp "$tmp/r/releases/qemu-aarch64-static" "$R/qemu-aarch64-static"
	like "$(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"] // empty' "$tmp/r/oci/index.json")" "aarch64-7.2.0-5.fc38" \
		"... and images tagged with the RPM's version"
	run "$QB" -q -o "$tmp/r2" --qus "$QUS_STATIC" "$r1" "$r3"
	rc_is 0 "RPMs of two versions for one host: each version apart"
	is "$(cd "$tmp/r2/extract" && echo */*)" "7.2.0-5.fc38/amd64 7.2.1-1.fc38/amd64" "... in extract/VERSION/amd64"
	tags=$(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"] // empty' "$tmp/r2/oci/index.json")
	like "$tags" "s390x-7.2.0-5.fc38" "... the older version keeps its tags"
	is "$(grep -cx 'riscv64\|s390x\|latest' <<<"$tags")/$(grep -c '^s390x$' <<<"$tags")" "2/0" \
		"... the tags without a version are the newest version's (7.2.1 has riscv64, no s390x)"
	run "$QB" extract -q -o "$tmp/r3" "$r1" "$r1"
	rc_is 1 "the same emulator in two packages: refused"
	like "$err" "a second member of that name in the packages given" "... saying so"
else
	skip "qus-build on RPMs" "rpmbuild is not installed (setup.sh installs rpm)"
fi

# --- hostile packages ------------------------------------------------------------------
# A .deb from a data tree: mkdeb NAME DIR [TAR-OPTIONS...] -> $tmp/NAME.deb
mkdeb() {
	local name=$1 dir=$2 w=$tmp/mk-$1
	shift 2
	mkdir -p "$w"
	printf '2.0\n' >"$w/debian-binary"
	printf 'Package: qemu-user-static\nVersion: 1:9.9-1\nArchitecture: amd64\n' >"$w/control"
	tar -C "$w" -czf "$w/control.tar.gz" ./control
	tar -C "$dir" --owner=0 --group=0 "$@" -czf "$w/data.tar.gz" .
	(cd "$w" && ar rc "$tmp/$name.deb" debian-binary control.tar.gz data.tar.gz)
}
good=$tmp/tree-good
mkdir -p "$good/usr/bin"
cp "$tmp/usr/bin/qemu-s390x-static" "$good/usr/bin/"
mkdeb good "$good"
run "$QB" extract -q -o "$tmp/g" "$tmp/good.deb"
rc_is 0 "a well-formed package made here is accepted (the fixtures below differ in one thing)"

# The documents follow the package: one byte of its emulator changed, other digests.
gx=$tmp/tree-good-x && mkdir -p "$gx/usr/bin" && cp "$good/usr/bin/qemu-s390x-static" "$gx/usr/bin/"
printf 'x' | dd of="$gx/usr/bin/qemu-s390x-static" bs=1 seek=4000 conv=notrunc status=none
mkdeb goodx "$gx"
"$QB" extract -q -o "$tmp/gx" "$tmp/goodx.deb" && "$QB" tarballs -q -o "$tmp/gx"
"$QB" extract -q -o "$tmp/g1" "$tmp/good.deb" && "$QB" tarballs -q -o "$tmp/g1"
dep() { jq -r "$2" "$tmp/$1/releases/provenance.intoto.json"; }
check "a package with one byte changed: another package digest in the provenance" \
	[ "$(dep g1 '.predicate.buildDefinition.resolvedDependencies[0].digest.sha256')" != "$(dep gx '.predicate.buildDefinition.resolvedDependencies[0].digest.sha256')" ]
check "... another emulator digest (byproduct)" \
	[ "$(dep g1 '.predicate.runDetails.byproducts[0].digest.sha256')" != "$(dep gx '.predicate.runDetails.byproducts[0].digest.sha256')" ]
check "... other SBOM" sh -c "! cmp -s '$tmp/g1/releases/sbom.cdx.json' '$tmp/gx/releases/sbom.cdx.json'"
# Where the package came from: tools/qus-fetch's PACKAGE.origin, if its SHA-256 is the package's.
cp "$tmp/good.deb" "$tmp/o.deb"
printf '{"suite":"bookworm","url":"http://deb.example/pool/o.deb","sha256":"%s"}\n' "$(sha256sum "$tmp/o.deb" | cut -d' ' -f1)" >"$tmp/o.deb.origin"
run "$QB" -q -o "$tmp/o" --qus "$QUS_STATIC" "$tmp/o.deb"
is "$(jq -r '.predicate.buildDefinition.resolvedDependencies[0] | [.annotations.suite, .downloadLocation] | join(" ")' "$tmp/o/releases/provenance.intoto.json")" \
	"bookworm http://deb.example/pool/o.deb" "PACKAGE.origin: the suite and URL in the provenance"
is "$(jq -r '.components[0] | [(.properties[] | select(.name == "qus:suite") | .value), .externalReferences[0].url] | join(" ")' "$tmp/o/releases/sbom.cdx.json")" \
	"bookworm http://deb.example/pool/o.deb" "... and in the SBOM"
before=$(find "$tmp/o" -type f -printf '%i %T@ %p\n' | sort)
run "$QB" -q -o "$tmp/o" --qus "$QUS_STATIC" "$tmp/o.deb"
is "$(find "$tmp/o" -type f -printf '%i %T@ %p\n' | sort)" "$before" "... a rebuild with nothing changed rewrites nothing, referrers and documents included"
cp "$tmp/goodx.deb" "$tmp/o.deb"
run "$QB" extract -o "$tmp/o2" "$tmp/o.deb"
like "$err" "o.deb.origin: not the origin of $tmp/o.deb" "an .origin of another file is ignored, said"
is "$(jq -r '.sources[0].suite // "none"' "$tmp/o2/extract/9.9-1/amd64/package.json")" none "... no suite recorded"
# qus-build verify: rebuild from the package, compare every digest.
run "$QB" verify "$tmp/o/releases/provenance.intoto.json" "$tmp/good.deb"
rc_is 0 "qus-build verify: the package rebuilds to every digest of the provenance"
like "$err" "all 4 digests match" "... all 4 (the emulator, its 3 release files) said"
p=$(jq -r '.manifests[] | select(.artifactType == "application/vnd.in-toto+json") | .digest[7:]' "$tmp/o/oci/index.json" | head -1)
run "$QB" verify "$tmp/o/oci/blobs/sha256/$(jq -r '.layers[0].digest[7:]' "$tmp/o/oci/blobs/sha256/$p")" "$tmp/good.deb" "$QUS_STATIC"
rc_is 0 "... and the images' provenance, given the package and qus"
run "$QB" verify "$tmp/o/releases/provenance.intoto.json" "$tmp/goodx.deb"
rc_is 1 "... another package of the same name and version: exit 1"
like "$err" "goodx.deb: SHA-256 " "... the package's digest said"
like "$err" "verify: extract/9.9-1/amd64/qemu-s390x-static differs" "... and the emulator that differs named"
jq '.predicate.runDetails.byproducts[0].digest.sha256 |= ("0" + .[1:])' "$tmp/o/releases/provenance.intoto.json" >"$tmp/bad.json"
run "$QB" verify "$tmp/bad.json" "$tmp/good.deb"
rc_is 1 "a provenance whose emulator digest differs from the rebuild: exit 1"
is "$(grep -c 'differs' <<<"$err")" 1 "... one line"
like "$err" "extract/9.9-1/amd64/qemu-s390x-static differs: the rebuild's SHA-256 is" "... naming the file"
run "$QB" verify "$tmp/o/releases/provenance.intoto.json"
rc_is 2 "verify without packages: usage error"
run "$QB" verify "$tmp/o/releases/provenance.intoto.json" "$QUS_STATIC"
rc_is 1 "verify with a file the provenance does not name: exit 1"
like "$err" "not a package or qus the provenance names" "... said"
echo '{}' >"$tmp/notprov.json"
run "$QB" verify "$tmp/notprov.json" "$tmp/good.deb"
rc_is 1 "verify of something that is not a provenance: exit 1"
like "$err" "not a provenance of qus-build" "... said"

refused() { # NAME WHAT: the package is refused, the member and reason named, nothing left
	local name=$1 what=$2
	rm -rf "$tmp/out"
	run "$QB" extract -q -o "$tmp/out" "$tmp/$name.deb"
	if [ "$rc" = 1 ]; then ok "$name: refused, exit 1"; else not_ok "$name: refused, exit 1"; show_run; fi
	like "$err" "$what" "$name: the message says $what"
	is "$(wc -l <<<"$err")" 1 "$name: in one line"
	is "$(cd "$tmp/out" 2>/dev/null && find . -mindepth 2 | sort)" "" "$name: nothing left in the output directory"
}

t=$tmp/tree-traversal && mkdir -p "$t/usr/bin" && cp "$good/usr/bin/qemu-s390x-static" "$t/usr/bin/"
mkdeb traversal "$t" --transform 's,^\./usr/bin/qemu,./usr/bin/../../../../tmp/qemu,'
refused traversal "its path leaves the package's tree"
t=$tmp/tree-abs && mkdir -p "$t/usr/bin" && cp "$good/usr/bin/qemu-s390x-static" "$t/usr/bin/"
mkdeb absolute "$t" --absolute-names --transform 's,^\./,/,'
refused absolute "its path leaves the package's tree"
t=$tmp/tree-link && mkdir -p "$t/usr/bin" && ln -s /etc/passwd "$t/usr/bin/qemu-s390x-static"
mkdeb symlink "$t"
refused symlink "a link to etc/passwd, which is in none of the packages given"
t=$tmp/tree-dev && mkdir -p "$t/usr/bin" "$t/dev" && cp "$good/usr/bin/qemu-s390x-static" "$t/usr/bin/"
mknod "$t/dev/sda" b 8 0
mkdeb device "$t"
refused device "a device node or special file"
t=$tmp/tree-suid && mkdir -p "$t/usr/bin" && cp "$good/usr/bin/qemu-s390x-static" "$t/usr/bin/"
chmod 4755 "$t/usr/bin/qemu-s390x-static"
mkdeb setuid "$t"
refused setuid "set-user/group-id bits"
t=$tmp/tree-dyn && mkdir -p "$t/usr/bin" && cp /bin/true "$t/usr/bin/qemu-s390x-static"
mkdeb dynamic "$t"
refused dynamic "not static: it names a dynamic loader"
t=$tmp/tree-arch && mkdir -p "$t/usr/bin" && cp "$(busybox_path arm64)" "$t/usr/bin/qemu-s390x-static"
mkdeb wrongarch "$t"
refused wrongarch "not an executable of the package's architecture"
t=$tmp/tree-big && mkdir -p "$t/usr/bin" && truncate -s 600M "$t/usr/bin/qemu-s390x-static"
mkdeb oversized "$t"
refused oversized "is not that of an emulator"
# Truncated: the data member cut short inside the emulator.
w=$tmp/mk-good
head -c 2000000 "$w/data.tar.gz" >"$tmp/cut.tar.gz"
mkdir -p "$tmp/mk-trunc" && cp "$w/debian-binary" "$w/control.tar.gz" "$tmp/mk-trunc/"
cp "$tmp/cut.tar.gz" "$tmp/mk-trunc/data.tar.gz"
(cd "$tmp/mk-trunc" && ar rc "$tmp/truncated.deb" debian-binary control.tar.gz data.tar.gz)
refused truncated "truncated"
# The same with data.tar.xz (decoded by liblzma on every core, not libarchive):
# cut short, and one byte changed in the middle.
mkxz() { # NAME: $tmp/NAME.deb from $tmp/NAME.tar.xz
	mkdir -p "$tmp/mk-$1" && cp "$w/debian-binary" "$w/control.tar.gz" "$tmp/mk-$1/"
	mv "$tmp/$1.tar.xz" "$tmp/mk-$1/data.tar.xz"
	(cd "$tmp/mk-$1" && ar rc "$tmp/$1.deb" debian-binary control.tar.gz data.tar.xz)
}
tar -C "$good" --owner=0 --group=0 -cf - . | xz -T2 --block-size=1MiB >"$tmp/xzgood.tar.xz"
mkxz xzgood
run "$QB" extract -q -o "$tmp/xg" "$tmp/xzgood.deb"
rc_is 0 "a package with a multi-block data.tar.xz is accepted"
check "... and its emulator extracted byte for byte" cmp "$tmp/xg/extract/9.9-1/amd64/qemu-s390x-static" "$good/usr/bin/qemu-s390x-static"
tar -C "$good" --owner=0 --group=0 -cf - . | xz -T2 --block-size=1MiB | head -c 1500000 >"$tmp/xzcut.tar.xz"
mkxz xzcut
refused xzcut "xz data is truncated"
tar -C "$good" --owner=0 --group=0 -cf - . | xz -T2 --block-size=1MiB >"$tmp/xzbad.tar.xz"
printf '\xff' | dd of="$tmp/xzbad.tar.xz" bs=1 seek=1000000 conv=notrunc status=none
mkxz xzbad
refused xzbad "xz data is corrupt"
# A bomb, scaled down: 64 MiB of zeros (64 KiB compressed) against a 16 MiB limit.
t=$tmp/tree-bomb && mkdir -p "$t/usr/bin" "$t/usr/share" && cp "$good/usr/bin/qemu-s390x-static" "$t/usr/bin/"
truncate -s 64M "$t/usr/share/zeros"
mkdeb bomb "$t"
rm -rf "$tmp/out"
run "$QB" extract -q --max-unpacked 16 -o "$tmp/out" "$tmp/bomb.deb"
rc_is 1 "a package inflating beyond --max-unpacked 16: refused"
like "$err" "more than 16777216 bytes uncompressed (a decompression bomb?)" "... as a decompression bomb"
is "$(cd "$tmp/out" && find . -mindepth 2)" "" "... nothing left"
run "$QB" extract -q -o "$tmp/out" "$tmp/bomb.deb"
rc_is 0 "... the same package within the default limit (4096 MiB): accepted"
run "$QB" extract --max-unpacked 0 -o "$tmp/out" "$tmp/bomb.deb"
rc_is 2 "--max-unpacked 0: usage error"
# A control file over 1 MiB: refused with its name (found by fuzz_pkg: the
# name was read after its archive had been freed).
w2=$tmp/mk-bigctl && mkdir -p "$w2" && printf '2.0\n' >"$w2/debian-binary"
head -c 1100000 /dev/zero | tr '\0' x >"$w2/control"
tar -C "$w2" -czf "$w2/control.tar.gz" ./control && cp "$w/data.tar.gz" "$w2/"
(cd "$w2" && ar rc "$tmp/bigctl.deb" debian-binary control.tar.gz data.tar.gz)
refused bigctl "./control: control file larger than 1048576 bytes"
printf 'not a package at all\n' >"$tmp/junk.deb"
refused junk "junk.deb"
# A refused package leaves an earlier good extraction as it was.
run "$QB" extract -q -o "$tmp/g" "$tmp/setuid.deb"
check "a refused package leaves the earlier extract/9.9-1/amd64 untouched" \
	cmp "$tmp/g/extract/9.9-1/amd64/qemu-s390x-static" "$good/usr/bin/qemu-s390x-static"
is "$(cd "$tmp/g/extract" && find . -mindepth 1 | sort | tr '\n' ' ')" \
	"./9.9-1 ./9.9-1/amd64 ./9.9-1/amd64/package.json ./9.9-1/amd64/qemu-s390x-static " \
	"... and no temporary directory behind"

# package.json is read back by the later stages: what would name a file or
# a tag outside the output (found while writing fuzz_pkgjson) is refused.
for edit in '.host = "../../escape"' '.tag = "../x"' '.emulators += .emulators' \
	'.emulators[0].file = "../../etc/passwd"'; do
	rm -rf "$tmp/h" && cp -a "$tmp/g" "$tmp/h"
	jq "$edit" "$tmp/g/extract/9.9-1/amd64/package.json" >"$tmp/h/extract/9.9-1/amd64/package.json"
	run "$QB" tarballs -q -o "$tmp/h"
	rc_is 1 "package.json with $edit: refused"
	like "$err" "extract/9.9-1/amd64/package.json: not as qus-build extract writes it" "... in one line naming the file"
	is "$(ls -A "$tmp/h")" extract "... and nothing written"
	is "$(find "$tmp" -name 'escape*' -o -name 'x_*' | wc -l)" 0 "... outside the output either"
done

done_testing

# Trust, end to end, with a real registry: qus-build's images and their
# SBOM and provenance referrers published to Debian's docker-registry on
# 127.0.0.1 by tools/qus-publish --sign with a fresh cosign key pair
# (cosign 3 and oras from sid, fetched by setup.sh).  Every tag's image and
# each platform's manifest verify with the public key; both attestations
# verify and their payloads name the package's SHA-256; an unrelated key, an
# unsigned image and a changed byte fail; oras discover finds both
# documents on the registry; the SBOMs pass CycloneDX's own validator; and
# qus-build verify rebuilds from the real package and from a provenance
# fetched from the registry, and names the emulator that differs.
# Two builds: Debian 12's real qemu-user-static (one host, 35 images), and
# a small two-host one made here (one emulator per host), whose tags are
# image indexes.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/podman.sh
. "$QUS_ROOT/tests/lib/podman.sh"

QB=$QUS_ROOT/build-rel/qus-build
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
DEB64=$FIXTURES/pkg/qemu-user-static_arm64.deb
QA64=$QUS_ROOT/build-static-arm64/qus
TOOLS=/var/cache/qus-tests/trust/root/usr/bin
export COSIGN=$TOOLS/cosign ORAS=$TOOLS/oras
need=
for c in docker-registry skopeo curl jq node dpkg-deb; do command -v "$c" >/dev/null || need+=" $c"; done
for f in "$COSIGN" "$ORAS" "$QB" "$QUS_STATIC" "$QA64"; do [ -x "$f" ] || need+=" $f"; done
for f in "$DEB" "$DEB64"; do [ -s "$f" ] || need+=" $f"; done
node "$QUS_ROOT/tests/lib/validate-cdx.js" >/dev/null 2>&1 || need+=" @cyclonedx/cyclonedx-library"
if [ "$(id -u)" != 0 ] || [ -n "$need" ]; then
	skip "trust" "needs root, the registry, cosign and oras (setup.sh fixtures), build-rel/qus-build, the static qus of amd64 and arm64 and CycloneDX's library${need:+; missing:$need}"
	done_testing
	exit 0
fi
W=$(mktemp -d)
REG_PID=
cleanup() {
	[ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null && wait "$REG_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
# cosign keeps its TUF cache and key prompts below HOME: the suite's own.
export HOME=$W/home COSIGN_PASSWORD=
mkdir -p "$HOME"
pod_registry_start 5150
port=$REG_PORT
check "docker-registry answers on 127.0.0.1:$port" curl -fso /dev/null "http://127.0.0.1:$port/v2/"
V=(--insecure-ignore-tlog=true --allow-http-registry --allow-insecure-registry)
# Seconds since $1 (date +%s%N), for the figures the suite prints.
since() { local ns=$(($(date +%s%N) - $1)); printf '%d.%02d' $((ns / 1000000000)) $((ns % 1000000000 / 10000000)); }
tag_digest() { jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$1/index.json"; }

# --- the real package: build, documents, rebuild ---------------------------------------------
export SOURCE_DATE_EPOCH=1700000000
mkdir -p "$W/debs"
cp "$DEB" "$W/debs/"
sha=$(sha256sum "$DEB" | cut -d' ' -f1)
# Its origin, as tools/qus-fetch records it beside a download.
printf '{"suite":"bookworm","url":"http://deb.debian.org/debian/pool/main/q/qemu/x.deb","sha256":"%s"}\n' "$sha" \
	>"$W/debs/qemu-user-static_amd64.deb.origin"
t0=$(date +%s%N)
run "$QB" -q -o "$W/dist" --qus "$QUS_STATIC" "$W/debs/qemu-user-static_amd64.deb"
rc_is 0 "qus-build on Debian 12's qemu-user-static"
diag "qus-build took $(since "$t0") s"
O=$W/dist/oci
nref=$(jq '[.manifests[] | select(.artifactType)] | length' "$O/index.json")
nimg=$(jq '[.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]) | .digest] | unique | length' "$O/index.json")
is "$nref" $((2 * nimg)) "the layout has an SBOM and a provenance referrer for each of its $nimg images"
mkdir -p "$W/sboms"
for m in $(jq -r '.manifests[] | select(.artifactType == "application/vnd.cyclonedx+json") | .digest[7:]' "$O/index.json"); do
	cp "$O/blobs/sha256/$(jq -r '.layers[0].digest[7:]' "$O/blobs/sha256/$m")" "$W/sboms/$m.cdx.json"
done
run node "$QUS_ROOT/tests/lib/validate-cdx.js" "$W/sboms"/*.cdx.json "$W/dist/releases/sbom.cdx.json"
rc_is 0 "every image's SBOM and the release files' are valid CycloneDX (the library's own schema and validator)"
is "$(grep -c ': valid CycloneDX 1.6' <<<"$out")" $((nimg + 1)) "... all $((nimg + 1)) of them, CycloneDX 1.6"
P=$W/dist/releases/provenance.intoto.json
is "$(jq -r '.predicate.buildDefinition.resolvedDependencies[0] | [.digest.sha256, .annotations.suite] | join(" ")' "$P")" \
	"$sha bookworm" "the provenance names the package's SHA-256 and the suite its .origin gave"
t0=$(date +%s%N)
run "$QB" verify "$P" "$DEB"
rc_is 0 "qus-build verify releases/provenance.intoto.json on the real package: every digest matches"
like "$err" "digests match" "... said"
diag "verify (release files) took $(since "$t0") s"

# --- publish, signed ---------------------------------------------------------------------------
(cd "$W" && "$COSIGN" generate-key-pair --output-key-prefix qus >/dev/null 2>&1 &&
	"$COSIGN" generate-key-pair --output-key-prefix other >/dev/null 2>&1)
check "two fresh cosign key pairs" test -s "$W/qus.key" -a -s "$W/other.pub"
REPO=127.0.0.1:$port/qus/qemu-user-static
t0=$(date +%s%N)
run "$QUS_ROOT/tools/qus-publish" --insecure --sign "$W/qus.key" "$O" "$REPO"
rc_is 0 "tools/qus-publish --sign pushes, signs and attests"
diag "qus-publish --sign took $(since "$t0") s"
like "$out" "$nref SBOM and provenance referrers of $nimg images pushed with oras" "... the referrers with oras"
like "$out" "$nimg images signed" "... $nimg images signed"
like "$out" "SHA256SUMS signed" "... and SHA256SUMS"
mapfile -t tagrefs < <(jq -r '.manifests[] | .annotations["org.opencontainers.image.ref.name"] // empty' "$O/index.json" | sed "s|^|$REPO:|")
run "$COSIGN" verify --key "$W/qus.pub" "${V[@]}" "${tagrefs[@]}"
rc_is 0 "cosign verify with the public key: every one of the ${#tagrefs[@]} tags"
run "$COSIGN" verify --key "$W/other.pub" "${V[@]}" "$REPO:latest"
check "... an unrelated key fails" [ "$rc" != 0 ]
like "$err" "Error:" "... with cosign's error"
run "$COSIGN" verify-attestation --key "$W/qus.pub" "${V[@]}" --type cyclonedx "$REPO:latest"
rc_is 0 "cosign verify-attestation --type cyclonedx of latest"
sbom=$(head -1 <<<"$out" | jq -r .payload | base64 -d)
is "$(jq -r '.predicate.components[] | select(.type == "application") | .hashes[0].content' <<<"$sbom")" "$sha" \
	"... its SBOM names the package's SHA-256"
is "$(jq -r '.subject[0].digest.sha256' <<<"$sbom")" "$(tag_digest "$O" latest | cut -d: -f2)" "... and is about latest's digest"
run "$COSIGN" verify-attestation --key "$W/qus.pub" "${V[@]}" --type slsaprovenance1 "$REPO:aarch64"
rc_is 0 "cosign verify-attestation --type slsaprovenance1 of aarch64"
head -1 <<<"$out" >"$W/attested.json"
prov=$(jq -r .payload "$W/attested.json" | base64 -d)
is "$(jq -r '.predicate.buildDefinition.resolvedDependencies[0].digest.sha256' <<<"$prov")" "$sha" \
	"... its provenance names the package's SHA-256"
is "$(jq -r '.predicate.runDetails.builder.version["qus-build"]' <<<"$prov")" "$("$QB" --version | cut -d' ' -f2)" \
	"... and qus-build and its version as the builder"
is "$(jq -r '.predicate.runDetails.byproducts | length' <<<"$prov")" \
	"$(jq '.predicate.runDetails.byproducts | length' "$P")" \
	"... every emulator with its digest (cosign kept the whole predicate)"
run "$COSIGN" verify-attestation --key "$W/other.pub" "${V[@]}" --type cyclonedx "$REPO:latest"
check "verify-attestation with an unrelated key fails" [ "$rc" != 0 ]
# An unsigned image pushed to a tag of the same repository: another build's.
SOURCE_DATE_EPOCH=1700000001 "$QB" -q -o "$W/other" --qus "$QUS_STATIC" "$DEB" 2>/dev/null
skopeo copy -q --dest-tls-verify=false "oci:$W/other/oci:register" "docker://$REPO:unsigned"
run "$COSIGN" verify --key "$W/qus.pub" "${V[@]}" "$REPO:unsigned"
check "an unsigned image pushed to a tag fails to verify" [ "$rc" != 0 ]
like "$err" "no signatures found" "... no signatures found"

# --- the registry's referrers --------------------------------------------------------------------
run "$ORAS" discover --plain-http --format json "$REPO:latest"
rc_is 0 "oras discover on the registry"
is "$(jq -r '[(.referrers // .manifests)[].artifactType] | sort | unique | join(" ")' <<<"$out" | tr ' ' '\n' | grep -cx -e application/vnd.cyclonedx+json -e application/vnd.in-toto+json)" 2 \
	"... finds latest's SBOM and provenance"
# The provenance from the registry (oras pull of the referrer), rebuilt with the package and qus.
pd=$(jq -r '[(.referrers // .manifests)[] | select(.artifactType == "application/vnd.in-toto+json")][0].digest' <<<"$out")
run "$ORAS" pull --plain-http -o "$W/pulled" "$REPO@$pd"
rc_is 0 "oras pull of latest's provenance referrer"
t0=$(date +%s%N)
run "$QB" verify "$W/pulled/provenance.intoto.json" "$DEB" "$QUS_STATIC"
rc_is 0 "qus-build verify of the registry's provenance with the package and qus: every digest matches"
diag "verify (images) took $(since "$t0") s"
run "$QB" verify "$W/attested.json" "$DEB" "$QUS_STATIC"
rc_is 0 "... and of cosign verify-attestation's output (a DSSE envelope about one image)"

# --- SHA256SUMS, signed ---------------------------------------------------------------------------
R=$W/dist/releases
is "$(stat -c %a "$R/SHA256SUMS.sigstore.json")" 644 "SHA256SUMS.sigstore.json is beside SHA256SUMS, readable"
run "$COSIGN" verify-blob --key "$W/qus.pub" --bundle "$R/SHA256SUMS.sigstore.json" --insecure-ignore-tlog=true "$R/SHA256SUMS"
rc_is 0 "cosign verify-blob of SHA256SUMS"
run sh -c "cd '$R' && sha256sum -c --quiet SHA256SUMS"
rc_is 0 "... and sha256sum -c checks every release file and both documents"
cp -a "$R" "$W/changed"
printf 'x' | dd of="$W/changed/qemu-arm-static.tar.gz" bs=1 seek=100 conv=notrunc status=none
run sh -c "'$COSIGN' verify-blob --key '$W/qus.pub' --bundle '$W/changed/SHA256SUMS.sigstore.json' --insecure-ignore-tlog=true '$W/changed/SHA256SUMS' && cd '$W/changed' && sha256sum -c --quiet SHA256SUMS"
check "a changed byte in a release file fails the check" [ "$rc" != 0 ]
like "$out" "qemu-arm-static.tar.gz: FAILED" "... naming the file"
sed -i '1s/^./0/' "$W/changed/SHA256SUMS"
run "$COSIGN" verify-blob --key "$W/qus.pub" --bundle "$W/changed/SHA256SUMS.sigstore.json" --insecure-ignore-tlog=true "$W/changed/SHA256SUMS"
check "a changed byte in SHA256SUMS fails its signature" [ "$rc" != 0 ]
run "$COSIGN" verify-blob --key "$W/other.pub" --bundle "$R/SHA256SUMS.sigstore.json" --insecure-ignore-tlog=true "$R/SHA256SUMS"
check "... and so does an unrelated key" [ "$rc" != 0 ]

# --- two hosts, one emulator each: image indexes -------------------------------------------------
# mkdeb ARCH FROM-DEB [BYTE-OFFSET]: a package holding FROM-DEB's qemu-s390x-static (one byte
# changed at the offset if given), the same version.
mkdeb() {
	local d=$W/mk-$1-${3:-0}
	mkdir -p "$d/root/DEBIAN" "$d/root/usr/bin"
	dpkg-deb --fsys-tarfile "$2" | tar -xOf - ./usr/bin/qemu-s390x-static >"$d/root/usr/bin/qemu-s390x-static"
	chmod 755 "$d/root/usr/bin/qemu-s390x-static"
	[ -n "${3:-}" ] && printf 'x' | dd of="$d/root/usr/bin/qemu-s390x-static" bs=1 seek="$3" conv=notrunc status=none
	printf 'Package: qemu-user-static\nVersion: %s\nArchitecture: %s\nMaintainer: qus tests <qus@invalid>\nDescription: test\n' \
		"$(dpkg-deb -f "$2" Version)" "$1" >"$d/root/DEBIAN/control"
	dpkg-deb --root-owner-group -Zgzip -z1 -b "$d/root" "$d/qemu-user-static_$1.deb" >/dev/null
	echo "$d/qemu-user-static_$1.deb"
}
small=$(mkdeb amd64 "$DEB") small64=$(mkdeb arm64 "$DEB64")
run "$QB" -q -o "$W/two" --qus "amd64=$QUS_STATIC" --qus "arm64=$QA64" "$small" "$small64"
rc_is 0 "qus-build for two hosts (one emulator each)"
REPO2=127.0.0.1:$port/qus/two
run "$QUS_ROOT/tools/qus-publish" --insecure --sign "$W/qus.key" "$W/two/oci" "$REPO2"
rc_is 0 "tools/qus-publish --sign of the two-host layout"
mapfile -t platforms < <(for t in latest register s390x; do skopeo inspect --raw "oci:$W/two/oci:$t" | jq -r '.manifests[].digest'; done | sort -u | sed "s|^|$REPO2@|")
is "${#platforms[@]}" 6 "... its latest, register and s390x are indexes of 2 platforms each"
run "$COSIGN" verify --key "$W/qus.pub" "${V[@]}" "$REPO2:latest" "$REPO2:register" "$REPO2:s390x" "${platforms[@]}"
rc_is 0 "cosign verify: every index and each platform's manifest"
run "$ORAS" discover --plain-http --format json "${platforms[0]}"
is "$(jq -r '[(.referrers // .manifests)[].artifactType] | map(select(. == "application/vnd.cyclonedx+json" or . == "application/vnd.in-toto+json")) | length' <<<"$out")" 2 \
	"oras discover finds a platform manifest's own SBOM and provenance"
run "$QUS_ROOT/tools/qus-publish" --insecure --sign "$W/qus.key" "$W/two/oci" "$REPO2"
like "$out" "signed with $W/qus.key already" "publishing again signs nothing twice"
run "$COSIGN" verify --key "$W/qus.pub" "${V[@]}" "$REPO2:latest"
rc_is 0 "... and the signatures are still there"

# --- the rebuild names the emulator that differs ------------------------------------------------
# A provenance of a build whose amd64 emulator has one byte changed, checked against the
# real (unchanged) package: the rebuilt emulator differs from what the provenance says.
changed=$(mkdeb amd64 "$DEB" 1000000)
"$QB" -q -o "$W/twox" --qus "amd64=$QUS_STATIC" --qus "arm64=$QA64" "$changed" "$small64"
V1=$(jq -r .tag "$W/two/extract"/*/amd64/package.json)
run "$QB" verify "$W/twox/releases/provenance.intoto.json" "$small" "$small64"
rc_is 1 "qus-build verify of a provenance whose emulator differs from the rebuild's: exit 1"
like "$err" "verify: extract/$V1/amd64/qemu-s390x-static differs" "... names the emulator that differs"
like "$err" "x86_64_qemu-s390x-static.tar.gz differs" "... and the release file that holds it"
unlike "$err" "arm64/qemu-s390x-static differs" "... not the unchanged one"
is "$(grep -c '^qus-build: verify: .* differs' <<<"$err")" 4 "... one line each (emulator, its tarballs, its plain file)"
run "$QB" verify "$W/two/oci/../releases/provenance.intoto.json" "$small" "$small64"
rc_is 0 "the unchanged provenance verifies"

done_testing

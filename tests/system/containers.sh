# The seeds' container story with our images, a real registry and podman:
# qus-build's images are published to Debian's docker-registry on 127.0.0.1
# and pulled back by podman with the same digests; a foreign container fails
# with "exec format error" until the latest image registers the emulators for
# the host (--reset -p yes), then prints aarch64; the register image alone
# then leaves no F entry.  Podman uses a store of its own in a temporary
# directory; the registry runs from a temporary directory and is stopped; the
# host's binfmt_misc is restored byte for byte (tests/lib/hostguard.sh).
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/podman.sh
. "$QUS_ROOT/tests/lib/podman.sh"

QB=$QUS_ROOT/build-asan/qus-build
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
DEB64=$FIXTURES/pkg/qemu-user-static_arm64.deb
QA64=$QUS_ROOT/build-static-arm64/qus
need=
for c in $POD_TOOLS skopeo docker-registry curl; do command -v "$c" >/dev/null || need+=" $c"; done
if [ "$(id -u)" != 0 ] || [ -n "$need" ] || [ ! -x "$QB" ] || [ ! -s "$DEB" ] || [ ! -s "$DEB64" ] ||
	[ ! -x "$QA64" ] || ! have_fixtures; then
	skip "containers" "needs root, podman, runc, skopeo, docker-registry, curl, qus-build, the arm64 qus and the fixtures (setup.sh)${need:+; missing:$need}"
	done_testing
	exit 0
fi

REG_PID=
pod_extra_cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null && wait "$REG_PID" 2>/dev/null; }
pod_suite_begin

# --- a registry on 127.0.0.1, on a free port -------------------------------------------
pod_registry_start 5055
port=$REG_PORT
check "docker-registry answers on 127.0.0.1:$port" curl -fso /dev/null "http://127.0.0.1:$port/v2/"
REPO=127.0.0.1:$port/qus/qemu-user-static

# --- build, publish, pull back ------------------------------------------------------------
export SOURCE_DATE_EPOCH=1700000000
run "$QB" -q -o "$W/dist" --qus "amd64=$QUS_STATIC" --qus "arm64=$QA64" "$DEB" "$DEB64"
rc_is 0 "qus-build: releases and images for amd64 and arm64 hosts"
run "$QUS_ROOT/tools/qus-publish" --insecure "$W/dist/oci" "$REPO"
rc_is 0 "tools/qus-publish pushes every tag"
ntags=$(jq '[.manifests[] | select(.annotations["org.opencontainers.image.ref.name"])] | length' "$W/dist/oci/index.json")
like "$out" "$ntags tags" "... all $ntags of them"
is "$(curl -fs "http://127.0.0.1:$port/v2/qus/qemu-user-static/tags/list" | jq '.tags | length')" "$ntags" \
	"the registry lists $ntags tags"
digest_of() { jq -r --arg t "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$W/dist/oci/index.json"; }
for t in latest register aarch64; do
	is "sha256:$(skopeo inspect --tls-verify=false --raw "docker://$REPO:$t" | sha256sum | cut -d' ' -f1)" \
		"$(digest_of $t)" "$t: the registry serves the layout's manifest (same digest)"
done
run P pull -q --tls-verify=false "$REPO:latest"
rc_is 0 "podman pulls latest from the registry"
is "$(P image inspect --format '{{.Digest}}' "$REPO:latest")" "$(digest_of latest)" "... with the same digest"
P pull -q --tls-verify=false "$REPO:register" >/dev/null
P pull -q --tls-verify=false "$REPO:aarch64" >/dev/null
P pull -q --tls-verify=false "$REPO:x86_64-aarch64" >/dev/null

# --- the per-target images run their emulator -------------------------------------------
for t in aarch64 x86_64-aarch64; do
	run R --rm --entrypoint /usr/bin/qemu-aarch64-static "$REPO:$t" --version
	like "$out" "qemu-aarch64 version" "qemu-aarch64-static --version runs in $t"
done
run R --rm "$REPO:register" --version
is "$out" "$("$QUS_STATIC" --version)" "the register image's entrypoint is qus"

# --- the seeds' story ----------------------------------------------------------------------
pod_foreign_image localhost/foreign:arm64
[ -e $HG_DIR/register ] || mount -t binfmt_misc binfmt_misc $HG_DIR
"$QUS_STATIC" unregister -q --all
run R --rm localhost/foreign:arm64 /bin/uname -m
like "$err" "exec format error" "nothing registered: the arm64 container fails with 'exec format error'"
run R --rm --privileged "$REPO:latest" --reset -p yes
rc_is 0 "podman run --rm --privileged latest --reset -p yes"
is "$(sed -n 's/^flags: //p' $HG_DIR/qemu-aarch64 2>/dev/null)/$(sed -n 's/^interpreter //p' $HG_DIR/qemu-aarch64 2>/dev/null)" \
	"F//usr/bin/qemu-aarch64-static" "the host now has qemu-aarch64: flags F, interpreter /usr/bin/qemu-aarch64-static"
run R --rm localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "the arm64 container prints aarch64 (the emulator comes from the register container, held open by F)"
# The register image asks that emulator which system calls it lacks, in
# a container that is not privileged and has no binfmt_misc mounted.
run R --rm "$REPO:register" check --syscalls aarch64
rc_is 0 "podman run --rm register check --syscalls aarch64"
like "$out" "qus: 1 target checked, 0 could not be checked" "... the host's emulator asked, from an unprivileged container"
run R --rm --privileged "$REPO:register" --reset
rc_is 0 "podman run --rm --privileged register --reset"
is "$(grep -l '^flags: .*F' $HG_DIR/qemu-* 2>/dev/null | wc -l)" 0 "... leaves no F entry"
run R --rm localhost/foreign:arm64 /bin/uname -m
check "... and without F the arm64 container has no emulator to run" [ "$rc" != 0 ]

# --- a multi-stage build: the emulator copied from a per-target image -------------------
# Registered without F at a path only the image has, so it can come from nowhere else.
mkdir -p "$W/ctx"
printf 'FROM %s AS emu\nFROM localhost/foreign:arm64\nCOPY --from=emu /usr/bin/qemu-aarch64-static /opt/qemu/qemu-aarch64-static\n' \
	"$REPO:aarch64" >"$W/ctx/Containerfile"
run B -t localhost/foreign:arm64-with-qemu "$W/ctx"
rc_is 0 "podman build: FROM the aarch64 image, COPY --from it into the arm64 image"
"$QUS_STATIC" unregister -q --all
"$QUS_STATIC" register -q --no-persistent --qemu-path /opt/qemu arm64 2>/dev/null
is "$(sed -n 's/^flags: //p' $HG_DIR/qemu-aarch64)/$(sed -n 's/^interpreter //p' $HG_DIR/qemu-aarch64)" \
	"PO//opt/qemu/qemu-aarch64-static" "registered without F, at /opt/qemu (absent on the host)"
run R --rm localhost/foreign:arm64-with-qemu /bin/uname -m
is "$out" aarch64 "the image with the copied emulator runs: aarch64"
run R --rm localhost/foreign:arm64 /bin/uname -m
check "... the image without it does not" [ "$rc" != 0 ]

# --- the arm64 variant: pulled as arm64, its qus and emulators run under qus run ---------
run P pull -q --tls-verify=false --arch arm64 "$REPO:latest"
rc_is 0 "podman pull --arch arm64 latest"
is "$(P image inspect --format '{{.Architecture}}' "$REPO:latest")" arm64 "... gives the arm64 image"
ctr=$(P create -q --arch arm64 "$REPO:latest" 2>/dev/null | tail -1)
mkdir -p "$W/arm64"
P cp "$ctr:/usr/bin/qus" "$W/arm64/qus" && P cp "$ctr:/usr/bin/qemu-s390x-static" "$W/arm64/"
P rm -f "$ctr" >/dev/null
is "$("$QUS" detect "$W/arm64/qus" "$W/arm64/qemu-s390x-static" | sed 's,.*/,,')" "qus: aarch64
qemu-s390x-static: aarch64" "its qus and emulators are arm64 programs"
run "$QUS" run -q -- "$W/arm64/qus" --version
is "$out" "$("$QUS_STATIC" --version)" "the arm64 image's qus runs (under qus run)"
run "$QUS" run -q -- "$W/arm64/qemu-s390x-static" "$(busybox_path s390x)" uname -m
is "$out" s390x "its arm64 qemu-s390x-static runs an s390x program (two emulators deep)"

# --- today's QEMU: bookworm, trixie and sid in one layout and one repository -----------------
SID=$FIXTURES/pkg/sid/qemu-user_amd64.deb TRIXIE=$FIXTURES/pkg/trixie/qemu-user_amd64.deb
TRANS=$FIXTURES/pkg/trixie/qemu-user-static_amd64.deb
if [ -s "$SID" ] && [ -s "$TRIXIE" ] && [ -s "$TRANS" ]; then
	REPO2=127.0.0.1:$port/qus/today
	tag_of() { sed -E 's/^[0-9]+://; s/[+~](dfsg|ds)[0-9]*([-+~.]|$)/\2/g; s/[+~]/./g' <<<"$1"; }
	upstream() { sed -E 's/^[0-9]+://; s/[+~-].*//' <<<"$1"; }
	run "$QB" -q -o "$W/today" --qus "$QUS_STATIC" "$DEB" "$TRANS" "$TRIXIE" "$SID"
	rc_is 0 "qus-build: QEMU of bookworm, trixie and sid in one layout"
	run "$QUS_ROOT/tools/qus-publish" --insecure "$W/today/oci" "$REPO2"
	rc_is 0 "... published to $REPO2"
	for deb in "$DEB" "$TRIXIE" "$SID"; do
		v=$(dpkg-deb -f "$deb" Version)
		run P pull -q --tls-verify=false "$REPO2:x86_64-aarch64-$(tag_of "$v")"
		rc_is 0 "podman pulls x86_64-aarch64-$(tag_of "$v")"
		run R --rm --entrypoint /usr/bin/qemu-aarch64-static "$REPO2:x86_64-aarch64-$(tag_of "$v")" --version
		like "$out" "qemu-aarch64 version $(upstream "$v")" "... its emulator is QEMU $(upstream "$v")"
	done
	sidv=$(dpkg-deb -f "$SID" Version)
	P pull -q --tls-verify=false "$REPO2:x86_64-aarch64" >/dev/null
	run R --rm --entrypoint /usr/bin/qemu-aarch64-static "$REPO2:x86_64-aarch64" --version
	like "$out" "qemu-aarch64 version $(upstream "$sidv")" "x86_64-aarch64 (no version) is the newest: $(upstream "$sidv")"
	# The seeds' story with QEMU 11.1's latest image.
	P pull -q --tls-verify=false "$REPO2:latest" >/dev/null
	"$QUS_STATIC" unregister -q --all
	run R --rm localhost/foreign:arm64 /bin/uname -m
	like "$err" "exec format error" "QEMU $(upstream "$sidv"): nothing registered, the arm64 container fails"
	run R --rm --privileged "$REPO2:latest" --reset -p yes
	rc_is 0 "QEMU $(upstream "$sidv"): podman run --rm --privileged latest --reset -p yes"
	is "$(sed -n 's/^interpreter //p' $HG_DIR/qemu-aarch64 2>/dev/null)" /usr/bin/qemu-aarch64-static \
		"... registers the image's /usr/bin/qemu-aarch64-static, as in the seeds"
	run R --rm localhost/foreign:arm64 /bin/uname -m
	is "$out" aarch64 "... and the arm64 container prints aarch64"
	# Which emulator ran it: the file F holds has the size of sid's, not of bookworm's.
	ctr=$(R -d localhost/foreign:arm64 /bin/sleep 60 2>/dev/null)
	pid=$(P inspect --format '{{.State.Pid}}' "$ctr")
	dpkg-deb --fsys-tarfile "$SID" | tar -xOf - ./usr/bin/qemu-aarch64 >"$W/sid-aarch64"
	is "$(stat -Lc %s "/proc/$pid/exe")" "$(stat -c %s "$W/sid-aarch64")" \
		"... run by QEMU $(upstream "$sidv")'s emulator (the file F holds is its size)"
	P rm -f "$ctr" >/dev/null 2>&1
	"$QUS_STATIC" unregister -q --all
else
	skip "today's QEMU in containers" "the trixie and sid fixtures are missing (setup.sh fixtures)"
fi

done_testing

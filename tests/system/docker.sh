# The seeds' client for real: a rootful Docker daemon of the suite's own
# (trixie's dockerd 26.1 on bookworm's containerd and runc: tests/lib/
# docker.sh) runs qus-build's images, loaded with skopeo, and foreign
# images made here (Debian's busybox-static of three architectures, a
# debootstrapped arm64 Debian).  Played, each with its exit status, output
# and entries:
#   - a foreign container fails with "exec format error" before anything
#     is registered;
#   - the seeds' story: `docker run --rm --privileged IMAGE --reset -p yes`,
#     then `docker run --rm -t foreign:arm64 uname -m` prints aarch64, the
#     entry exactly as the seeds show it; the per-target images run their
#     emulator;
#   - BuildKit (`DOCKER_BUILDKIT=1 docker build --platform`, buildx as a
#     CLI plugin) for arm64, s390x and ppc64le: RUN steps run a static C
#     program (tests/docker/runprobe.c) whose output is checked inside each
#     built image;
#   - the seeds' `COPY --from=IMAGE:x86_64-aarch64` Dockerfile under the
#     register image (no F), and the bind-mounted emulator;
#   - docker/setup-qemu-action's calls with docker, judged by its rule,
#     the JSON parsed as it parses it; buildx then lists the platforms;
#   - `docker buildx build --platform` of the three in one build, with the
#     containerd image store (the daemon restarted with it);
# and the host's binfmt_misc byte for byte as before at the end, nothing
# left running or mounted.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/docker.sh
. "$QUS_ROOT/tests/lib/docker.sh"

# The optimized qus-build (setup.sh builds it): what is tested here is Docker.
QB=$QUS_ROOT/build-rel/qus-build
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
MIRROR=${QUS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
QUS_DEB_CACHE=${QUS_DEB_CACHE:-/var/cache/qus-tests/debootstrap}
missing=$(docker_missing rootful)
for c in debootstrap aarch64-linux-gnu-gcc s390x-linux-gnu-gcc powerpc64le-linux-gnu-gcc jq; do
	command -v "$c" >/dev/null || missing+=" $c"
done
if [ "$(id -u)" != 0 ] || [ -n "$missing" ] || [ ! -x "$QB" ] || [ ! -s "$DEB" ] || ! have_fixtures; then
	skip "docker" "needs root, Docker's packages, qus-build, the fixtures and the cross compilers (setup.sh)${missing:+; missing: $missing}"
	done_testing
	exit 0
fi
if [ "$(uname -m)" != x86_64 ]; then
	skip "docker" "the images are built from the amd64 package: an x86_64 host is needed"
	done_testing
	exit 0
fi

W=$(mktemp -d)
chmod 755 "$W"
DEBOOT_PID=
suite_end() {
	[ -n "$DEBOOT_PID" ] && kill "$DEBOOT_PID" 2>/dev/null && wait "$DEBOOT_PID" 2>/dev/null
	dockerd_stop
	hg_restore
	rm -rf "$W"
}
hg_save
trap suite_end EXIT
trap 'suite_end; exit 130' INT TERM
[ -e "$HG_DIR/register" ] || mount -t binfmt_misc binfmt_misc "$HG_DIR"
"$QUS_STATIC" unregister -q --all

# --- a Debian arm64 tree, meanwhile: debootstrap's first stage (no emulator needed) -------
(debootstrap --foreign --arch=arm64 --variant=minbase --cache-dir="$QUS_DEB_CACHE" bookworm \
	"$W/debian" "$MIRROR" >"$W/debootstrap.log" 2>&1 &&
	rm -rf "$W/debian/var/cache/apt/archives/"*.deb) &
DEBOOT_PID=$!

# --- the images, the daemon ------------------------------------------------------------------
export SOURCE_DATE_EPOCH=1700000000
run "$QB" -q -o "$W/dist" --qus "$QUS_STATIC" "$DEB"
rc_is 0 "qus-build: the images"
dockerd_start "$W/d"
check "dockerd $("$DOCKERD" --version | cut -d, -f1 | cut -d' ' -f3) of the suite's own answers on its socket (pid $DOCKERD_PID)" \
	D version
REPO=localhost/qus/qemu-user-static
for t in latest register aarch64 x86_64-aarch64; do
	run docker_load_oci "$W/dist/oci" "$t" "$REPO"
	rc_is 0 "skopeo and docker load: $REPO:$t"
done
is "$(D image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Architecture}}' "$REPO:latest")" \
	'["/usr/bin/qus"] ["binfmt"] amd64' "latest: entrypoint qus, command binfmt, amd64"
for line in arm64:linux/arm64 s390x:linux/s390x ppc64el:linux/ppc64le; do
	docker_busybox_image "${line%%:*}" "${line#*:}" "localhost/busybox:${line#*/}"
done
is "$(D image inspect --format '{{.Os}}/{{.Architecture}}' localhost/busybox:s390x)" linux/s390x \
	"foreign busybox images imported, with their platform"
wait "$DEBOOT_PID"
deboot_rc=$?
DEBOOT_PID=
is "$deboot_rc" 0 "debootstrap --foreign --arch=arm64 --variant=minbase bookworm"
run sh -c "tar -C '$W/debian' -c . | '$DOCKER' -H 'unix://$DKD/docker.sock' import --platform linux/arm64 - localhost/foreign:arm64"
rc_is 0 "... imported as localhost/foreign:arm64 (a Debian arm64 tree: GNU coreutils, glibc)"
rm -rf "$W/debian"

# --- the seeds' story ------------------------------------------------------------------------
run D run --rm -t localhost/foreign:arm64 uname -m
check "nothing registered: 'docker run --rm -t foreign:arm64 uname -m' fails" [ "$rc" != 0 ]
like "$out$err" "exec /usr/bin/uname: exec format error" "... with 'exec format error'"
run D run --rm --privileged "$REPO" --reset -p yes
rc_is 0 "docker run --rm --privileged IMAGE --reset -p yes: exit 0"
is "$(<"$HG_DIR/qemu-aarch64")" "enabled
interpreter /usr/bin/qemu-aarch64-static
flags: F
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff" "cat /proc/sys/fs/binfmt_misc/qemu-aarch64: exactly the seeds' entry"
foreign=$("$QUS_STATIC" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')
is "$(count_files "$HG_DIR"/qemu-*)" "$foreign" "... and an entry for every foreign target ($foreign)"
run D run --rm -t localhost/foreign:arm64 uname -m
is "${out//$'\r'/}" aarch64 "docker run --rm -t foreign:arm64 uname -m: aarch64 (Debian's uname, glibc)"
for line in s390x:s390x ppc64le:ppc64le arm64:aarch64; do
	run D run --rm -t "localhost/busybox:${line%%:*}" /bin/busybox uname -m
	is "${out//$'\r'/}" "${line#*:}" "docker run --rm -t busybox:${line%%:*} uname -m: ${line#*:}"
done
for t in x86_64-aarch64 aarch64; do
	run D run --rm -t "$REPO:$t" /usr/bin/qemu-aarch64-static -version
	like "$out" "qemu-aarch64 version 7.2" "docker run --rm -t IMAGE:$t /usr/bin/qemu-aarch64-static -version"
done

# --- BuildKit: RUN steps of three foreign platforms ------------------------------------------
run docker_runprobes
rc_is 0 "runprobe built static for arm64, s390x and ppc64le (Debian's cross compilers)"
# TARGETARCH is BuildKit's, set for each platform; declared again in the
# stage for COPY (BuildKit 0.13 empties it in FROM if declared before).
cat >"$W/ctx/Dockerfile" <<'EOF'
FROM localhost/busybox:${TARGETARCH}
ARG TARGETARCH
COPY runprobe-${TARGETARCH} /usr/local/bin/runprobe
RUN ["/usr/local/bin/runprobe", "/bin/busybox", "/probe.out"]
RUN /bin/busybox uname -m > /uname.out
EOF
chmod -R a+rX "$W/ctx"
# What a RUN step wrote, read from the image (docker cp from a container never started).
image_file() { # IMAGE FILE [create options]
	local id
	id=$(D create "${@:3}" "$1" /bin/true) || return 1
	D cp "$id:$2" - | tar -xO
	D rm "$id" >/dev/null
}
for arch in arm64 s390x ppc64le; do
	DOCKER_BUILDKIT=1 run D build -q --network none --platform "linux/$arch" -t "localhost/built:$arch" "$W/ctx"
	rc_is 0 "DOCKER_BUILDKIT=1 docker build --platform linux/$arch: RUN steps emulated${err:+ ($(tail -n 3 <<<"$err" | tr '\n' ' '))}"
	is "$(image_file "localhost/built:$arch" /probe.out)" "$(runprobe_expected "$arch")" \
		"... its RUN step ran runprobe: machine, byte order, word size and the CRC-32 of busybox, as written in the image"
done
is "$(image_file localhost/built:s390x /uname.out)" s390x "... and a shell RUN step of s390x wrote s390x"

# --- the register image (no F) and COPY --from ----------------------------------------------
run D run --rm --privileged "$REPO:register" --reset
rc_is 0 "docker run --rm --privileged IMAGE:register --reset: exit 0"
is "$(grep -l '^flags: .*F' "$HG_DIR"/qemu-* 2>/dev/null | wc -l)" 0 "... no entry with F"
run D run --rm -t localhost/foreign:arm64 uname -m
check "... so foreign:arm64 has no emulator: it fails" [ "$rc" != 0 ]
like "$out$err" "exec /usr/bin/uname: no such file or directory" "... with the seeds' 'no such file or directory' (the emulator is what is missing)"
run D run --rm -t -v /usr/bin/qemu-aarch64-static:/usr/bin/qemu-aarch64-static localhost/foreign:arm64 uname -m
is "${out//$'\r'/}" aarch64 "docker run -v /usr/bin/qemu-aarch64-static:/usr/bin/qemu-aarch64-static foreign:arm64 uname -m: aarch64"
# The seeds' Dockerfile as written, with the builder they had (the legacy
# one; Docker 26 still has it): it takes the local arm64 image as it is.
DOCKER_BUILDKIT=0 run D build --rm -t test/integration/ubuntu - <<EOF
FROM $REPO:x86_64-aarch64 as qemu
FROM localhost/foreign:arm64
COPY --from=qemu /usr/bin/qemu-aarch64-static /usr/bin
EOF
rc_is 0 "the seeds' Dockerfile (DOCKER_BUILDKIT=0): FROM IMAGE:x86_64-aarch64 as qemu, COPY --from=qemu /usr/bin/qemu-aarch64-static /usr/bin"
run D run --rm -t test/integration/ubuntu uname -m
is "${out//$'\r'/}" aarch64 "docker run --rm -t test/integration/ubuntu uname -m: aarch64, by the copied emulator"
# BuildKit builds for one platform and looks for each FROM image of it:
# the build is arm64's, the emulator's stage the build host's.
run D build --rm --platform linux/arm64 -t test/integration/ubuntu-bk - <<EOF
FROM --platform=\$BUILDPLATFORM $REPO:x86_64-aarch64 as qemu
FROM localhost/foreign:arm64
COPY --from=qemu /usr/bin/qemu-aarch64-static /usr/bin
EOF
rc_is 0 "... with BuildKit: docker build --platform linux/arm64, FROM --platform=\$BUILDPLATFORM IMAGE:x86_64-aarch64${err:+ ($(grep -m1 ERROR <<<"$err"))}"
run D run --rm -t test/integration/ubuntu-bk uname -m
is "${out//$'\r'/}" aarch64 "... and that image prints aarch64 too"

# --- docker/setup-qemu-action ----------------------------------------------------------------
# Its rule (failed when the exit status is not 0 and standard error is not
# empty), its message, and its JSON.parse(stdout.trim()).
step_passes() { [ "$rc" = 0 ] || [ -z "$err" ]; }
one_json_object() { [ "$(jq -s 'length' <<<"$1" 2>/dev/null)" = 1 ] && [ "$(jq -r type <<<"$1")" = object ]; }
qemu_flags() { (cd "$HG_DIR" && cat qemu-* 2>/dev/null | sed -n 's/^flags: *//p' | sort -u); }
printf ':qus-test-other:M::\\x00QUSTEST\\x01::/bin/false:' >"$HG_DIR/register"
other=$(<"$HG_DIR/qus-test-other")
IMAGE=$REPO:latest
for s in --version "--uninstall qemu-*" "--install all" ""; do
	before=$(hg_state)
	set -f # the action passes qemu-* unexpanded
	# shellcheck disable=SC2086 # the action passes separate words
	run D run --rm --privileged "$IMAGE" $s
	set +f
	check "setup-qemu-action's 'docker run --rm --privileged IMAGE${s:+ $s}' passes${err:+ ($(tail -n 1 <<<"$err"))}" step_passes
	case $s in
	--version) is "$(hg_state)" "$before" "... the host's binfmt_misc unchanged" ;;
	--uninstall*) is "$(count_files "$HG_DIR"/qemu-*)" 0 "... no qemu-* entry left" ;;
	--install*)
		is "$(count_files "$HG_DIR"/qemu-*)" "$foreign" "... an entry for every foreign target ($foreign)"
		is "$(qemu_flags)" OCF "... each with flags CF (O from C), as tonistiigi/binfmt's"
		;;
	"")
		check "... standard output is one JSON object (JSON.parse)" one_json_object "$out"
		platforms=$(jq -r '.supported | join(",")' <<<"$out")
		diag "outputs.platforms: $platforms"
		for p in linux/amd64 linux/arm64 linux/riscv64 linux/ppc64le linux/s390x linux/arm/v7; do
			like ",$platforms," ",$p," "... supported names $p"
		done
		is "$(jq -r '.emulators | index("qus-test-other") != null' <<<"$out")" true "... emulators names every enabled entry, others' too"
		is "$(hg_state)" "$before" "... the host's binfmt_misc unchanged by the status"
		;;
	esac
done
is "$(<"$HG_DIR/qus-test-other")" "$other" "another program's entry is untouched by the action's calls"
echo -1 >"$HG_DIR/qus-test-other"
run D buildx ls
like "$out" "linux/arm64" "docker buildx ls: the builder's platforms include linux/arm64 (BuildKit finds the emulators)"
like "$out" "linux/s390x" "... and linux/s390x"
run D run --rm -t localhost/foreign:arm64 uname -m
is "${out//$'\r'/}" aarch64 "after the action's calls foreign:arm64 prints aarch64"

# --- one build, three platforms: the containerd image store ----------------------------------
run D buildx build -q --network none --platform linux/arm64,linux/s390x,linux/ppc64le -t localhost/multi "$W/ctx"
check "classic image store: a multi-platform build is refused" [ "$rc" != 0 ]
like "$err" "Multi-platform build is not supported for the docker driver" "... as Docker says (the docker driver needs the containerd image store)"
dockerd_stop
echo '{"features": {"containerd-snapshotter": true}}' >"$DKD/daemon.json"
dockerd_start "$DKD"
like "$(D info --format '{{json .DriverStatus}}')" "io.containerd.snapshotter" "dockerd again, with the containerd image store"
for line in arm64:linux/arm64 s390x:linux/s390x ppc64el:linux/ppc64le; do
	docker_busybox_image "${line%%:*}" "${line#*:}" "localhost/busybox:${line#*/}"
done
run D buildx build --network none --platform linux/arm64,linux/s390x,linux/ppc64le -t localhost/multi "$W/ctx"
rc_is 0 "docker buildx build --platform linux/arm64,linux/s390x,linux/ppc64le: one build${err:+ ($(grep -m1 ERROR <<<"$err"))}"
like "$err" "exporting manifest list" "... stored as one image index"
for arch in arm64 s390x ppc64le; do
	is "$(image_file localhost/multi /probe.out --platform "linux/$arch")" "$(runprobe_expected "$arch")" \
		"... its linux/$arch image: RUN ran runprobe there"
done

# --- the end: nothing left --------------------------------------------------------------------
dpid=$DOCKERD_PID
dockerd_stop
gone() { ! kill -0 "$dpid" 2>/dev/null && ! pgrep -f "$W/d/exec" >/dev/null; }
check "dockerd stopped by its pid, and its containerd with it" gone
is "$(grep -c " $W" /proc/self/mountinfo)" 0 "nothing of the daemon is mounted on the host"
"$QUS_STATIC" unregister -q --all
hg_restore
is "$(hg_state)" "$HG_BEFORE" "the host's binfmt_misc is byte for byte as before"

done_testing

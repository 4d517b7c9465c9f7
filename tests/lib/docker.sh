# shellcheck shell=bash
# Docker for the Docker suites (tests/system/docker.sh, docker-rootless.sh):
# trixie's dockerd 26.1, docker CLI and buildx with bookworm's containerd,
# unpacked by setup.sh into build/fixtures/docker and never installed, so
# that a Docker the machine has is never used nor changed.  Every daemon is
# the suite's own: its socket, data root, exec root, pid file and
# configuration file under the suite's directory, no bridge and no
# iptables (--bridge=none --iptables=false: builds then need --network
# none); the suite stops it by its pid.
#
#   DK            the unpacked packages; DOCKER, DOCKERD: the client and daemon
#   DK_PATH       PATH for the daemons: ours first (containerd, docker-init, docker-proxy)
#   docker_paths DIR           the same for a copy of them in DIR
#   docker_missing rootful|rootless  what is missing to run that suite, in words
#   dockerd_start DIR [OPT...] a rootful daemon in DIR; sets DKD and DOCKERD_PID
#   D ARGS...                  the docker client of that daemon (DOCKER_CONFIG in DIR)
#   dockerd_stop               TERM, wait (KILL after 30 s)

# The packages' files under DIR: the fixture, or a copy a user can read.
docker_paths() { # DIR
	DK=$1
	# By path: a docker client elsewhere in PATH (/usr/local/bin) is not ours.
	DOCKER=$DK/usr/bin/docker
	DOCKERD=$DK/usr/sbin/dockerd
	DK_BUILDX=$DK/usr/libexec/docker/cli-plugins/docker-buildx
	DK_ROOTLESS=$DK/usr/share/docker.io/contrib/dockerd-rootless.sh
	DK_PATH=$DK/usr/bin:$DK/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin
}
docker_paths "$FIXTURES/docker"

docker_missing() { # rootful|rootless
	local m='' f
	for f in "$DOCKERD" "$DOCKER" "$DK_BUILDX" "$DK/usr/bin/containerd" "$DK_ROOTLESS"; do
		[ -x "$f" ] || m+=" ${f#"$DK"/}"
	done
	[ -n "$m" ] && m=" build/fixtures/docker:$m (./setup.sh fixtures)"
	local extra=''
	[ "$1" = rootless ] && extra='rootlesskit slirp4netns newuidmap'
	for f in runc tini-static skopeo $extra; do
		command -v "$f" >/dev/null || m+=" $f"
	done
	echo "${m# }"
}

# The client's configuration: buildx as a CLI plugin of this client only.
docker_config() { # DIR
	mkdir -p "$1/cli-plugins"
	ln -sfn "$DK_BUILDX" "$1/cli-plugins/docker-buildx"
}

# A rootful dockerd of the suite's own in DIR, in a mount namespace of its
# own: its overlay and network namespace mounts never reach the machine's
# mount table and go with it, and a tmpfs on /run there hides a containerd
# or Docker the machine runs (dockerd would take a containerd it finds at
# /run/containerd for its own) and keeps /run/docker and /run/containerd
# of this one from being left behind.  Ready when `docker version` answers.
dockerd_start() { # DIR [dockerd options...]
	DKD=$1
	shift
	mkdir -p "$DKD"
	docker_config "$DKD/config"
	[ -f "$DKD/daemon.json" ] || echo '{}' >"$DKD/daemon.json"
	# shellcheck disable=SC2016 # expanded by the inner shell
	PATH=$DK_PATH unshare --mount --propagation private -- sh -c 'mount -t tmpfs -o mode=755 tmpfs /run && exec "$@"' \
		dockerd "$DOCKERD" -H "unix://$DKD/docker.sock" --data-root "$DKD/data" --exec-root "$DKD/exec" \
		--pidfile "$DKD/docker.pid" --config-file "$DKD/daemon.json" --bridge=none --iptables=false \
		"$@" >>"$DKD/dockerd.log" 2>&1 &
	DOCKERD_PID=$!
	for _ in $(seq 300); do
		D version >/dev/null 2>&1 && return 0
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

D() { env -u DOCKER_HOST -u DOCKER_CONTEXT DOCKER_CONFIG="$DKD/config" "$DOCKER" -H "unix://$DKD/docker.sock" "$@"; }

# Stop the daemon by its pid; its managed containerd ends with it.
dockerd_stop() {
	[ -n "${DOCKERD_PID:-}" ] || return 0
	kill -TERM "$DOCKERD_PID" 2>/dev/null
	for _ in $(seq 300); do
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$DOCKERD_PID" 2>/dev/null
	wait "$DOCKERD_PID" 2>/dev/null
	DOCKERD_PID=
}

# Image NAME:TAG from TAG of the OCI layout DIR, through a docker-archive
# file (skopeo 1.9's docker-daemon: transport fails against dockerd 26).
docker_load_oci() { # DIR TAG NAME [client function]
	local f=$W/load-$2.tar
	rm -f "$f"
	skopeo copy -q "oci:$1:$2" "docker-archive:$f:$3:$2" && chmod a+r "$f" &&
		"${4:-D}" load -q -i "$f" >/dev/null
	local r=$?
	rm -f "$f"
	return $r
}

# A foreign busybox image NAME from Debian's busybox-static of ARCH, with
# PLATFORM: /bin/busybox and the applets the suites run.
docker_busybox_image() { # DEBIAN-ARCH PLATFORM NAME [client function]
	local d=$W/bb-$1
	rm -rf "$d" && mkdir -p "$d/bin" "$d/tmp" "$d/proc" "$d/sys" "$d/dev" "$d/etc"
	cp "$(busybox_path "$1")" "$d/bin/busybox"
	for a in sh uname cat true sleep; do ln -sf busybox "$d/bin/$a"; done
	tar -C "$d" -cf "$d.tar" . && chmod a+r "$d.tar"
	"${4:-D}" import --platform "$2" "$d.tar" "$3" >/dev/null
}

# The RUN steps' program (tests/docker/runprobe.c) for each Go architecture
# of GO_ARCHS, static, by Debian's cross compilers: $W/ctx/runprobe-ARCH.
# Each line: Go architecture, cross compiler, uname -m, byte order, and the
# Debian architecture of the busybox the images hold.
GO_ARCHS="arm64:aarch64-linux-gnu:aarch64:little:arm64 s390x:s390x-linux-gnu:s390x:big:s390x
ppc64le:powerpc64le-linux-gnu:ppc64le:little:ppc64el"
docker_runprobes() {
	local line go cc
	mkdir -p "$W/ctx"
	for line in $GO_ARCHS; do
		IFS=: read -r go cc _ <<<"$line"
		"$cc-gcc" -static -O2 -o "$W/ctx/runprobe-$go" "$QUS_ROOT/tests/docker/runprobe.c" || return 1
	done
}
# What runprobe writes on Go architecture ARCH, run on the image's busybox.
runprobe_expected() { # ARCH
	local line go m o deb
	for line in $GO_ARCHS; do
		IFS=: read -r go _ m o deb <<<"$line"
		[ "$go" = "$1" ] && echo "machine=$m order=$o bits=64 crc32=$(crc32 "$(busybox_path "$deb")")"
	done
	return 0
}

# shellcheck shell=bash
# Podman for the container suites, in a store of its own under $W (the suite's
# temporary directory), so the host's images and containers are never seen
# nor touched; pod_cleanup removes everything podman made there.

# shellcheck disable=SC2034 # used by the suites that source this file
POD_TOOLS="podman runc"

# runc: crun rejects the cgroup layout of this project's VMs, and setup.sh
# installs runc everywhere.  No network: nothing in the suites needs one.
# Rlimits: podman asks for its own defaults (nofile 1048576), and runc
# cannot raise a limit above what its processes hold when root lacks
# CAP_SYS_RESOURCE (as in these VMs; podman itself runs conmon with fewer
# processes than the caller may have).  The suites need at most 1024 files
# and 4096 processes per container: that, or the caller's hard limit where
# it is lower, is always below what runc holds.
_pod_limit() { # ulimit option, what the suites need
	local v
	v=$(ulimit -H "$1")
	[ "$v" != unlimited ] && [ "$v" -lt "$2" ] && echo "$v" || echo "$2"
}
POD_LIMITS=(--ulimit "nofile=$(_pod_limit -n 1024):$(_pod_limit -n 1024)"
	--ulimit "nproc=$(_pod_limit -u 4096):$(_pod_limit -u 4096)")
P() { podman --root "$W/storage" --runroot "$W/run" --storage-driver vfs "$@"; }
R() { P run --runtime runc "${POD_LIMITS[@]}" --network none "$@"; }
B() { P build -q --pull=never --runtime runc "${POD_LIMITS[@]}" "$@"; }

pod_cleanup() {
	[ -d "$W/storage" ] && P system reset -f >/dev/null 2>&1
	return 0
}

# A container suite's set-up: $W, the host's binfmt_misc saved, and one
# clean-up on any exit: the suite's pod_extra_cleanup if it defines one,
# podman's store, the host's binfmt_misc restored, $W removed.
# (tests/lib/hostguard.sh must be sourced.)
pod_suite_begin() {
	W=$(mktemp -d)
	hg_save
	trap _pod_suite_end EXIT
	trap '_pod_suite_end; exit 130' INT TERM
}
_pod_suite_end() {
	if declare -F pod_extra_cleanup >/dev/null; then pod_extra_cleanup; fi
	pod_cleanup
	hg_restore
	rm -rf "$W"
}

# A foreign image NAME: Debian's arm64 busybox-static as /bin (sh, uname,
# sleep), architecture arm64.  Nothing in it can run on an x86_64 host
# without an emulator registered.
pod_foreign_image() {
	local d=$W/foreign
	mkdir -p "$d/bin"
	cp "$(busybox_path arm64)" "$d/bin/busybox"
	for a in sh uname sleep; do ln -sf busybox "$d/bin/$a"; done
	tar -C "$d" -cf "$d.tar" .
	P import -q --arch arm64 "$d.tar" "$1" >/dev/null
}

# Copy TAG of the OCI layout DIR into the store as NAME:TAG (no registry;
# skopeo, since podman names what it pulls from a layout after its path).
pod_load_oci() {
	skopeo copy -q "oci:$1:$2" "containers-storage:[vfs@$W/storage+$W/run]$3:$2"
}

# Debian's docker-registry on 127.0.0.1, on the first free port from $1,
# storing under $W/registry; sets REG_PORT and REG_PID (stopped by the
# suite's pod_extra_cleanup).  Fails if it does not answer within 5 s.
pod_registry_start() {
	local port
	for port in $(seq "$1" $(($1 + 49))); do ss -ltn | grep -q ":$port " || break; done
	mkdir -p "$W/registry"
	printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' \
		"$W/registry" "$port" >"$W/registry.yml"
	docker-registry serve "$W/registry.yml" >"$W/registry.log" 2>&1 &
	REG_PID=$! REG_PORT=$port
	for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && return 0; sleep 0.1; done
	return 1
}

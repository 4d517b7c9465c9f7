# Rootless foreign containers: a user with subordinate ids and no root at
# all, on a machine whose own binfmt_misc holds no QEMU entry, registers
# with `qus register --podman` into the user namespace of its rootless
# podman (kept by podman's pause process), and then runs and builds arm64
# and s390x containers with podman.  Checked: which emulator ran them
# (/proc/PID/exe), builds of two platforms into one manifest list,
# buildah through podman's namespace, `podman unshare qus register` as
# written, what status says there, the recovery after `podman system
# migrate`, the systemd user unit, the rootless --privileged trap, qus run
# refusing podman, another user not affected, and the host's binfmt_misc
# byte for byte the same before, during and after.  Root only creates the
# users and looks; every podman runs as a user (vfs storage, no network).
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/users.sh
. "$QUS_ROOT/tests/lib/users.sh"

if [ "$(id -u)" != 0 ] || ! have_fixtures || ! private_binfmt_works; then
	skip "rootless containers" "needs root (to create the users), the busybox fixtures and Linux >= 6.7"
	done_testing
	exit 0
fi
need=
for c in podman buildah runc newuidmap; do command -v "$c" >/dev/null || need+=" $c"; done
if [ -n "$need" ]; then
	skip "rootless containers" "missing:$need (setup.sh installs podman, buildah, runc, uidmap)"
	done_testing
	exit 0
fi
OTHER=qus-other
other_remove() {
	pkill -KILL -u "$OTHER" 2>/dev/null
	userdel "$OTHER" 2>/dev/null
	sed -i "/^$OTHER:/d" /etc/subuid /etc/subgid
}
user_suite_begin
trap 'other_remove; user_suite_end' EXIT
trap 'other_remove; user_suite_end; exit 130' INT TERM
useradd --no-create-home --shell /bin/sh "$OTHER"
start=$(_free_subid_start /etc/subuid)
usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$OTHER"

# Each user's rootless podman: a home and a runtime directory of its own.
for u in $QUS_USER $OTHER; do
	mkdir -p "$W/$u/home" "$W/$u/xdg"
	chown -R "$u:" "$W/$u"
	chmod 700 "$W/$u/xdg"
done
in_session() { # USER CMD...: as USER, as in a login session
	local u=$1
	shift
	as_user "$u" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$W/$u/home" USER="$u" \
		XDG_RUNTIME_DIR="$W/$u/xdg" "$@"
}
UP() { in_session $QUS_USER podman --storage-driver vfs "$@"; }
UR() { UP run --rm --runtime runc --network none "$@"; }
OP() { in_session $OTHER podman --storage-driver vfs "$@"; }
UQ() { in_session $QUS_USER "$Q" "$@"; }

# Foreign images of the user's own: Debian's busybox-static as /bin.
image() { # DEBIAN-ARCH NAME PODMAN-FUNCTION
	local d=$W/img-$1 a
	rm -rf "$d" && mkdir -p "$d/bin"
	cp "$(busybox_path "$1")" "$d/bin/busybox"
	for a in sh uname sleep cat true; do ln -sf busybox "$d/bin/$a"; done
	tar -C "$d" -cf "$d.tar" . && chmod a+r "$d.tar"
	"$3" import -q --arch "$1" "$d.tar" "$2" >/dev/null
}
# The machine as root left it: binfmt_misc mounted, no QEMU entry; before
# podman's first run, whose mount namespace is a copy of the host's then
# (a mount made later does not reach it: / is not shared here).
[ -e "$HG_DIR/register" ] || mount -t binfmt_misc binfmt_misc "$HG_DIR"
"$QUS_STATIC" unregister -q --all
host_before=$(hg_state)
image arm64 localhost/foreign:arm64 UP
image s390x localhost/foreign:s390x UP
image arm64 localhost/foreign:arm64 OP
run UR localhost/foreign:arm64 /bin/uname -m
like "$err" "exec format error" "before: the user's arm64 container fails with 'exec format error'"

# --- one command, no root -----------------------------------------------------------------
run UQ register --podman arm64 s390x
rc_is 0 "qus register --podman, as the user: exit 0"
like "$err" "mounted this user namespace's own over it" "... says it mounted its own binfmt_misc over the host's"
like "$err" "note: registered for the rootless podman of uid $(id -u $QUS_USER)" "... and whose registration this is"
like "$err" "it lasts while podman's pause process" "... and how long it lasts"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is unchanged"
run UR localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "an arm64 container runs: aarch64"
run UR localhost/foreign:s390x /bin/uname -m
is "$out" s390x "an s390x container runs: s390x"
run UR --arch arm64 localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "podman run --arch arm64 as well"
# The process that runs it is the registered emulator (F: opened at registration).
ctr=$(UP run -d --runtime runc --network none localhost/foreign:arm64 /bin/sleep 30)
pid=$(UP inspect --format '{{.State.Pid}}' "$ctr")
is "$(stat -Lc %d:%i "/proc/$pid/exe")" "$(stat -Lc %d:%i /usr/bin/qemu-aarch64-static)" \
	"the container's process is /usr/bin/qemu-aarch64-static (device and inode)"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is unchanged while it runs"
UP rm -f "$ctr" >/dev/null 2>&1

# --- builds ------------------------------------------------------------------------------
mkdir -p "$W/ctx"
cat >"$W/ctx/Containerfile" <<'EOF'
ARG TARGETARCH
FROM localhost/foreign:${TARGETARCH}
RUN uname -m > /arch
EOF
chmod -R a+rX "$W/ctx"
run UP build -q --runtime runc --network none --platform linux/arm64,linux/s390x --manifest localhost/m "$W/ctx"
rc_is 0 "podman build --platform linux/arm64,linux/s390x --manifest: RUN steps emulated"
is "$(UP manifest inspect localhost/m | jq -r '[.manifests[].platform.architecture] | sort | join(" ")')" "arm64 s390x" \
	"... a manifest list of an arm64 and an s390x image"
for a in arm64:aarch64 s390x:s390x; do
	d=$(UP manifest inspect localhost/m | jq -r --arg a "${a%%:*}" '.manifests[] | select(.platform.architecture == $a) | .digest')
	id=$(UP images --digests --format '{{.Digest}} {{.ID}}' | awk -v d="$d" '$1 == d { print $2; exit }')
	run UR "${id:-missing}" cat /arch
	is "$out" "${a#*:}" "... whose ${a%%:*} image's RUN step wrote ${a#*:}"
done
run in_session $QUS_USER podman unshare buildah --storage-driver vfs bud -q --isolation chroot --arch arm64 \
	--build-arg TARGETARCH=arm64 -t localhost/b "$W/ctx"
rc_is 0 "buildah bud --arch arm64 in podman's namespace (podman unshare buildah ...): RUN emulated"
run UR localhost/b cat /arch
is "$out" aarch64 "... the image it built says aarch64"
run in_session $QUS_USER buildah --storage-driver vfs bud -q --isolation chroot --arch arm64 \
	--build-arg TARGETARCH=arm64 -t localhost/b2 "$W/ctx"
check "plain buildah makes a user namespace of its own per run, which only root's registration reaches: it fails" \
	[ "$rc" != 0 ]
like "$out$err" "exec format error" "... with 'exec format error' (README: use podman unshare buildah)"

# --- in podman's namespace, as written ------------------------------------------------------
run in_session $QUS_USER podman unshare "$Q" status
like "$out" "the instance of rootless podman's user namespace (uid $(id -u $QUS_USER)'s), kept by its pause process" \
	"podman unshare qus status: whose instance, kept by which process"
run in_session $QUS_USER podman unshare "$Q" status --json
is "$(jq -c '.instance | [.user_namespace, .own, (.pause_pid > 0)]' <<<"$out")" '["rootless podman",true,true]' \
	"... --json: instance.user_namespace, own, pause_pid"
in_session $QUS_USER podman system migrate >/dev/null 2>&1
run UR localhost/foreign:arm64 /bin/uname -m
like "$err" "exec format error" "after 'podman system migrate' the registration is gone (the pause process with it)"
run in_session $QUS_USER podman unshare "$Q" register arm64
rc_is 0 "podman unshare qus register, as written: exit 0"
like "$err" "mounted this user namespace's own over it" "... mounts its own, saying so"
run UR localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "... and arm64 containers run again"
# The documented recovery at login: the systemd user unit's command.
unit=$QUS_ROOT/build-asan/qus-podman.service
check "the user unit qus-podman.service is built" test -s "$unit"
is "$(sed -n 's/^ExecStart=[^ ]* //p' "$unit")" "register --podman --quiet" "... its ExecStart is qus register --podman --quiet"
in_session $QUS_USER podman system migrate >/dev/null 2>&1
run UQ register --podman --quiet
rc_is 0 "... which, run after 'podman system migrate', exits 0"
run UR localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "... and brings the registration back"

# --- the trap: a rootless privileged register container ------------------------------------------
in_session $QUS_USER podman system migrate >/dev/null 2>&1
mkdir -p "$W/regimg/usr/bin" && cp "$QUS_STATIC" "$W/regimg/usr/bin/qus"
tar -C "$W/regimg" -cf "$W/regimg.tar" . && chmod a+r "$W/regimg.tar"
UP import -q -c 'ENTRYPOINT ["/usr/bin/qus"]' "$W/regimg.tar" localhost/qus:reg >/dev/null
run UR --privileged -v /usr/bin/qemu-aarch64-static:/usr/bin/qemu-aarch64-static:ro localhost/qus:reg --reset -p yes aarch64
rc_is 0 "rootless 'podman run --privileged IMAGE --reset -p yes': it registers somewhere"
like "$err" "warning: this container runs in a user namespace of its own" "... and says it is not the host"
like "$err" "they vanish when this container exits" "... that the entries end with the container"
like "$err" "run 'qus register --podman' as uid $(id -u $QUS_USER) on the host instead" "... and what to run instead"
is "$(hg_state)" "$host_before" "... the host's binfmt_misc is unchanged"
run UR localhost/foreign:arm64 /bin/uname -m
like "$err" "exec format error" "... and indeed the next arm64 container fails"

# --- qus run and podman; another user ---------------------------------------------------------
run UQ run -- podman ps
rc_is 125 "qus run -- podman: refused, 125"
like "$err" "register for your rootless podman instead, once: 'qus register --podman'" "... with the command to use"
UQ register --podman -q arm64 2>/dev/null
run OP run --rm --runtime runc --network none localhost/foreign:arm64 /bin/uname -m
like "$err" "exec format error" "another user's rootless podman is not affected: exec format error"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is byte for byte as before"
for u in $QUS_USER $OTHER; do in_session "$u" podman system migrate >/dev/null 2>&1; done

done_testing

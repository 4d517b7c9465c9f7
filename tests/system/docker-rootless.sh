# Rootless Docker: a user with subordinate ids runs Docker's own rootless
# set-up (dockerd-rootless.sh: Debian's rootlesskit and slirp4netns around
# trixie's dockerd 26.1; tests/lib/docker.sh), and with no root at all
# registers into the user namespace rootlesskit runs dockerd in:
# `qus register --docker`.  Checked: a foreign container fails before; the
# rootless --privileged register container's trap, and its one line;
# containers of two foreign architectures after (which file runs them);
# a BuildKit build for s390x; `qus status --docker`, `--userns` and under
# nsenter saying whose instance it is and how long it lasts; that it ends
# with rootlesskit and comes back with the user unit's command; the
# one-line errors; another user's rootless podman not affected; the
# host's binfmt_misc byte for byte the same before, during and after.
# Root only creates the users, lets them open /dev/net/tun (slirp4netns;
# restored after) and looks; everything is stopped and removed at the end.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/users.sh
. "$QUS_ROOT/tests/lib/users.sh"
# shellcheck source=../lib/docker.sh
. "$QUS_ROOT/tests/lib/docker.sh"

if [ "$(id -u)" != 0 ] || ! have_fixtures || ! private_binfmt_works; then
	skip "rootless docker" "needs root (to create the users), the busybox fixtures and Linux >= 6.7"
	done_testing
	exit 0
fi
missing=$(docker_missing rootless)
for c in podman s390x-linux-gnu-gcc jq nsenter; do command -v "$c" >/dev/null || missing+=" $c"; done
if [ -n "$missing" ] || [ ! -c /dev/net/tun ]; then
	skip "rootless docker" "missing: ${missing:-/dev/net/tun} (setup.sh installs and fetches them)"
	done_testing
	exit 0
fi

OTHER=qus-other
TUN_MODE=$(stat -c %a /dev/net/tun)
RLK_PID=
other_remove() {
	pkill -KILL -u "$OTHER" 2>/dev/null
	userdel "$OTHER" 2>/dev/null
	sed -i "/^$OTHER:/d" /etc/subuid /etc/subgid
}
rootless_stop() { # stop rootlesskit (and with it dockerd, containerd, slirp4netns) by its pid
	[ -n "$RLK_PID" ] || return 0
	kill -TERM "$RLK_PID" 2>/dev/null
	for _ in $(seq 300); do
		kill -0 "$RLK_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$RLK_PID" 2>/dev/null
	wait "$RLK_PID" 2>/dev/null
	RLK_PID=
}
suite_end() {
	rootless_stop
	other_remove
	chmod "$TUN_MODE" /dev/net/tun
	user_suite_end
}
user_suite_begin
trap suite_end EXIT
trap 'suite_end; exit 130' INT TERM
useradd --no-create-home --shell /bin/sh "$OTHER"
start=$(_free_subid_start /etc/subuid)
usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$OTHER"
UID_U=$(id -u $QUS_USER)

for u in $QUS_USER $OTHER; do
	mkdir -p "$W/$u/home" "$W/$u/xdg"
	chown -R "$u:" "$W/$u"
	chmod 700 "$W/$u/xdg"
done
in_session() { # USER CMD...: as USER, as in a login session
	local u=$1
	shift
	as_user "$u" env -i PATH="$DK_PATH" HOME="$W/$u/home" USER="$u" XDG_RUNTIME_DIR="$W/$u/xdg" "$@"
}
# Docker's packages where the user can read them (the checkout may be private).
cp -al "$DK" "$W/dk" 2>/dev/null || cp -a "$DK" "$W/dk"
docker_paths "$W/dk"
docker_config "$W/$QUS_USER/home/.docker"
chown -R "$QUS_USER:" "$W/$QUS_USER/home/.docker"
UD() { in_session $QUS_USER env DOCKER_HOST="unix://$W/$QUS_USER/xdg/docker.sock" "$DOCKER" "$@"; }
UQ() { in_session $QUS_USER "$Q" "$@"; }
OP() { in_session $OTHER podman --storage-driver vfs "$@"; }
# Rootless Docker's own start, as its documentation has it (dockerd-rootless.sh),
# with the suite's daemon options; ready when `docker info` answers.
rootless_start() {
	# One process from setpriv to rootlesskit (each execs the next): $! is rootlesskit's pid.
	setpriv --reuid $QUS_USER --regid $QUS_USER --clear-groups -- env -i PATH="$DK_PATH" \
		HOME="$W/$QUS_USER/home" USER=$QUS_USER XDG_RUNTIME_DIR="$W/$QUS_USER/xdg" \
		"$DK_ROOTLESS" --bridge=none --iptables=false >>"$W/rootless.log" 2>&1 &
	RLK_PID=$!
	for _ in $(seq 300); do
		UD info >/dev/null 2>&1 && return 0
		kill -0 "$RLK_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
CHILD_PID_FILE=$W/$QUS_USER/xdg/dockerd-rootless/child_pid

# slirp4netns opens /dev/net/tun as the user (0600 on some machines; restored after).
as_user $QUS_USER test -r /dev/net/tun -a -w /dev/net/tun || chmod o+rw /dev/net/tun

# The machine as root left it: binfmt_misc mounted, no QEMU entry.
[ -e "$HG_DIR/register" ] || mount -t binfmt_misc binfmt_misc "$HG_DIR"
"$QUS_STATIC" unregister -q --all
host_before=$(hg_state)

run rootless_start
rc_is 0 "dockerd-rootless.sh as $QUS_USER: rootless dockerd answers"
[ "$rc" = 0 ] || diag "$(tail -n 20 "$W/rootless.log")"
like "$(UD info --format '{{json .SecurityOptions}}')" "name=rootless" "... docker info: rootless"
check "... rootlesskit's child is in $CHILD_PID_FILE" test -s "$CHILD_PID_FILE"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is unchanged by rootless dockerd"
for line in arm64:linux/arm64 s390x:linux/s390x; do
	docker_busybox_image "${line%%:*}" "${line#*:}" "localhost/busybox:${line%%:*}" UD
done
run UD run --rm --platform linux/arm64 localhost/busybox:arm64 uname -m
like "$out$err" "exec format error" "before: the user's arm64 container fails with 'exec format error'"

# --- the trap: a rootless privileged register container ------------------------------------------
mkdir -p "$W/regimg/usr/bin" && cp "$QUS_STATIC" "$W/regimg/usr/bin/qus"
tar -C "$W/regimg" -cf "$W/regimg.tar" . && chmod a+r "$W/regimg.tar"
UD import -c 'ENTRYPOINT ["/usr/bin/qus"]' "$W/regimg.tar" localhost/qus:reg >/dev/null
run UD run --rm --privileged -v /usr/bin/qemu-aarch64-static:/usr/bin/qemu-aarch64-static:ro localhost/qus:reg --reset -p yes aarch64
rc_is 0 "rootless 'docker run --rm --privileged IMAGE --reset -p yes': it registers somewhere"
like "$err" "warning: this container runs in a user namespace of its own (rootless Docker)" "... and says it is not the host"
like "$err" "they vanish when this container exits" "... that the entries end with the container"
like "$err" "run 'qus register --docker' as uid $UID_U on the host instead" "... and what to run instead"
is "$(hg_state)" "$host_before" "... the host's binfmt_misc is unchanged"
run UD run --rm --platform linux/arm64 localhost/busybox:arm64 uname -m
like "$out$err" "exec format error" "... and indeed the next arm64 container fails"

# --- one command, no root -----------------------------------------------------------------
run UQ register --docker arm64 s390x
rc_is 0 "qus register --docker, as the user: exit 0"
like "$err" "mounted this user namespace's own over it" "... says it mounted its own binfmt_misc over the host's"
like "$err" "note: registered for the rootless Docker of uid $UID_U" "... and whose registration this is"
like "$err" "it lasts while rootlesskit ($(<"$CHILD_PID_FILE")" "... and how long it lasts: rootlesskit's child"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is unchanged"
run UD run --rm --platform linux/arm64 localhost/busybox:arm64 uname -m
is "$out" aarch64 "docker run --rm --platform linux/arm64 IMAGE uname -m: aarch64"
run UD run --rm --platform linux/s390x localhost/busybox:s390x uname -m
is "$out" s390x "docker run --rm --platform linux/s390x IMAGE uname -m: s390x"
ctr=$(UD run -d --platform linux/arm64 localhost/busybox:arm64 /bin/sleep 30)
pid=$(UD inspect --format '{{.State.Pid}}' "$ctr")
is "$(stat -Lc %d:%i "/proc/$pid/exe")" "$(stat -Lc %d:%i /usr/bin/qemu-aarch64-static)" \
	"the container's process is /usr/bin/qemu-aarch64-static (device and inode)"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is unchanged while it runs"
UD rm -f "$ctr" >/dev/null 2>&1
run "$(busybox_path arm64)" true
check "on the host, root's arm64 program still fails: the registration is the user's" [ "$rc" != 0 ]

# --- a build ----------------------------------------------------------------------------------
mkdir -p "$W/ctx"
s390x-linux-gnu-gcc -static -O2 -o "$W/ctx/runprobe-s390x" "$QUS_ROOT/tests/docker/runprobe.c"
printf '%s\n' 'FROM localhost/busybox:s390x' 'COPY runprobe-s390x /usr/local/bin/runprobe' \
	'RUN ["/usr/local/bin/runprobe", "/bin/busybox", "/probe.out"]' 'RUN uname -m > /uname.out' >"$W/ctx/Dockerfile"
chmod -R a+rX "$W/ctx"
run UD build -q --network none --platform linux/s390x -t localhost/built "$W/ctx"
rc_is 0 "docker build --platform linux/s390x (BuildKit), as the user: RUN steps emulated${err:+ ($(tail -n 2 <<<"$err" | tr '\n' ' '))}"
id=$(UD create localhost/built /bin/true)
is "$(UD cp "$id:/probe.out" - | tar -xO)" "machine=s390x order=big bits=64 crc32=$(crc32 "$(busybox_path s390x)")" \
	"... its RUN step ran runprobe, as written in the image"
is "$(UD cp "$id:/uname.out" - | tar -xO)" s390x "... and uname -m said s390x"
UD rm "$id" >/dev/null

# --- whose instance, how long: status -------------------------------------------------------------
child=$(<"$CHILD_PID_FILE") dockerd=$(<"$W/$QUS_USER/xdg/docker.pid")
line="the instance of rootless Docker's user namespace (uid $UID_U's), kept by rootlesskit's process $child (dockerd $dockerd)"
run UQ status --docker
like "$out" "$line" "qus status --docker: whose instance, kept by which process"
like "$out" "it lasts until rootlesskit ends ('systemctl --user restart docker', a reboot, a logout without lingering), then: qus register --docker" \
	"... and how long it lasts"
like "$out" "qemu-s390x" "... and its entries"
run UQ status --docker --json
is "$(jq -c '.instance | [.user_namespace, .own, .rootlesskit_pid, .dockerd_pid, .kept_by]' <<<"$out")" \
	"[\"rootless docker\",true,$child,$dockerd,$child]" "... --json: instance.user_namespace, own, rootlesskit_pid, dockerd_pid, kept_by"
run UQ status --userns "$child"
like "$out" "$line" "qus status --userns CHILD-PID: the same"
run in_session $QUS_USER nsenter -U -m -t "$child" --preserve-credentials "$Q" status
like "$out" "$line" "nsenter -U -m -t CHILD-PID qus status: the same"

# --- another user, errors ---------------------------------------------------------------------
image=$W/img-other
mkdir -p "$image/bin" && cp "$(busybox_path arm64)" "$image/bin/busybox" && ln -s busybox "$image/bin/uname"
tar -C "$image" -cf "$image.tar" . && chmod a+r "$image.tar"
OP import -q --arch arm64 "$image.tar" localhost/foreign:arm64 >/dev/null
run OP run --rm --runtime runc --network none localhost/foreign:arm64 /bin/uname -m
like "$err" "exec format error" "another user's rootless podman is not affected: exec format error"
pause=$(<"$W/$OTHER/xdg/libpod/tmp/pause.pid")
run UQ register --userns "$pause"
rc_is 1 "qus register --userns with another user's process: exit 1"
like "$err" "qus: register --userns: process $pause is not yours (uid $(id -u $OTHER)'s)" "... in one line: not yours"
run UQ register --userns 1
like "$err" "process 1 runs in the initial user namespace, the host's" "--userns 1: the host's namespace, said"
is "$(hg_state)" "$host_before" "the host's binfmt_misc is byte for byte as before"

# --- lifetime: it ends with rootlesskit; the user unit's command brings it back --------------------
rootless_stop
run UQ register --docker
rc_is 1 "with rootless dockerd stopped, qus register --docker: exit 1"
like "$err" "qus: register --docker: no rootless dockerd runs for uid $UID_U" "... in one line, with what to do"
run rootless_start
rc_is 0 "rootless dockerd started again"
run UD run --rm --platform linux/arm64 localhost/busybox:arm64 uname -m
like "$out$err" "exec format error" "... the registration ended with the previous rootlesskit"
unit=$QUS_ROOT/build-asan/qus-docker.service
is "$(sed -n 's/^ExecStart=[^ ]* //p' "$unit")" "register --docker --quiet" "the user unit qus-docker.service runs qus register --docker --quiet"
run UQ register --docker --quiet
rc_is 0 "... which exits 0"
is "$err" "" "... silently"
run UD run --rm --platform linux/arm64 localhost/busybox:arm64 uname -m
is "$out" aarch64 "... and brings the registration back"

# --- the end: nothing left --------------------------------------------------------------------
rootless_stop
for _ in $(seq 50); do pgrep -u $QUS_USER >/dev/null || break; sleep 0.1; done
check "rootlesskit stopped by its pid; no process of $QUS_USER is left" sh -c "! pgrep -u $QUS_USER >/dev/null"
for u in $QUS_USER $OTHER; do in_session "$u" podman system migrate >/dev/null 2>&1; done
is "$(hg_state)" "$host_before" "the host's binfmt_misc is byte for byte as before, after"
chmod "$TUN_MODE" /dev/net/tun
is "$(stat -c %a /dev/net/tun)" "$TUN_MODE" "/dev/net/tun has its mode back ($TUN_MODE)"

done_testing

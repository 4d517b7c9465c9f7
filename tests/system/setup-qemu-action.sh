# docker/setup-qemu-action with `image:` set to our image: qus-build's
# images are published to Debian's docker-registry on 127.0.0.1, and the
# action's exact command sequence (src/main.ts of its v4) is replayed with
# podman against the image pulled back from it:
#
#   run --rm --privileged IMAGE --version
#   run --rm --privileged IMAGE --uninstall qemu-*      (reset: true)
#   run --rm --privileged IMAGE --install PLATFORMS     (default: all)
#   run --rm --privileged IMAGE                          (JSON on stdout)
#
# Each step is judged by the action's rule (failed when the exit status is
# not 0 AND standard error is not empty), the last one's output parsed as
# the action does (JSON.parse of the trimmed standard output, supported
# joined with commas), and the host's binfmt_misc is checked after each.
# Then: an arm64 container runs, the multiarch interface (--reset -p yes)
# still works on the same tag, and a bad platform fails the step.  Podman
# uses a store of its own; the registry runs from a temporary directory and
# is stopped; the host's binfmt_misc is restored byte for byte
# (tests/lib/hostguard.sh).
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/podman.sh
. "$QUS_ROOT/tests/lib/podman.sh"

QB=$QUS_ROOT/build-asan/qus-build
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
need=
for c in $POD_TOOLS skopeo docker-registry curl jq; do command -v "$c" >/dev/null || need+=" $c"; done
if [ "$(id -u)" != 0 ] || [ -n "$need" ] || [ ! -x "$QB" ] || [ ! -s "$DEB" ] || ! have_fixtures; then
	skip "setup-qemu-action" "needs root, podman, runc, skopeo, docker-registry, curl, jq, qus-build and the fixtures (setup.sh)${need:+; missing:$need}"
	done_testing
	exit 0
fi
if [ "$(uname -m)" != x86_64 ]; then
	skip "setup-qemu-action" "the images are built from the amd64 package: an x86_64 host is needed"
	done_testing
	exit 0
fi

REG_PID=
pod_extra_cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null && wait "$REG_PID" 2>/dev/null; }
pod_suite_begin
[ -e $HG_DIR/register ] || mount -t binfmt_misc binfmt_misc $HG_DIR

# The action's rule, its message, and its JSON.parse(stdout.trim()).
step_failed() { [ "$rc" != 0 ] && [ -n "$err" ]; }
step_passes() { ! step_failed; }
step_message() { printf '%s\n' "$err" | tail -n 1; }
one_json_object() { [ "$(jq -s 'length' <<<"$1" 2>/dev/null)" = 1 ] && [ "$(jq -r type <<<"$1")" = object ]; }
action_platforms() { jq -r '.supported | join(",")' <<<"$1"; }
qemu_count() { count_files "$HG_DIR"/qemu-*; }
qemu_flags() { (cd $HG_DIR && cat qemu-* 2>/dev/null | sed -n 's/^flags: *//p' | sort -u); }
foreign=$("$QUS_STATIC" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')

# --- a registry on 127.0.0.1, on a free port; the images published and pulled back ------
pod_registry_start 5100
port=$REG_PORT
check "docker-registry answers on 127.0.0.1:$port" curl -fso /dev/null "http://127.0.0.1:$port/v2/"
IMAGE=127.0.0.1:$port/qus/qemu-user-static:latest

export SOURCE_DATE_EPOCH=1700000000
run "$QB" -q -o "$W/dist" --qus "$QUS_STATIC" "$DEB"
rc_is 0 "qus-build: the images"
run "$QUS_ROOT/tools/qus-publish" --insecure "$W/dist/oci" "${IMAGE%:latest}"
rc_is 0 "tools/qus-publish pushes them to the registry"
# Docker.pull(input.image), then `docker image inspect`.
run P pull -q --tls-verify=false "$IMAGE"
rc_is 0 "the action's pull of $IMAGE"
is "$(P image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' "$IMAGE")" \
	'["/usr/bin/qus"] ["binfmt"]' "image inspect: entrypoint qus, command binfmt"
pod_foreign_image localhost/foreign:arm64

# Entries a previous installer and other programs left on the host.
"$QUS_STATIC" unregister -q --all
printf ':qus-test-other:M::\\x00QUSTEST\\x01::/bin/false:' >$HG_DIR/register
"$QUS_STATIC" register -q --flags "" aarch64 2>/dev/null
other=$(<$HG_DIR/qus-test-other)

# --- step 1: IMAGE --version -----------------------------------------------------------------
before=$(hg_state)
run R --rm --privileged "$IMAGE" --version
rc_is 0 "step --version: exit 0"
check "... prints something" [ -n "$out$err" ]
check "... the step passes" step_passes
is "$(hg_state)" "$before" "... the host's binfmt_misc unchanged"

# --- step 2: IMAGE --uninstall qemu-* (reset: true) ------------------------------------------
run R --rm --privileged "$IMAGE" --uninstall 'qemu-*'
rc_is 0 "step --uninstall qemu-*: exit 0"
check "... the step passes" step_passes
is "$(qemu_count)" 0 "... the host has no qemu-* entry left"
is "$(<$HG_DIR/qus-test-other)" "$other" "... another program's entry is untouched"
check "... binfmt_misc's register and status are there" test -e $HG_DIR/register -a -e $HG_DIR/status

# --- step 3: IMAGE --install all (the action's default) ---------------------------------------
run R --rm --privileged "$IMAGE" --install all
rc_is 0 "step --install all: exit 0"
check "... the step passes" step_passes
is "$(qemu_count)" "$foreign" "... the host has an entry for every foreign target ($foreign)"
is "$(qemu_flags)" OCF "... each with flags CF (O from C), as tonistiigi/binfmt's"
is "$(sed -n 's/^interpreter //p' $HG_DIR/qemu-aarch64)" /usr/bin/qemu-aarch64-static \
	"... qemu-aarch64's interpreter is the image's /usr/bin/qemu-aarch64-static"
check "... no entry for the host's own architecture" test ! -e $HG_DIR/qemu-x86_64
is "$(<$HG_DIR/qus-test-other)" "$other" "... another program's entry is untouched"

before=$(hg_state)
run R --rm --privileged "$IMAGE" --install all
rc_is 0 "step --install all again: exit 0"
is "$(hg_state)" "$before" "... the host's binfmt_misc unchanged"

# --- step 4: IMAGE alone ------------------------------------------------------------------------
run R --rm --privileged "$IMAGE"
rc_is 0 "step IMAGE (no arguments): exit 0"
check "... the step passes" step_passes
check "... standard output is one JSON object (JSON.parse)" one_json_object "$out"
platforms=$(action_platforms "$out")
diag "outputs.platforms: $platforms"
for p in linux/amd64 linux/arm64 linux/riscv64 linux/ppc64le linux/s390x linux/arm/v7 linux/arm/v6 linux/mips64le linux/loong64; do
	like ",$platforms," ",$p," "... supported names $p"
done
is "$(jq -r '.emulators | index("qemu-aarch64") != null' <<<"$out")" true "... emulators names qemu-aarch64"
is "$(jq -r '.emulators | index("qus-test-other") != null' <<<"$out")" true "... and every enabled entry, as tonistiigi/binfmt's"
is "$(hg_state)" "$before" "... the host's binfmt_misc unchanged by the status"

# What the action set up works: a foreign container, its emulator held open by F.
run R --rm localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "after the action's steps an arm64 container prints aarch64"

# --- the same steps with reset: true and a list of platforms ---------------------------------------
for s in --version "--uninstall qemu-*" "--install arm64,riscv64,arm" ""; do
	set -f # the action passes qemu-* unexpanded
	# shellcheck disable=SC2086 # the action passes separate words
	run R --rm --privileged "$IMAGE" $s
	set +f
	check "step '${s:-IMAGE}' passes${err:+ ($(step_message))}" step_passes
	case $s in
	--uninstall*) is "$(qemu_count)" 0 "... no qemu-* entry left" ;;
	--install*) is "$(cd $HG_DIR && echo qemu-*)" "qemu-aarch64 qemu-arm qemu-riscv64" "... exactly the three entries" ;;
	"") is "$(action_platforms "$out" | tr ',' '\n' | grep -v '^linux/amd64\|^linux/386' | sort | tr '\n' ' ')" \
		"linux/arm/v6 linux/arm/v7 linux/arm64 linux/riscv64 " "... supported: the three installed and the native ones" ;;
	esac
done

# --- failures fail the step ----------------------------------------------------------------------
before=$(hg_state)
run R --rm --privileged "$IMAGE" --install arm64,frobnicate
rc_is 2 "--install with an unknown platform: exit 2"
check "... the step fails" step_failed
like "$(printf '%s\n' "$err" | grep '^qus:' | head -n 1)" "unknown platform 'frobnicate'" "... naming the platform"
is "$(hg_state)" "$before" "... nothing changed"
run R --rm "$IMAGE" --install arm64
check "without --privileged: the step fails${err:+ ($(step_message))}" step_failed

# --- multiarch's interface on the same tag ----------------------------------------------------------
run R --rm --privileged "$IMAGE" --reset -p yes
rc_is 0 "latest --reset -p yes still works: exit 0"
is "$(qemu_count)" "$foreign" "... every foreign target registered"
is "$(qemu_flags)" F "... with flag F only, as QEMU's script"
run R --rm localhost/foreign:arm64 /bin/uname -m
is "$out" aarch64 "... and the arm64 container prints aarch64"

"$QUS_STATIC" unregister -q --all
done_testing

# The Kubernetes DaemonSets of doc/kubernetes, as far as one machine without
# a cluster can play them: podman 4.3's `kube play` takes Pods, not
# DaemonSets, so each DaemonSet's pod template, exactly as written (only the
# image placeholder replaced, as the README's sed does), becomes a Pod and
# is played as root against qus-build's `latest` from Debian's
# docker-registry on 127.0.0.1.  What a node would see: the init container
# registers on the host, the long-running one keeps the entries, a second
# play changes nothing, an arm64 container runs, and the removal DaemonSet
# removes only qemu-* entries.  Not played: scheduling, tolerations,
# priority, rolling updates, resource limits (podman applies some), node
# reboots.  The host's binfmt_misc is restored byte for byte.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"
# shellcheck source=../lib/hostguard.sh
. "$QUS_ROOT/tests/lib/hostguard.sh"
# shellcheck source=../lib/podman.sh
. "$QUS_ROOT/tests/lib/podman.sh"

QB=$QUS_ROOT/build-asan/qus-build
DEB=$FIXTURES/pkg/qemu-user-static_amd64.deb
PY=/usr/bin/python3
need=
for c in $POD_TOOLS catatonit skopeo docker-registry curl jq; do command -v "$c" >/dev/null || need+=" $c"; done
$PY -c 'import kubernetes, yaml' 2>/dev/null || need+=" python3-kubernetes"
if [ "$(id -u)" != 0 ] || [ -n "$need" ] || [ ! -x "$QB" ] || [ ! -s "$DEB" ] || ! have_fixtures; then
	skip "kubernetes" "needs root, podman, runc, catatonit (kube play's pause image), skopeo, docker-registry, curl, jq, python3-kubernetes, qus-build and the fixtures (setup.sh)${need:+; missing:$need}"
	done_testing
	exit 0
fi
if [ "$(uname -m)" != x86_64 ]; then
	skip "kubernetes" "the images are built from the amd64 package: an x86_64 host is needed"
	done_testing
	exit 0
fi

REG_PID=
pod_extra_cleanup() {
	P pod rm -f -a >/dev/null 2>&1
	[ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null && wait "$REG_PID" 2>/dev/null
}
pod_suite_begin
[ -e $HG_DIR/register ] || mount -t binfmt_misc binfmt_misc $HG_DIR
# kube play takes no --ulimit: the same limits as the other suites' (tests/lib/podman.sh).
printf '[containers]\ndefault_ulimits = ["%s", "%s"]\n' "${POD_LIMITS[1]}" "${POD_LIMITS[3]}" >"$W/containers.conf"
export CONTAINERS_CONF=$W/containers.conf
K() { P --runtime runc kube "$@"; }

pod_registry_start 5150
check "docker-registry answers on 127.0.0.1:$REG_PORT" curl -fso /dev/null "http://127.0.0.1:$REG_PORT/v2/"
IMAGE=127.0.0.1:$REG_PORT/qus/qemu-user-static:latest
export SOURCE_DATE_EPOCH=1700000000
run "$QB" -q -o "$W/dist" --qus "$QUS_STATIC" "$DEB"
rc_is 0 "qus-build: the images"
run "$QUS_ROOT/tools/qus-publish" --insecure "$W/dist/oci" "${IMAGE%:latest}"
rc_is 0 "tools/qus-publish pushes them to the registry"

# DaemonSet NAME's pod template as a Pod, the image placeholder replaced.
# Two changes for podman 4.3, neither in what the containers run: init
# container type "always" (an annotation Kubernetes ignores), since podman
# removes a "once" init container when it exits and fails the play when the
# removal races the exit ("cannot remove container ... as it is running");
# and restartPolicy OnFailure, since podman applies the pod's policy to init
# containers too, and with Always (a DaemonSet's) restarts them forever.
pod_of() {
	sed "s|registry.invalid/qus/qemu-user-static:latest|$IMAGE|" "$QUS_ROOT/doc/kubernetes/$1.yaml" >"$W/$1.yaml"
	$PY "$QUS_ROOT/tests/lib/k8s-validate.py" "$W/$1.yaml" DaemonSet |
		jq '.[0] | {apiVersion: "v1", kind: "Pod",
			metadata: {name: .metadata.name, labels: .spec.template.metadata.labels,
				annotations: {"io.podman.annotations.init.container.type": "always"}},
			spec: (.spec.template.spec + {restartPolicy: "OnFailure"})}' >"$W/$1-pod.json"
}
# Wait until container NAME of pod POD runs and its log holds TEXT.
wait_log() {
	for _ in $(seq 100); do
		P logs "$1-$2" 2>/dev/null | grep -qF -- "$3" && return 0
		sleep 0.1
	done
	return 1
}
qemu_count() { count_files "$HG_DIR"/qemu-*; }
foreign=$("$QUS_STATIC" targets --json | jq -r '[.targets[] | select(.native == "no")] | length')

pod_of qus
pod_of qus-unregister
is "$(jq -r '[.spec.initContainers[].image, .spec.containers[].image] | unique | .[]' "$W/qus-pod.json")" "$IMAGE" \
	"the pod template, with the image replaced as the README says"

# The node before: nothing of QEMU, another program's entry.
"$QUS_STATIC" unregister -q --all
printf ':qus-test-other:M::\\x00QUSTEST\\x01::/bin/false:' >$HG_DIR/register
other=$(<$HG_DIR/qus-test-other)
pod_foreign_image localhost/foreign:arm64
run R --rm localhost/foreign:arm64 uname -m
check "before: an arm64 container does not run" [ "$rc" != 0 ]

# --- the DaemonSet's pod: register, then keep ---------------------------------------------
run K play --network none --tls-verify=false "$W/qus-pod.json"
rc_is 0 "podman kube play of the DaemonSet's pod template: exit 0"
check "... the keep container runs, after the init container" wait_log qus keep "qus: keeping the entries registered (every 60s) until stopped"
like "$(P logs qus-register 2>&1)" "qus: $foreign registered ($foreign added" "... the init container registered every foreign target ($foreign)"
is "$(qemu_count)" "$foreign" "the host's binfmt_misc has an entry for each"
is "$(cd $HG_DIR && cat qemu-* | sed -n 's/^flags: *//p' | sort -u)" "$(default_flags)" "... each with flags $(default_flags)"
is "$(sed -n 's/^interpreter //p' $HG_DIR/qemu-aarch64)" /usr/bin/qemu-aarch64-static "... the image's emulators, by path"
is "$(<$HG_DIR/qus-test-other)" "$other" "... another program's entry untouched"
is "$(P inspect --format '{{.State.Status}}' qus-keep)" running "the keep container stays running"
like "$(P logs qus-register 2>&1)" "or keep a container running 'qus register --keep'" \
	"the init container, which mounted binfmt_misc itself, says its entries may end with it"
unlike "$(P logs qus-keep 2>&1)" "entries last only while" "... the keep container, which holds its mount, does not"
run R --rm localhost/foreign:arm64 uname -m
is "$out" aarch64 "an arm64 container runs: aarch64 (flag F: the pod's emulator, held by the kernel)"

# --- a second play changes nothing --------------------------------------------------------
before=$(hg_state)
run K play --replace --network none --tls-verify=false "$W/qus-pod.json"
rc_is 0 "a second play (--replace): exit 0"
check "... the new keep container runs" wait_log qus keep "keeping the entries registered"
is "$(hg_state)" "$before" "... the host's binfmt_misc is byte for byte the same"
is "$(P logs qus-register 2>&1 | grep -c ': unchanged,')" "$foreign" "... its init container left every entry unchanged ($foreign)"
is "$(P inspect --format '{{.RestartCount}}' qus-register)" 0 "... and ran once"

# --- stopping the pod leaves the entries ----------------------------------------------------
run P pod stop -t 10 qus
rc_is 0 "podman pod stop: exit 0"
is "$(P inspect --format '{{.State.ExitCode}}' qus-keep)" 0 "... the keep container ends on SIGTERM with 0"
like "$(P logs qus-keep 2>&1 | tail -1)" "qus: stopped by signal 15; the entries stay registered" "... saying the entries stay"
is "$(hg_state)" "$before" "... and they do, unchanged"
run R --rm localhost/foreign:arm64 uname -m
is "$out" aarch64 "... an arm64 container still runs"
K down "$W/qus-pod.json" >/dev/null 2>&1

# --- the documented removal: qus-unregister's pod -----------------------------------------------
run K play --network none --tls-verify=false "$W/qus-unregister-pod.json"
rc_is 0 "podman kube play of the removal DaemonSet's pod template: exit 0"
check "... its keep container runs, after the init container" wait_log qus-unregister keep "qus: keeping the entries unregistered"
like "$(P logs qus-unregister-unregister 2>&1)" "qus: $foreign removed, 0 failed" "... the init container removed the $foreign qemu-* entries"
is "$(qemu_count)" 0 "the host has no qemu-* entry left"
is "$(<$HG_DIR/qus-test-other)" "$other" "... another program's entry untouched"
check "... binfmt_misc's register and status are there" test -e $HG_DIR/register -a -e $HG_DIR/status
run R --rm localhost/foreign:arm64 uname -m
check "... an arm64 container no longer runs" [ "$rc" != 0 ]
run K down "$W/qus-unregister-pod.json"
rc_is 0 "podman kube down: exit 0"
is "$(qemu_count)" 0 "... nothing came back"

done_testing

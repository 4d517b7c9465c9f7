# The Kubernetes manifests (doc/kubernetes): valid against the API's own
# types (tests/lib/k8s-validate.py, with Debian's python3-kubernetes: kubectl
# cannot validate without a cluster), and holding what the README promises.
# system/kubernetes plays their pod templates with podman.
# shellcheck source=../lib/env.sh
. "$(dirname "$0")/../lib/env.sh"

PY=/usr/bin/python3
V=$QUS_ROOT/tests/lib/k8s-validate.py
if ! $PY -c 'import kubernetes, yaml' 2>/dev/null; then
	skip "kubernetes manifests" "needs python3-kubernetes and python3-yaml (setup.sh)"
	done_testing
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The validator itself catches what the API server would refuse.
cp "$QUS_ROOT/doc/kubernetes/qus.yaml" "$tmp/ok.yaml"
sed 's/privileged: true/privileged: "yes"/' "$tmp/ok.yaml" >"$tmp/type.yaml"
sed 's/terminationGracePeriodSeconds:/terminationGracePeriod:/' "$tmp/ok.yaml" >"$tmp/field.yaml"
sed 's/memory: 64Mi/memory: 64MB-ish/' "$tmp/ok.yaml" >"$tmp/quantity.yaml"
sed '/^  selector:/,/^  updateStrategy:/{/^  updateStrategy:/!d}' "$tmp/ok.yaml" >"$tmp/required.yaml"
sed 's|^        app.kubernetes.io/name: qus$|        app.kubernetes.io/name: other|' "$tmp/ok.yaml" >"$tmp/labels.yaml"
for bad in type field quantity required labels; do
	run $PY "$V" "$tmp/$bad.yaml" DaemonSet
	rc_is 1 "k8s-validate refuses a manifest with a wrong $bad"
done
like "$err" "does not match the pod template's labels" "... naming the problem"
run $PY "$V" "$tmp/ok.yaml" Deployment
rc_is 1 "k8s-validate refuses a kind that was not asked for"

for m in qus qus-unregister; do
	f=$QUS_ROOT/doc/kubernetes/$m.yaml
	run $PY "$V" "$f" DaemonSet
	rc_is 0 "doc/kubernetes/$m.yaml: a DaemonSet valid against the Kubernetes API's types"
	is "$err" "" "... without a problem"
	json=$out
	j() { jq -r "$1" <<<"$json"; }
	is "$(j 'length')" 1 "$m: one document"
	is "$(j '.[0] | .metadata.name + " " + .metadata.namespace')" "$m kube-system" "$m: named $m, in kube-system"
	is "$(j '.[0].spec.template.spec | [.initContainers[], .containers[]] | map(.securityContext.privileged) | unique | @csv')" "true" \
		"$m: both containers privileged (they write binfmt_misc)"
	is "$(j '.[0].spec.template.spec | [.initContainers[], .containers[]] | map(.image) | unique | .[]')" \
		"registry.invalid/qus/qemu-user-static:latest" "$m: one image, the placeholder the README's sed replaces"
	is "$(j '.[0].spec.template.spec | [.initContainers[], .containers[]] | map(.resources.limits.memory != null and .resources.limits.cpu != null and .resources.requests.memory != null) | all')" \
		true "$m: every container has requests and limits"
	is "$(j '[.[0].spec.template.spec.tolerations[] | .key] | join(" ")')" \
		"node-role.kubernetes.io/control-plane node-role.kubernetes.io/master" "$m: tolerates control-plane nodes"
	is "$(j '.[0].spec.updateStrategy.type')" RollingUpdate "$m: rolling updates"
	is "$(j '.[0].spec.template.spec.automountServiceAccountToken')" false "$m: no API token in the pod"
	declare "args_$((${#m} > 3))=$(j '.[0].spec.template.spec | [.initContainers[], .containers[]] | map(.args | join(" ")) | join(" | ")')"
done
# shellcheck disable=SC2154 # declared above
is "$args_0" "register | register --keep" "qus: register, then keep them registered"
# shellcheck disable=SC2154
is "$args_1" "unregister --all | unregister --all --keep" "qus-unregister: unregister --all, then keep them removed"
# Every option the manifests use is one qus has.
run "$QUS" register --help
like "$out" "--keep[=SECONDS]" "qus register knows --keep"
run "$QUS" unregister --help
like "$out" "--keep[=SECONDS]" "qus unregister knows --keep"

done_testing

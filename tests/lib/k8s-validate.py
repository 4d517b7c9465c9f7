#!/usr/bin/python3
"""Check Kubernetes manifests offline, against the API's own types.

    k8s-validate.py FILE KIND...

Every document of FILE must be one of the KINDs, and hold only fields the
API defines, each of its type, with every required field: the models of
Debian's python3-kubernetes (generated from Kubernetes' OpenAPI document)
say which.  kubectl cannot do this without a cluster: its validation
downloads the schema from the API server.  Also checked, as the API server
would: a workload's selector matches its pod template's labels, container
names are unique, resource quantities parse.  Prints the documents as one
JSON array (for jq); exit 1 with one line per problem, 2 on usage.
"""

import json
import re
import sys

import yaml
from kubernetes import client
from kubernetes.utils import parse_quantity

problems = []


def problem(path, what):
    problems.append(f"{path}: {what}")


def model_class(api_version, kind):
    # apps/v1 -> V1, v1 -> V1, batch/v1beta1 -> V1beta1: the models' prefix.
    version = api_version.split("/")[-1]
    return getattr(client, version[0].upper() + version[1:] + kind, None)


def check(value, type_name, path):
    """Check @value against the model type @type_name (openapi_types' spelling)."""
    if value is None:
        return
    m = re.fullmatch(r"list\[(.+)\]", type_name)
    if m:
        if not isinstance(value, list):
            return problem(path, f"wants a list, not {type(value).__name__}")
        for i, item in enumerate(value):
            check(item, m.group(1), f"{path}[{i}]")
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if m:
        if not isinstance(value, dict):
            return problem(path, f"wants a map, not {type(value).__name__}")
        for k, v in value.items():
            if not isinstance(k, str):
                problem(path, f"key {k!r} is not a string")
            check(v, m.group(1), f"{path}.{k}")
        return
    simple = {"str": str, "bool": bool, "float": (int, float), "object": object}
    if type_name == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            problem(path, f"wants an integer, not {value!r}")
        return
    if type_name in simple:
        if not isinstance(value, simple[type_name]):
            problem(path, f"wants {type_name}, not {value!r}")
        return
    cls = getattr(client, type_name, None)
    if cls is None:
        return problem(path, f"unknown type {type_name}")
    if not isinstance(value, dict):
        return problem(path, f"wants an object ({type_name}), not {value!r}")
    by_json = {j: a for a, j in cls.attribute_map.items()}
    for key, v in value.items():
        if key not in by_json:
            problem(path, f"unknown field '{key}' (not in {type_name})")
            continue
        check(v, cls.openapi_types[by_json[key]], f"{path}.{key}")


def pod_spec_checks(spec, path):
    names = [c.get("name") for c in spec.get("initContainers", []) + spec.get("containers", [])]
    for n in set(names):
        if names.count(n) > 1:
            problem(path, f"container name '{n}' is used twice")
    for group in ("initContainers", "containers"):
        for i, c in enumerate(spec.get(group, [])):
            for kind in ("requests", "limits"):
                for res, q in c.get("resources", {}).get(kind, {}).items():
                    try:
                        parse_quantity(q)
                    except ValueError:
                        problem(f"{path}.{group}[{i}].resources.{kind}.{res}", f"'{q}' is not a quantity")


def main(argv):
    if len(argv) < 3:
        print("usage: k8s-validate.py FILE KIND...", file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    kinds = set(argv[2:])
    api = client.ApiClient()
    for n, doc in enumerate(docs):
        where = f"{argv[1]}: document {n + 1}"
        if not isinstance(doc, dict):
            problem(where, "is not a mapping")
            continue
        kind, version = doc.get("kind"), doc.get("apiVersion", "")
        if kind not in kinds:
            problem(where, f"kind {kind!r}, wanted one of {sorted(kinds)}")
            continue
        cls = model_class(version, kind)
        if cls is None:
            problem(where, f"no {kind} in API version {version!r}")
            continue
        check(doc, cls.__name__, f"{where} ({kind})")
        # Required fields: the models' setters refuse None for them.
        try:
            api._ApiClient__deserialize(doc, cls.__name__)
        except ValueError as e:
            problem(where, str(e))
        spec = doc.get("spec", {})
        if "template" in spec:
            labels = spec["template"].get("metadata", {}).get("labels", {})
            wanted = spec.get("selector", {}).get("matchLabels", {})
            if any(labels.get(k) != v for k, v in wanted.items()):
                problem(where, "spec.selector does not match the pod template's labels")
            pod_spec_checks(spec["template"].get("spec", {}), f"{where}: spec.template.spec")
        elif kind == "Pod":
            pod_spec_checks(spec, f"{where}: spec")
    for p in problems:
        print(f"k8s-validate: {p}", file=sys.stderr)
    print(json.dumps(docs))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

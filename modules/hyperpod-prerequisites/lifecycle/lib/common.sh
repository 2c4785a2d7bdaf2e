#!/usr/bin/env bash
# shellcheck shell=bash
# Shared helpers of the HyperPod lifecycle scripts. Every path on the node is prefixed with ROOT, empty on a node
# and a fake root in tests (LLM_INFRA_NODE_ROOT).

ROOT="${LLM_INFRA_NODE_ROOT:-}"
RESOURCE_CONFIG="${ROOT}/opt/ml/config/resource_config.json"
# shellcheck disable=SC2034 # used by the scripts that source this file
STATE_DIR="${ROOT}/etc/llm-infra"

log() { echo "[llm-infra lifecycle] $*" >&2; }
die() {
  echo "[llm-infra lifecycle] FATAL: $*" >&2
  exit 1
}

# json_get FILE DOTTED.PATH: a string as is, null/missing as empty, anything else as JSON (true/false, lists).
json_get() {
  python3 - "$1" "$2" <<'PY'
import json, sys
value = json.load(open(sys.argv[1], encoding="utf-8"))
for key in filter(None, sys.argv[2].split(".")):
    if isinstance(value, list):
        value = value[int(key)]
    elif isinstance(value, dict):
        value = value.get(key)
    else:
        value = None
print("" if value is None else value if isinstance(value, str) else json.dumps(value))
PY
}

# This node's instance id (Nitro exposes it in DMI) and the instance group and type resource_config.json gives it.
this_instance_id() { cat "${ROOT}/sys/devices/virtual/dmi/id/board_asset_tag"; }

this_group_and_type() {
  python3 - "$RESOURCE_CONFIG" "$(this_instance_id)" <<'PY'
import json, sys
config = json.load(open(sys.argv[1], encoding="utf-8"))
for group in config["InstanceGroups"]:
    if any(i.get("InstanceId") == sys.argv[2] for i in group.get("Instances", [])):
        print(group["Name"], group["InstanceType"])
        break
else:
    sys.exit(f"instance {sys.argv[2]} is in no instance group of {sys.argv[1]}")
PY
}

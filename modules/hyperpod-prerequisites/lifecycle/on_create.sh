#!/usr/bin/env bash
# HyperPod OnCreate entry point (Managed Slurm: HyperPod configures Slurm and mounts FSx from the API payload).
# Records what this node is and creates the POSIX users listed in node-config.json.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "${HERE}/lib/common.sh"
NODE_CONFIG="${HERE}/node-config.json"

[[ -f "${NODE_CONFIG}" ]] || die "${NODE_CONFIG} is missing (modules/hyperpod-prerequisites uploads it)"
[[ -f "${RESOURCE_CONFIG}" ]] || die "${RESOURCE_CONFIG} is missing: not a HyperPod node?"

read -r group instance_type < <(this_group_and_type) || die "cannot place this node in resource_config.json"
cluster_name="$(json_get "${NODE_CONFIG}" cluster_name)"
log "cluster ${cluster_name}: instance $(this_instance_id) of group ${group} (${instance_type})"

mkdir -p "${STATE_DIR}"
{
  echo "CLUSTER_NAME=${cluster_name}"
  echo "INSTANCE_GROUP=${group}"
  echo "INSTANCE_TYPE=${instance_type}"
} >"${STATE_DIR}/node.env"

create_users() {
  local name uid groups existing g
  while read -r name uid groups; do
    [[ -n "${name}" ]] || continue
    for g in ${groups//,/ }; do
      getent group "${g}" >/dev/null || groupadd "${g}"
    done
    if existing="$(getent passwd "${name}")"; then
      [[ "$(cut -d: -f3 <<<"${existing}")" == "${uid}" ]] ||
        die "user ${name} exists with uid $(cut -d: -f3 <<<"${existing}"), node-config.json asks for ${uid}"
      log "user ${name} (uid ${uid}) already present"
      continue
    fi
    # Same uid on every node: files on the shared FSx keep their owner.
    useradd --create-home --shell /bin/bash --uid "${uid}" ${groups:+--groups "${groups}"} "${name}"
    log "created user ${name} (uid ${uid})"
  done < <(python3 - "${NODE_CONFIG}" <<'PY'
import json, sys
for user in json.load(open(sys.argv[1], encoding="utf-8")).get("users", []):
    print(user["name"], user["uid"], ",".join(user.get("groups", [])))
PY
  )
}

create_users
log "on_create done"

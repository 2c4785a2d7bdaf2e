#!/usr/bin/env bash
# HyperPod OnInitComplete extension (runs after HyperPod has configured Slurm on the node):
#  1. FSx for Lustre: mount it if HyperPod did not, and when the file system has EFA, fail unless Lustre really
#     uses EFA (LNet NIDs @efa), instead of silently running over TCP;
#  2. observability on: install the exporters (node 9100, DCGM 9400 on GPU nodes, EFA 9109 where EFA devices exist,
#     Slurm 9341 on the controller, neuron-monitor on Trainium) and an OTel collector remote-writing to Amazon
#     Managed Prometheus with SigV4, from the pinned artifacts staged in the lifecycle bucket (artifacts.json): nodes
#     on a closed network cannot download anything else.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
source "${HERE}/lib/common.sh"
NODE_CONFIG="${HERE}/node-config.json"
ARTIFACTS="${HERE}/artifacts.json"
INSTALL_DIR="${ROOT}/opt/llm-infra"
UNIT_DIR="${ROOT}/etc/systemd/system"

[[ -f "${NODE_CONFIG}" ]] || die "${NODE_CONFIG} is missing (modules/hyperpod-prerequisites uploads it)"
read -r group instance_type < <(this_group_and_type) || die "cannot place this node in resource_config.json"

check_fsx() {
  local dns mount_name mount_path efa nids
  dns="$(json_get "${NODE_CONFIG}" fsx.dns_name)"
  if [[ -z "${dns}" ]]; then
    log "no FSx file system configured"
    return 0
  fi
  mount_name="$(json_get "${NODE_CONFIG}" fsx.mount_name)"
  mount_path="$(json_get "${NODE_CONFIG}" fsx.mount_path)"
  mount_path="${mount_path:-/fsx}"
  efa="$(json_get "${NODE_CONFIG}" fsx.efa)"
  if ! awk -v p="${mount_path}" '$2 == p && $3 == "lustre" {found = 1} END {exit !found}' "${ROOT}/proc/mounts"; then
    log "FSx not mounted at ${mount_path}: mounting ${dns}@tcp:/${mount_name}"
    mkdir -p "${ROOT}${mount_path}"
    mount -t lustre -o relatime,flock "${dns}@tcp:/${mount_name}" "${ROOT}${mount_path}"
    awk -v p="${mount_path}" '$2 == p && $3 == "lustre" {found = 1} END {exit !found}' "${ROOT}/proc/mounts" ||
      die "FSx mount of ${dns}@tcp:/${mount_name} at ${mount_path} did not appear in /proc/mounts"
  fi
  log "FSx mounted at ${mount_path}"
  if [[ "${efa}" == "true" ]]; then
    nids="$(lctl list_nids | tr '\n' ' ')"
    if [[ "${nids}" != *"@efa"* ]]; then
      die "FSx ${dns} has EFA but Lustre on this node runs over TCP (LNet NIDs: ${nids:-none}); check that the" \
        "execution role allows fsx:DescribeFileSystems and ec2:DescribeSubnets and that group ${group} is in the" \
        "file system's AZ"
    fi
    log "Lustre uses EFA (LNet NIDs: ${nids})"
  fi
}

# install_artifact NAME: fetch the staged artifact, verify its pinned sha256, unpack it, print its directory.
install_artifact() {
  local name="$1" entry version url sha256 strip file staged tmp target
  entry="$(python3 - "${ARTIFACTS}" "${name}" <<'PY'
import json, sys
for artifact in json.load(open(sys.argv[1], encoding="utf-8"))["artifacts"]:
    if artifact["name"] == sys.argv[2]:
        print(artifact["version"], artifact["url"], artifact.get("sha256") or "-", artifact.get("strip_components", 1))
        break
else:
    sys.exit(f"{sys.argv[2]} is not in {sys.argv[1]}")
PY
  )" || die "artifact ${name} is not pinned in artifacts.json"
  read -r version url sha256 strip <<<"${entry}"
  [[ "${sha256}" =~ ^[0-9a-f]{64}$ ]] || die "artifact ${name} ${version} has no pinned sha256 in artifacts.json"
  file="${url##*/}"
  staged="$(json_get "${NODE_CONFIG}" artifacts_s3_uri)"
  staged="${staged%/}/${name}/${version}/${file}"
  tmp="$(mktemp -d)"
  aws s3 cp --only-show-errors "${staged}" "${tmp}/${file}" >&2 || die "cannot fetch ${staged}"
  echo "${sha256}  ${tmp}/${file}" | sha256sum --check --status ||
    die "${staged}: sha256 $(sha256sum "${tmp}/${file}" | cut -d' ' -f1) is not the pinned ${sha256}"
  target="${INSTALL_DIR}/${name}-${version}"
  mkdir -p "${target}"
  tar -xzf "${tmp}/${file}" -C "${target}" --strip-components="${strip}"
  rm -rf "${tmp}"
  echo "${target}"
}

# service NAME EXEC...: a systemd unit, enabled and started.
service() {
  local name="$1"
  shift
  mkdir -p "${UNIT_DIR}"
  cat >"${UNIT_DIR}/${name}.service" <<UNIT
[Unit]
Description=llm-infra ${name}
After=network-online.target

[Service]
ExecStart=$*
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
  systemctl daemon-reload
  systemctl enable --now "${name}.service"
}

install_observability() {
  local remote_write region dir targets=()
  if [[ "$(json_get "${NODE_CONFIG}" observability.enabled)" != "true" ]]; then
    log "observability off: no exporters"
    return 0
  fi
  remote_write="$(json_get "${NODE_CONFIG}" observability.remote_write_url)"
  region="$(json_get "${NODE_CONFIG}" observability.region)"
  [[ -n "${remote_write}" && -n "${region}" ]] || die "observability on but remote_write_url/region missing"

  dir="$(install_artifact node_exporter)"
  service node_exporter "${dir#"${ROOT}"}/node_exporter --web.listen-address=:9100"
  targets+=("localhost:9100")
  if [[ "${instance_type}" =~ ^ml\.(p|g)[0-9] ]]; then
    dir="$(install_artifact dcgm_exporter)"
    service dcgm_exporter "${dir#"${ROOT}"}/dcgm-exporter --address=:9400"
    targets+=("localhost:9400")
  fi
  if compgen -G "${ROOT}/sys/class/infiniband/*" >/dev/null; then
    dir="$(install_artifact efa_exporter)"
    service efa_exporter "${dir#"${ROOT}"}/efa-exporter --web.listen-address=:9109"
    targets+=("localhost:9109")
  fi
  if systemctl is-active --quiet slurmctld; then
    dir="$(install_artifact slurm_exporter)"
    service slurm_exporter "${dir#"${ROOT}"}/prometheus-slurm-exporter -listen-address=:9341"
    targets+=("localhost:9341")
  fi
  if [[ "${instance_type}" =~ ^ml\.trn[0-9] ]]; then
    dir="$(install_artifact neuron_monitor_prometheus)"
    service neuron_monitor "${dir#"${ROOT}"}/neuron-monitor-prometheus --port 9010"
    targets+=("localhost:9010")
  fi

  dir="$(install_artifact otelcol_contrib)"
  local node_name
  node_name="$(hostname -s)"
  mkdir -p "${STATE_DIR}"
  cat >"${STATE_DIR}/otelcol.yaml" <<YAML
extensions:
  sigv4auth:
    region: ${region}
    service: aps
receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: hyperpod
          scrape_interval: 30s
          static_configs:
            - targets: [$(IFS=,; echo "${targets[*]}")]
              labels:
                cluster: $(json_get "${NODE_CONFIG}" cluster_name)
                instance_group: ${group}
          # Every node scrapes localhost: without this, all nodes of a group would remote-write the same series
          # (instance="localhost:9100") and collide in AMP. "\$\$" is a literal "$" for the collector's config.
          relabel_configs:
            - source_labels: [__address__]
              regex: 'localhost:([0-9]+)'
              target_label: instance
              replacement: '${node_name}:\$\$1'
exporters:
  prometheusremotewrite:
    endpoint: ${remote_write}
    auth:
      authenticator: sigv4auth
service:
  extensions: [sigv4auth]
  pipelines:
    metrics:
      receivers: [prometheus]
      exporters: [prometheusremotewrite]
YAML
  service otelcol "${dir#"${ROOT}"}/otelcol-contrib --config=${STATE_DIR#"${ROOT}"}/otelcol.yaml"
  log "observability: scraping ${targets[*]}, remote-writing to ${remote_write}"
}

check_fsx
install_observability
log "on_init_complete done"

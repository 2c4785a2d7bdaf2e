"""HyperPod node-health alerts as Amazon Managed Prometheus rule groups, and the AMP alert manager definition.

The metrics come from the exporters the training layer's lifecycle scripts install
(``modules/hyperpod-prerequisites/lifecycle/artifacts.json``): node_exporter 1.8.2 (``up``, ``node_*``),
dcgm-exporter 3.3.9-3.6.1 (``DCGM_FI_*``, default counters), the EFA node exporter (``node_amazonefa_*``),
prometheus-slurm-exporter v1.1.0 from rivosinc (``slurm_*``) and neuron-monitor-prometheus (Trainium). The OTel
collector on every node scrapes them as job ``hyperpod`` (``on_init_complete.sh``) and remote-writes to AMP, where
these rules run. Metric names are checked against per-exporter lists sourced from those repositories
(``tests/support/exporter_metrics.py``).

Thresholds live in config (``NodeAlerts``, rule ids ``OBS-1xx``, config-only: the module receives finished rule
files). No CDK, boto3 or YAML library here: the YAML is written by hand (every scalar JSON-quoted, which is valid
YAML) so the layer stays importable without test dependencies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, Field

from llm_infra.config.base import Model
from llm_infra.config.types import Rule, StrictInt, invalid

# The scrape job the lifecycle's OTel collector config names (`job_name: hyperpod`); a test reads the script.
SCRAPE_JOB = "hyperpod"

_DURATION = re.compile(r"(0|[1-9][0-9]*)(s|m|h)")
_SECONDS = {"s": 1, "m": 60, "h": 3600}
MAX_DURATION_SECONDS = 24 * 3600


def _duration(value: str) -> str:
    match = _DURATION.fullmatch(value)
    if match is None or int(match.group(1)) * _SECONDS[match.group(2)] > MAX_DURATION_SECONDS:
        raise invalid(
            "duration", "not a Prometheus duration up to 24h", "e.g. '0s', '90s', '5m', '2h' (<= 24h)"
        )
    return value


def _window(value: str) -> str:
    _duration(value)
    if value.startswith("0"):
        raise invalid("duration", "a rate window must be longer than zero", "e.g. '5m' (1s-24h)")
    return value


Duration = Annotated[str, AfterValidator(_duration)]
Window = Annotated[str, AfterValidator(_window)]
XidCode = Annotated[StrictInt, Field(ge=1, le=999)]


class NodeAlerts(Model):
    """Thresholds and ``for`` durations of the HyperPod node-health alerts (``[observability.node_alerts]``).

    Counts are "alert when more than this"; durations are Prometheus durations (``s``, ``m``, ``h``, <= 24h).
    """

    # node_exporter / collector: a scrape target reports down, or a node's series stop arriving.
    node_down_for: Annotated[Duration, Rule("OBS-101")] = "5m"
    # DCGM: any XID error (DCGM_FI_DEV_XID_ERRORS holds the last XID code), except codes listed here
    # (e.g. 13, 31, 43 are usually the application's fault; NVIDIA XID catalogue).
    xid_for: Annotated[Duration, Rule("OBS-102")] = "0s"
    xid_ignored_codes: Annotated[tuple[XidCode, ...], Rule("OBS-103")] = ()
    gpu_temperature_celsius: Annotated[StrictInt, Field(ge=50, le=110), Rule("OBS-104")] = 87
    gpu_temperature_for: Annotated[Duration, Rule("OBS-105")] = "10m"
    # EFA: RDMA read/write work-request errors in `efa_window`, summed over a node's devices.
    efa_errors: Annotated[StrictInt, Field(ge=0, le=1_000_000), Rule("OBS-106")] = 0
    efa_window: Annotated[Window, Rule("OBS-107")] = "5m"
    efa_for: Annotated[Duration, Rule("OBS-108")] = "5m"
    # Slurm: nodes in a drain, down or fail state (slurm_node_count_per_state), per cluster.
    slurm_unavailable_nodes: Annotated[StrictInt, Field(ge=0, le=100_000), Rule("OBS-109")] = 0
    slurm_for: Annotated[Duration, Rule("OBS-110")] = "10m"
    # Neuron: execution errors in `neuron_window` (per node), and any uncorrected hardware ECC event.
    neuron_execution_errors: Annotated[StrictInt, Field(ge=0, le=1_000_000), Rule("OBS-111")] = 0
    neuron_window: Annotated[Window, Rule("OBS-112")] = "5m"
    neuron_for: Annotated[Duration, Rule("OBS-113")] = "5m"
    # node_exporter: root file system free space below this percentage.
    root_disk_free_percent: Annotated[StrictInt, Field(ge=1, le=50), Rule("OBS-114")] = 10
    root_disk_for: Annotated[Duration, Rule("OBS-115")] = "15m"


@dataclass(frozen=True)
class AlertRule:
    """One Prometheus alerting rule (``duration`` is its ``for``)."""

    alert: str
    expr: str
    duration: str
    severity: str
    summary: str
    description: str


def _job(selector: str = "") -> str:
    inner = f'job="{SCRAPE_JOB}"' + (f", {selector}" if selector else "")
    return "{" + inner + "}"


def alert_rules(alerts: NodeAlerts) -> dict[str, tuple[AlertRule, ...]]:
    """The alerting rules by AMP rule groups namespace (one namespace, one group per exporter)."""
    xid = "DCGM_FI_DEV_XID_ERRORS" + _job() + " > 0" + "".join(f" != {c}" for c in alerts.xid_ignored_codes)
    efa = (
        f"sum without (device, port) (increase(node_amazonefa_rdma_read_wr_err{_job()}[{alerts.efa_window}])"
        f" + increase(node_amazonefa_rdma_write_wr_err{_job()}[{alerts.efa_window}])) > {alerts.efa_errors}"
    )
    up = f"up{_job()}"
    root = _job('mountpoint="/"')
    unavailable = _job('state=~"(?i).*(drain|down|fail).*"')
    uncorrected = _job('event_type=~".*_uncorrected"')
    return {
        "hyperpod-node": (
            AlertRule(
                "HyperPodTargetDown",
                f"({up} == 0) or (max_over_time({up}[1h]) unless {up})",
                alerts.node_down_for,
                "critical",
                "HyperPod exporter target down or node silent",
                "{{ $labels.instance }} in {{ $labels.cluster }}/{{ $labels.instance_group }} is down "
                "or has sent no samples for 5 minutes.",
            ),
            AlertRule(
                "HyperPodRootDiskFull",
                f"node_filesystem_avail_bytes{root} / node_filesystem_size_bytes{root} * 100"
                f" < {alerts.root_disk_free_percent}",
                alerts.root_disk_for,
                "warning",
                "HyperPod node root file system almost full",
                "{{ $labels.cluster }}/{{ $labels.instance_group }} {{ $labels.instance }}: "
                "{{ $value | humanize }}% free on /.",
            ),
        ),
        "hyperpod-gpu": (
            AlertRule(
                "HyperPodGpuXidError",
                xid,
                alerts.xid_for,
                "critical",
                "GPU XID error",
                "XID {{ $value }} on GPU {{ $labels.gpu }} of {{ $labels.Hostname }} "
                "({{ $labels.cluster }}/{{ $labels.instance_group }}).",
            ),
            AlertRule(
                "HyperPodGpuTemperatureHigh",
                f"DCGM_FI_DEV_GPU_TEMP{_job()} > {alerts.gpu_temperature_celsius}",
                alerts.gpu_temperature_for,
                "warning",
                "GPU temperature high",
                "GPU {{ $labels.gpu }} of {{ $labels.Hostname }} at {{ $value }} C.",
            ),
            AlertRule(
                "HyperPodGpuRowRemapFailure",
                f"DCGM_FI_DEV_ROW_REMAP_FAILURE{_job()} > 0",
                "0s",
                "critical",
                "GPU memory row remapping failed",
                "GPU {{ $labels.gpu }} of {{ $labels.Hostname }} needs replacing (row remap failure).",
            ),
        ),
        "hyperpod-efa": (
            AlertRule(
                "HyperPodEfaErrors",
                efa,
                alerts.efa_for,
                "critical",
                "EFA RDMA work-request errors",
                "{{ $value }} EFA RDMA errors in " + alerts.efa_window + " on {{ $labels.instance }} "
                "({{ $labels.cluster }}/{{ $labels.instance_group }}).",
            ),
        ),
        "hyperpod-slurm": (
            AlertRule(
                "HyperPodSlurmNodesUnavailable",
                f"sum without (state) (slurm_node_count_per_state{unavailable}) > {alerts.slurm_unavailable_nodes}",
                alerts.slurm_for,
                "warning",
                "Slurm nodes drained, down or failed",
                "{{ $value }} Slurm nodes of {{ $labels.cluster }} are drained, down or failed.",
            ),
        ),
        "hyperpod-neuron": (
            AlertRule(
                "HyperPodNeuronExecutionErrors",
                f"sum without (error_type) (increase(execution_errors_total{_job()}[{alerts.neuron_window}]))"
                f" > {alerts.neuron_execution_errors}",
                alerts.neuron_for,
                "warning",
                "Neuron execution errors",
                "{{ $value }} Neuron execution errors in "
                + alerts.neuron_window
                + " on {{ $labels.instance_id }}.",
            ),
            AlertRule(
                "HyperPodNeuronHardwareEccUncorrected",
                f"increase(hardware_ecc_events_total{uncorrected}[{alerts.neuron_window}]) > 0",
                "0s",
                "critical",
                "Neuron device uncorrected ECC error",
                "Neuron device {{ $labels.neuron_device_index }} on {{ $labels.instance_id }}: "
                "{{ $labels.event_type }}.",
            ),
        ),
    }


def _q(value: str) -> str:
    """A YAML scalar: JSON's double-quoted string is a valid YAML double-quoted scalar."""
    return json.dumps(value, ensure_ascii=False)


def render_rule_file(group: str, rules: tuple[AlertRule, ...]) -> str:
    """One Prometheus rule file (``groups:``) holding one group named after its namespace."""
    lines = ["groups:", f"  - name: {_q(group)}", "    rules:"]
    for r in rules:
        lines += [
            f"      - alert: {_q(r.alert)}",
            f"        expr: {_q(r.expr)}",
            f"        for: {_q(r.duration)}",
            "        labels:",
            f"          severity: {_q(r.severity)}",
            "        annotations:",
            f"          summary: {_q(r.summary)}",
            f"          description: {_q(r.description)}",
        ]
    return "\n".join(lines) + "\n"


def rule_groups(alerts: NodeAlerts) -> dict[str, str]:
    """AMP rule groups namespace name -> Prometheus rule-file YAML (``aws_prometheus_rule_group_namespace.data``).

    No ``${`` or ``%{`` appears in the output: the files pass through Terraform JSON, which would interpolate them.
    """
    return {name: render_rule_file(name, rules) for name, rules in alert_rules(alerts).items()}


def alertmanager_template() -> str:
    """The AMP alert manager definition, a Terraform ``templatestring`` template.

    Its only ``${…}`` sequences are ``${topic_arn}`` and ``${region}``; AMP receivers are SNS only and sign with
    SigV4 in the topic's region. Alerts are grouped per alert and cluster, resolved alerts are sent too.
    """
    return (
        "alertmanager_config: |\n"
        "  route:\n"
        "    receiver: sns\n"
        "    group_by: [alertname, cluster, instance_group]\n"
        "    group_wait: 30s\n"
        "    group_interval: 5m\n"
        "    repeat_interval: 4h\n"
        "  receivers:\n"
        "    - name: sns\n"
        "      sns_configs:\n"
        "        - topic_arn: ${topic_arn}\n"
        "          send_resolved: true\n"
        "          sigv4:\n"
        "            region: ${region}\n"
        "          subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.cluster }}'\n"
        "          attributes:\n"
        "            severity: '{{ .CommonLabels.severity }}'\n"
    )

"""The HyperPod node-health alert rules and the AMP alert manager template (llm_infra.layers.observability.alerts).

promtool/amtool runs are in test_observability_promtool.py; these tests are pure Python.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from llm_infra.config.types import Rule
from llm_infra.layers.observability.alerts import (
    SCRAPE_JOB,
    NodeAlerts,
    alert_rules,
    alertmanager_template,
    rule_groups,
)
from llm_infra.paths import PROJECT_ROOT
from tests.support.exporter_metrics import EXPORTERS, metric_names

# Which exporter's metric list each namespace's expressions are checked against.
NAMESPACE_EXPORTER = {
    "hyperpod-node": "node",
    "hyperpod-gpu": "dcgm",
    "hyperpod-efa": "efa",
    "hyperpod-slurm": "slurm",
    "hyperpod-neuron": "neuron",
}
# AMP RuleGroupsNamespaceName (botocore amp service model): 1-64 chars of this pattern.
AMP_NAMESPACE = re.compile(r"[0-9A-Za-z][-.0-9A-Z_a-z]*")


def test_the_extractor_finds_metrics_and_ignores_everything_else() -> None:
    expr = (
        'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle", job="x"}[$__rate_interval])) '
        "/ on (instance) group_left count without (cpu) (node_cpu_seconds_total) > bool 0.5e3 "
        'and label_replace(up, "a", "$1", "instance", "(.*)") offset 5m or vector(1)'
    )
    assert metric_names(expr) == {"node_cpu_seconds_total", "up"}
    assert metric_names("DCGM_FI_DEV_GPU_UTLI > 1") == {"DCGM_FI_DEV_GPU_UTLI"}


def test_every_namespace_uses_only_its_exporters_metric_names() -> None:
    rules = alert_rules(NodeAlerts())
    assert set(rules) == set(NAMESPACE_EXPORTER)
    for namespace, group in rules.items():
        allowed = EXPORTERS[NAMESPACE_EXPORTER[namespace]]
        for rule in group:
            names = metric_names(rule.expr)
            assert names, f"{rule.alert}: no metric found in {rule.expr!r}"
            assert names <= allowed, f"{rule.alert}: {sorted(names - allowed)} not published by {namespace}"


def test_rule_files_are_one_group_per_namespace_with_the_alerts() -> None:
    files = rule_groups(NodeAlerts())
    for namespace, text in files.items():
        assert AMP_NAMESPACE.fullmatch(namespace) and len(namespace) <= 64
        data: dict[str, Any] = yaml.safe_load(text)
        (group,) = data["groups"]
        assert group["name"] == namespace
        expected = [r.alert for r in alert_rules(NodeAlerts())[namespace]]
        assert [r["alert"] for r in group["rules"]] == expected
        for r in group["rules"]:
            assert set(r) == {"alert", "expr", "for", "labels", "annotations"}
            assert r["labels"]["severity"] in {"critical", "warning"}
            assert f'job="{SCRAPE_JOB}"' in r["expr"]


def test_no_terraform_template_sequences_in_rule_files() -> None:
    """The YAML passes through Terraform JSON (cdk.tf.json), which interpolates ${...} and %{...}."""
    for text in rule_groups(NodeAlerts(xid_ignored_codes=(13, 43))).values():
        assert "${" not in text and "%{" not in text


def expr_of(alerts: NodeAlerts, alert: str) -> str:
    rules = [r for group in alert_rules(alerts).values() for r in group if r.alert == alert]
    assert len(rules) == 1
    return rules[0].expr


def duration_of(alerts: NodeAlerts, alert: str) -> str:
    return next(r.duration for g in alert_rules(alerts).values() for r in g if r.alert == alert)


def test_thresholds_and_durations_come_from_config() -> None:
    custom = NodeAlerts(
        gpu_temperature_celsius=80,
        gpu_temperature_for="3m",
        xid_ignored_codes=(13, 43),
        efa_errors=5,
        efa_window="10m",
        slurm_unavailable_nodes=2,
        neuron_window="15m",
        root_disk_free_percent=20,
        node_down_for="2m",
    )
    assert expr_of(custom, "HyperPodGpuTemperatureHigh").endswith("> 80")
    assert duration_of(custom, "HyperPodGpuTemperatureHigh") == "3m"
    assert expr_of(custom, "HyperPodGpuXidError").endswith("> 0 != 13 != 43")
    assert expr_of(NodeAlerts(), "HyperPodGpuXidError").endswith("> 0")
    efa = expr_of(custom, "HyperPodEfaErrors")
    assert efa.count("[10m]") == 2 and efa.endswith("> 5")
    assert expr_of(custom, "HyperPodSlurmNodesUnavailable").endswith("> 2")
    assert "[15m]" in expr_of(custom, "HyperPodNeuronHardwareEccUncorrected")
    assert expr_of(custom, "HyperPodRootDiskFull").endswith("< 20")
    assert duration_of(custom, "HyperPodTargetDown") == "2m"


def test_the_scrape_job_is_the_one_the_lifecycle_collector_uses() -> None:
    script = (PROJECT_ROOT / "modules/hyperpod-prerequisites/lifecycle/on_init_complete.sh").read_text()
    assert re.search(rf"^\s*- job_name: {SCRAPE_JOB}$", script, re.MULTILINE)


def rule_id(field: str) -> str:
    (meta,) = [m for m in NodeAlerts.model_fields[field].metadata if isinstance(m, Rule)]
    return meta.id


BAD = [
    ("node_down_for", "5 minutes", "OBS-101", "not a Prometheus duration"),
    ("xid_for", "25h", "OBS-102", "not a Prometheus duration up to 24h"),
    ("xid_ignored_codes", (0,), "OBS-103", "greater than or equal to 1"),
    ("gpu_temperature_celsius", 120, "OBS-104", "less than or equal to 110"),
    ("gpu_temperature_for", "1d", "OBS-105", "not a Prometheus duration"),
    ("efa_errors", -1, "OBS-106", "greater than or equal to 0"),
    ("efa_window", "0m", "OBS-107", "a rate window must be longer than zero"),
    ("efa_for", "5", "OBS-108", "not a Prometheus duration"),
    ("slurm_unavailable_nodes", "1", "OBS-109", "valid integer"),
    ("slurm_for", "-1m", "OBS-110", "not a Prometheus duration"),
    ("neuron_execution_errors", 2_000_000, "OBS-111", "less than or equal to 1000000"),
    ("neuron_window", "0s", "OBS-112", "a rate window must be longer than zero"),
    ("neuron_for", "05m", "OBS-113", "not a Prometheus duration"),
    ("root_disk_free_percent", 0, "OBS-114", "greater than or equal to 1"),
    ("root_disk_for", "1.5h", "OBS-115", "not a Prometheus duration"),
]


@pytest.mark.parametrize(("field", "value", "rule", "message"), BAD, ids=[b[2] for b in BAD])
def test_each_field_rejects_bad_input_under_its_rule_id(
    field: str, value: Any, rule: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        NodeAlerts.model_validate({field: value})
    (error,) = caught.value.errors()
    assert error["loc"][0] == field
    assert message in error["msg"]
    assert rule_id(field) == rule


def test_every_field_has_a_distinct_rule_id_and_a_bad_case() -> None:
    ids = [rule_id(f) for f in NodeAlerts.model_fields]
    assert len(ids) == len(set(ids))
    assert {b[0] for b in BAD} == set(NodeAlerts.model_fields)
    assert all(re.fullmatch(r"OBS-1\d\d", i) for i in ids)


def test_good_values_at_the_edges_are_accepted() -> None:
    NodeAlerts(xid_for="24h", efa_window="1s", gpu_temperature_celsius=50, xid_ignored_codes=(999,))


def test_alertmanager_template_has_only_the_two_variables() -> None:
    text = alertmanager_template()
    assert sorted(set(re.findall(r"\$\{[^}]*\}", text))) == ["${region}", "${topic_arn}"]
    assert "%{" not in text
    rendered = text.replace("${topic_arn}", "arn:aws:sns:us-west-2:111111111111:alarms").replace(
        "${region}", "us-west-2"
    )
    body = yaml.safe_load(yaml.safe_load(rendered)["alertmanager_config"])
    (receiver,) = body["receivers"]
    assert body["route"]["receiver"] == receiver["name"]
    (sns,) = receiver["sns_configs"]
    assert sns["topic_arn"] == "arn:aws:sns:us-west-2:111111111111:alarms"
    assert sns["sigv4"] == {"region": "us-west-2"}
    assert "cluster" in body["route"]["group_by"]

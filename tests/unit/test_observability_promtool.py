"""The generated AMP rule groups and alert manager definition, checked by the real tools: ``promtool check rules``,
``promtool test rules`` (alerts fire on sample series) and ``amtool check-config``; the template is rendered by
``terraform console`` with ``templatestring`` exactly as the observability module renders it.

promtool and amtool are Debian's ``prometheus`` / ``prometheus-alertmanager`` packages, unpacked by ``make tools``
(``make test`` depends on it and passes LLM_INFRA_PROMTOOL / LLM_INFRA_AMTOOL).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from llm_infra.layers.observability.alerts import NodeAlerts, alertmanager_template, rule_groups
from llm_infra.paths import PROJECT_ROOT
from tests.support.layers import shipped_environments

SAMPLE_TOPIC = "arn:aws:sns:us-west-2:111111111111:dev-alarms"
SAMPLE_REGION = "us-west-2"


def tool(env: str, name: str) -> str:
    configured = os.environ.get(env)
    if configured:  # the Makefile's path, relative to the repository (the tests run tools in other folders)
        return str(PROJECT_ROOT / configured)
    local = PROJECT_ROOT / ".tools" / "root" / "usr" / "bin" / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.skip(
            f"{name} not found: run `make tools` (Debian prometheus/prometheus-alertmanager, unpacked)"
        )
    return found


@pytest.fixture(scope="module")
def promtool() -> str:
    return tool("LLM_INFRA_PROMTOOL", "promtool")


@pytest.fixture(scope="module")
def amtool() -> str:
    return tool("LLM_INFRA_AMTOOL", "amtool")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def environment_alerts() -> dict[str, NodeAlerts]:
    """Each shipped environment's node alerts (the defaults until the environment's config carries its own)."""
    alerts = {}
    for name, environment in shipped_environments().items():
        observability = getattr(environment, "observability", None)
        alerts[name] = getattr(observability, "node_alerts", None) or NodeAlerts()
    return alerts


def write_rules(directory: Path, alerts: NodeAlerts) -> list[Path]:
    paths = []
    for namespace, text in rule_groups(alerts).items():
        path = directory / f"{namespace}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("environment", sorted(environment_alerts()))
def test_promtool_accepts_every_rule_file(promtool: str, environment: str, tmp_path: Path) -> None:
    paths = write_rules(tmp_path, environment_alerts()[environment])
    result = run(promtool, "check", "rules", *map(str, paths), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(paths)


def test_promtool_rejects_a_broken_rule_file(promtool: str, tmp_path: Path) -> None:
    (good,) = [p for p in write_rules(tmp_path, NodeAlerts()) if p.name == "hyperpod-gpu.yaml"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(good.read_text().replace("DCGM_FI_DEV_GPU_TEMP{", "DCGM_FI_DEV_GPU_TEMP{{", 1))
    result = run(promtool, "check", "rules", str(broken), cwd=tmp_path)
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr


HOST = {"job": "hyperpod", "cluster": "dev-training", "instance_group": "gpu"}


def series(metric: str, labels: dict[str, str], values: str) -> dict[str, str]:
    inner = ", ".join(f'{k}="{v}"' for k, v in {**HOST, **labels}.items())
    return {"series": f"{metric}{{{inner}}}", "values": values}


def unit_tests(alerts: NodeAlerts) -> dict[str, Any]:
    """promtool unit tests: XID 79 fires (13 is ignored), a node that stops sending fires, EFA errors fire."""
    gpu = {"Hostname": "ip-10-1-2-3", "instance": "localhost:9400"}
    node = {"instance": "localhost:9100", "host": "ip-10-1-2-4"}
    efa = {"instance": "localhost:9109", "device": "rdmap16s27", "port": "1"}
    return {
        "rule_files": [f"{namespace}.yaml" for namespace in rule_groups(alerts)],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    series("DCGM_FI_DEV_XID_ERRORS", {**gpu, "gpu": "3"}, "0 0 79 79 79"),
                    series("DCGM_FI_DEV_XID_ERRORS", {**gpu, "gpu": "1"}, "0 0 13 13 13"),
                    series("up", node, "1x10"),
                    series("node_amazonefa_rdma_write_wr_err", efa, "0 0 0 4 8 12 16 20 24 28 32"),
                    series("node_amazonefa_rdma_read_wr_err", efa, "0x10"),
                ],
                "alert_rule_test": [
                    {"eval_time": "1m", "alertname": "HyperPodGpuXidError", "exp_alerts": []},
                    {
                        "eval_time": "3m",
                        "alertname": "HyperPodGpuXidError",
                        "exp_alerts": [
                            {
                                "exp_labels": {**HOST, **gpu, "gpu": "3", "severity": "critical"},
                                "exp_annotations": {
                                    "summary": "GPU XID error",
                                    "description": "XID 79 on GPU 3 of ip-10-1-2-3 (dev-training/gpu).",
                                },
                            }
                        ],
                    },
                    {"eval_time": "12m", "alertname": "HyperPodTargetDown", "exp_alerts": []},
                    {
                        "eval_time": "25m",
                        "alertname": "HyperPodTargetDown",
                        "exp_alerts": [
                            {
                                "exp_labels": {**HOST, **node, "severity": "critical"},
                                "exp_annotations": {
                                    "summary": "HyperPod exporter target down or node silent",
                                    "description": "localhost:9100 in dev-training/gpu is down or has sent no "
                                    "samples for 5 minutes.",
                                },
                            }
                        ],
                    },
                    {"eval_time": "2m", "alertname": "HyperPodEfaErrors", "exp_alerts": []},
                    {
                        "eval_time": "10m",
                        "alertname": "HyperPodEfaErrors",
                        "exp_alerts": [
                            {
                                "exp_labels": {**HOST, "instance": "localhost:9109", "severity": "critical"},
                                "exp_annotations": {
                                    "summary": "EFA RDMA work-request errors",
                                    # increase() over the 5m window of a counter rising 4/min
                                    "description": "20 EFA RDMA errors in 5m on localhost:9109 (dev-training/gpu).",
                                },
                            }
                        ],
                    },
                ],
            }
        ],
    }


def run_unit_tests(promtool: str, alerts: NodeAlerts, directory: Path) -> subprocess.CompletedProcess[str]:
    write_rules(directory, alerts)
    (directory / "tests.yaml").write_text(yaml.safe_dump(unit_tests(alerts), sort_keys=False))
    return run(promtool, "test", "rules", "tests.yaml", cwd=directory)


def test_promtool_unit_tests_fire_the_alerts(promtool: str, tmp_path: Path) -> None:
    result = run_unit_tests(promtool, NodeAlerts(xid_ignored_codes=(13,)), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_promtool_unit_tests_fail_when_the_rules_do_not_fire(promtool: str, tmp_path: Path) -> None:
    """The same tests against rules that ignore XID 79 and tolerate 100 EFA errors: promtool reports both."""
    alerts = NodeAlerts(xid_ignored_codes=(13, 79), efa_errors=100)
    result = run_unit_tests(promtool, alerts, tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "alertname: HyperPodGpuXidError" in output and "alertname: HyperPodEfaErrors" in output


def render_with_terraform(template: str, directory: Path) -> str:
    """``templatestring`` in ``terraform console`` (no providers, no init), the rendered text back."""
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not on PATH")
    (directory / "alertmanager.tpl").write_text(template, encoding="utf-8")
    (directory / "main.tf").write_text('locals {\n  template = file("alertmanager.tpl")\n}\n')
    expression = (
        f'jsonencode(templatestring(local.template, {{ topic_arn = "{SAMPLE_TOPIC}", '
        f'region = "{SAMPLE_REGION}" }}))'
    )
    result = subprocess.run(
        [terraform, "console"],
        input=expression,
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "CHECKPOINT_DISABLE": "1"},
    )
    assert result.returncode == 0, result.stderr
    # console prints the JSON string as an HCL string literal: parse it twice.
    literal = result.stdout.strip()
    return str(json.loads(json.loads(literal)))


def amtool_check(amtool: str, template: str, directory: Path) -> subprocess.CompletedProcess[str]:
    rendered = render_with_terraform(template, directory)
    body = yaml.safe_load(rendered)["alertmanager_config"]
    (directory / "alertmanager.yml").write_text(body, encoding="utf-8")
    return run(amtool, "check-config", "alertmanager.yml", cwd=directory)


def test_amtool_accepts_the_rendered_alert_manager_definition(amtool: str, tmp_path: Path) -> None:
    rendered = render_with_terraform(alertmanager_template(), tmp_path)
    assert SAMPLE_TOPIC in rendered and "${" not in rendered
    result = amtool_check(amtool, alertmanager_template(), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_amtool_rejects_a_route_to_an_undefined_receiver(amtool: str, tmp_path: Path) -> None:
    broken = alertmanager_template().replace("    receiver: sns\n", "    receiver: pager\n", 1)
    assert broken != alertmanager_template()
    result = amtool_check(amtool, broken, tmp_path)
    assert result.returncode != 0
    assert 'undefined receiver "pager"' in result.stdout + result.stderr

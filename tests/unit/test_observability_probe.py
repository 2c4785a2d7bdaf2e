"""The observability smoke probe on moto (mock_aws): AMP workspace ACTIVE, a confirmed subscription on the alarm
topic, each dashboard the stack makes, Grafana unknown where the API does not answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from moto import mock_aws

from llm_infra.config import load_environments
from llm_infra.layers.observability.probes import dashboard_keys, observability_probe
from llm_infra.ops.session import Aws, client_config
from llm_infra.ops.smoke import SmokeContext
from llm_infra.ops.wait import Deadline
from llm_infra.paths import ENVIRONMENTS_DIR


def _context(env: Any) -> SmokeContext:
    core = botocore.session.Session()
    session = boto3.Session(
        aws_access_key_id="x", aws_secret_access_key="y", region_name=env.region, botocore_session=core
    )
    aws = Aws(session=session, config=client_config(core), region=env.region)
    return SmokeContext(env, aws, Deadline(5), sleep=lambda _s: None)


def _dev(tmp_path: Path) -> Any:
    path = tmp_path / "dev.toml"
    path.write_text((ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (env,) = load_environments([path], ENVIRONMENTS_DIR / "_defaults.toml")
    return env


def test_nothing_applied_fails_the_workspace_and_the_topic(tmp_path: Path) -> None:
    env = _dev(tmp_path)
    with mock_aws():
        checks = {c.name: c for c in observability_probe(_context(env))}
    assert checks["amp llm-dev-observability"].status == "fail"
    assert checks["sns topic"].status == "fail"
    assert checks["dashboard llm-dev-observability-fsx"].status == "fail"


def test_applied_resources_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _dev(tmp_path)
    monkeypatch.setenv(
        "MOTO_ACCOUNT_ID", env.account_id
    )  # the probe names the topic in the environment's account
    assert dashboard_keys_for(env) == ("fsx", "network")
    with mock_aws():
        context = _context(env)
        amp = context.aws.client("amp")
        amp.create_workspace(alias="llm-dev-observability")
        sns = context.aws.client("sns")
        topic = sns.create_topic(Name="llm-dev-observability-alarms")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="https", Endpoint="https://hooks.example.com/x")
        cloudwatch = context.aws.client("cloudwatch")
        for key in ("fsx", "network"):
            cloudwatch.put_dashboard(
                DashboardName=f"llm-dev-observability-{key}", DashboardBody='{"widgets": []}'
            )
        checks = {c.name: c for c in observability_probe(context)}
    assert checks["amp llm-dev-observability"].status == "pass", checks
    # moto confirms an https subscription at once (AWS waits for the endpoint's confirmation)
    assert checks["sns subscriptions"].status == "pass", checks["sns subscriptions"]
    assert checks["dashboard llm-dev-observability-fsx"].status == "pass"
    assert checks["dashboard llm-dev-observability-network"].status == "pass"
    assert checks["grafana llm-dev-observability"].status in ("unknown", "fail")


def dashboard_keys_for(env: Any) -> tuple[str, ...]:
    return dashboard_keys(_context(env))

"""Smoke probe of the observability layer: the AMP workspace is ACTIVE, the alarm topic has a confirmed
subscription (when the config asks for any), each configured CloudWatch dashboard exists, and the Grafana workspace
is ACTIVE (where the API exists: moto 5.2.5 has no Grafana, so that check reports unknown there)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError

from llm_infra.layers.observability import LAYER
from llm_infra.ops.report import Check, failed, passed, unknown
from llm_infra.ops.smoke import SmokeContext
from llm_infra.ops.wait import WaitTimeoutError

AMP_READY = "ACTIVE"
AMP_CONVERGING = frozenset({"CREATING", "UPDATING"})


def dashboard_keys(context: SmokeContext) -> tuple[str, ...]:
    """The dashboards the stack creates for this environment (the same decision the stack makes)."""
    from llm_infra.layers import NETWORK, STORAGE  # noqa: PLC0415

    config = LAYER.require(context.environment)
    if not config.dashboards:
        return ()
    keys = []
    storage = STORAGE.config(context.environment)
    if config.fsx is not False and storage is not None and storage.fsx is not None:
        keys.append("fsx")
    if NETWORK.require(context.environment).nat_az_ids:
        keys.append("network")
    return tuple(keys)


def workspace_check(context: SmokeContext, amp: Any, alias: str) -> Check:
    name = f"amp {alias}"
    found = [w for w in amp.list_workspaces(alias=alias)["workspaces"] if w.get("alias") == alias]
    if not found:
        return failed(name, f"no AMP workspace with alias {alias}: is the observability layer applied?")
    workspace_id = found[0]["workspaceId"]

    def fetch() -> dict[str, Any]:
        return dict(amp.describe_workspace(workspaceId=workspace_id)["workspace"])

    def status(workspace: dict[str, Any]) -> str:
        return str(workspace.get("status", {}).get("statusCode", "UNKNOWN"))

    try:
        current = context.wait(
            fetch, lambda w: status(w) not in AMP_CONVERGING, what=f"AMP {alias}", state=status
        )
    except WaitTimeoutError as timeout:
        return failed(
            name, f"still {timeout.state} after {timeout.waited:.0f}s (raise --timeout to wait longer)"
        )
    state = status(current)
    if state != AMP_READY:
        return failed(name, f"status {state}")
    return passed(
        name,
        f"{workspace_id} ACTIVE, remote write {current.get('prometheusEndpoint', '?')}api/v1/remote_write",
    )


def subscription_check(sns: Any, topic_arn: str, wanted: int) -> Check:
    name = "sns subscriptions"
    subscriptions = []
    for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
        subscriptions.extend(page["Subscriptions"])
    confirmed = [s for s in subscriptions if s.get("SubscriptionArn", "").startswith("arn:")]
    pending = len(subscriptions) - len(confirmed)
    if wanted == 0:
        return unknown(name, "the config asks for no subscription: nobody is paged by this topic")
    if confirmed:
        return passed(name, f"{len(confirmed)} confirmed, {pending} pending on {topic_arn}")
    return failed(
        name, f"none of {len(subscriptions)} subscription(s) confirmed on {topic_arn} (confirm the e-mail)"
    )


def dashboard_checks(cloudwatch: Any, prefix: str, keys: tuple[str, ...]) -> list[Check]:
    existing = {
        entry["DashboardName"]
        for page in cloudwatch.get_paginator("list_dashboards").paginate(DashboardNamePrefix=prefix)
        for entry in page["DashboardEntries"]
    }
    return [
        passed(f"dashboard {prefix}-{key}", "exists")
        if f"{prefix}-{key}" in existing
        else failed(f"dashboard {prefix}-{key}", "missing: is the observability layer applied?")
        for key in keys
    ]


def grafana_check(grafana: Any, name: str) -> Check:
    check = f"grafana {name}"
    try:
        workspaces = grafana.list_workspaces()["workspaces"]
    except (ClientError, EndpointConnectionError) as error:
        return unknown(
            check, f"the Grafana API did not answer ({type(error).__name__}; emulator without AMG?)"
        )
    found = [w for w in workspaces if w.get("name") == name]
    if not found:
        return failed(check, "no such workspace")
    status = found[0].get("status", "UNKNOWN")
    return (
        passed(check, f"{found[0].get('endpoint')} ACTIVE") if status == "ACTIVE" else failed(check, status)
    )


def observability_probe(context: SmokeContext) -> list[Check]:
    config = LAYER.config(context.environment)
    if config is None:
        return []
    label = context.label("observability")
    aws = context.aws
    checks = [workspace_check(context, aws.client("amp"), config.amp_alias or label.prefix)]
    sns = aws.client("sns")
    topic_arn = (
        f"arn:aws:sns:{context.environment.region}:{context.environment.account_id}:{label.prefix}-alarms"
    )
    try:
        sns.get_topic_attributes(TopicArn=topic_arn)
    except ClientError:
        checks.append(failed("sns topic", f"{topic_arn} does not exist"))
    else:
        checks.append(subscription_check(sns, topic_arn, len(config.subscriptions)))
    checks.extend(dashboard_checks(aws.client("cloudwatch"), label.prefix, dashboard_keys(context)))
    if config.grafana.enabled:
        checks.append(grafana_check(aws.client("grafana"), label.prefix))
    return checks

"""Load the shipped Grafana dashboards into an environment's Amazon Managed Grafana workspace, with the AMP and
CloudWatch data sources they use (the workspace's ``data_sources`` only grants the permissions; the data source
objects and dashboards live inside Grafana). No grafana Terraform provider: it is not available here and brings a
two-phase apply and token expiry.

Through the Grafana HTTP API with a short-lived service-account token: a service account (role ADMIN) and a token
that lives ``TOKEN_SECONDS`` are created with the AMG API for this run and deleted afterwards, whatever happened.
Data sources are upserted by uid (``llm-infra-amp``, ``llm-infra-cloudwatch``, the uids the dashboards' panels
name), dashboards posted with ``overwrite``: loading twice gives the same workspace.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_infra.config import Environment
from llm_infra.label import Label
from llm_infra.ops.errors import OpsError
from llm_infra.ops.report import Check, failed, passed
from llm_infra.ops.session import Aws

DASHBOARDS_DIR = Path(__file__).resolve().parents[1] / "layers" / "observability" / "grafana"
AMP_UID = "llm-infra-amp"
CLOUDWATCH_UID = "llm-infra-cloudwatch"
TOKEN_SECONDS = 900  # long enough for one load, short enough to be worthless soon after
HTTP_TIMEOUT_S = 30


def shipped_dashboards(directory: Path = DASHBOARDS_DIR) -> dict[str, dict[str, Any]]:
    """File stem -> dashboard model, for every JSON file shipped."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))
    }


def data_sources(*, region: str, amp_query_url: str) -> list[dict[str, Any]]:
    """The two data sources the dashboards name, authenticated with the workspace's IAM role (AMG's
    ``ec2_iam_role`` auth type: the role modules/observability gives the workspace)."""
    return [
        {
            "uid": AMP_UID,
            "name": "Amazon Managed Prometheus",
            "type": "prometheus",
            "access": "proxy",
            "url": amp_query_url,
            "jsonData": {"httpMethod": "POST", "sigV4Auth": True, "sigV4AuthType": "ec2_iam_role",
                         "sigV4Region": region},
        },
        {
            "uid": CLOUDWATCH_UID,
            "name": "CloudWatch",
            "type": "cloudwatch",
            "access": "proxy",
            "jsonData": {"authType": "ec2_iam_role", "defaultRegion": region},
        },
    ]  # fmt: skip


class GrafanaApiError(OpsError):
    pass


@dataclass
class GrafanaApi:
    """The few Grafana HTTP API calls the loader makes (``base_url``: ``https://<workspace endpoint>``)."""

    base_url: str
    token: str
    opener: Callable[..., Any] = urllib.request.urlopen

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> tuple[int, Any]:
        request = urllib.request.Request(
            f"{self.base_url.rstrip('/')}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                     "Accept": "application/json"},
        )  # fmt: skip
        try:
            with self.opener(request, timeout=HTTP_TIMEOUT_S) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, _json_or_text(error.read())
        except (urllib.error.URLError, TimeoutError) as error:
            raise GrafanaApiError(f"Grafana at {self.base_url} did not answer: {error}") from error

    def upsert_data_source(self, source: Mapping[str, Any]) -> Check:
        name = f"data source {source['uid']}"
        status, _ = self.call("GET", f"/api/datasources/uid/{source['uid']}")
        if status == 200:
            status, answer = self.call("PUT", f"/api/datasources/uid/{source['uid']}", source)
            verb = "updated"
        else:
            status, answer = self.call("POST", "/api/datasources", source)
            verb = "created"
        if status == 200:
            return passed(name, f"{verb} ({source['type']})")
        return failed(name, f"HTTP {status}: {_message(answer)}")

    def put_dashboard(self, key: str, dashboard: Mapping[str, Any]) -> Check:
        name = f"grafana dashboard {key}"
        body = {
            "dashboard": {**dashboard, "id": None},
            "overwrite": True,
            "message": "llm-infra load_grafana",
        }
        status, answer = self.call("POST", "/api/dashboards/db", body)
        if status == 200:
            return passed(name, f"{dashboard['uid']} version {answer.get('version', '?')}")
        return failed(name, f"HTTP {status}: {_message(answer)}")


def _json_or_text(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")[:200]


def _message(answer: Any) -> str:
    return str(answer.get("message", answer)) if isinstance(answer, dict) else str(answer)


def load_into(api: GrafanaApi, sources: list[dict[str, Any]], dashboards: Mapping[str, Any]) -> list[Check]:
    """Data sources first (the dashboards name them), then every dashboard."""
    checks = [api.upsert_data_source(source) for source in sources]
    checks += [api.put_dashboard(key, dashboard) for key, dashboard in sorted(dashboards.items())]
    return checks


def find_workspace(grafana: Any, name: str) -> dict[str, Any]:
    found = [
        w
        for page in grafana.get_paginator("list_workspaces").paginate()
        for w in page["workspaces"]
        if w.get("name") == name
    ]
    if not found:
        raise OpsError(
            f"no Grafana workspace named {name}: is the observability layer applied with grafana on?"
        )
    if found[0].get("status") != "ACTIVE":
        raise OpsError(f"Grafana workspace {name} is {found[0].get('status')}, not ACTIVE: retry later")
    return dict(found[0])


def amp_query_url(amp: Any, alias: str, region: str) -> str:
    found = [w for w in amp.list_workspaces(alias=alias)["workspaces"] if w.get("alias") == alias]
    if not found:
        raise OpsError(f"no AMP workspace with alias {alias}: is the observability layer applied?")
    return f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{found[0]['workspaceId']}/"


def load(
    aws: Aws,
    environment: Environment,
    *,
    base_url: str | None = None,
    opener: Callable[..., Any] = urllib.request.urlopen,
    now: Callable[[], float] = time.time,
) -> list[Check]:
    """Load every shipped dashboard into the environment's workspace. ``base_url`` overrides
    ``https://<workspace endpoint>`` (tests: a local stub server)."""
    from llm_infra.layers import OBSERVABILITY  # noqa: PLC0415

    config = OBSERVABILITY.require(environment)
    if not config.grafana.enabled:
        raise OpsError(
            f"{environment.name}: observability.grafana.enabled is false: there is no workspace to load"
        )
    label = Label.for_layer(environment, "observability")
    grafana = aws.client("grafana")
    workspace = find_workspace(grafana, label.prefix)
    sources = data_sources(
        region=environment.region,
        amp_query_url=amp_query_url(aws.client("amp"), config.amp_alias or label.prefix, environment.region),
    )
    account = grafana.create_workspace_service_account(
        workspaceId=workspace["id"], grafanaRole="ADMIN", name=f"llm-infra-loader-{int(now())}"
    )
    try:
        token = grafana.create_workspace_service_account_token(
            workspaceId=workspace["id"],
            serviceAccountId=account["id"],
            name=f"load-{int(now())}",
            secondsToLive=TOKEN_SECONDS,
        )
        try:
            api = GrafanaApi(base_url or f"https://{workspace['endpoint']}", token["serviceAccountToken"]["key"],
                             opener)  # fmt: skip
            return load_into(api, sources, shipped_dashboards())
        finally:
            grafana.delete_workspace_service_account_token(
                workspaceId=workspace["id"],
                serviceAccountId=account["id"],
                tokenId=token["serviceAccountToken"]["id"],
            )
    finally:
        grafana.delete_workspace_service_account(workspaceId=workspace["id"], serviceAccountId=account["id"])

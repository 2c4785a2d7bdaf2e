"""The Grafana loader against a local stub of the Grafana HTTP API (127.0.0.1, a real HTTP server) and the AMG/AMP
APIs answered by botocore Stubbers: data sources upserted by uid, every shipped dashboard posted, the short-lived
service account and token deleted afterwards even when Grafana refuses; and the shipped dashboards query only
metrics the pinned exporters publish (tests/support/exporter_metrics.py) and FSx metrics FACTS.md lists."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from llm_infra.config import Environment
from llm_infra.label import Label
from llm_infra.ops.grafana import AMP_UID, CLOUDWATCH_UID, TOKEN_SECONDS, load, shipped_dashboards
from llm_infra.ops.session import Aws, client_config
from tests.support.exporter_metrics import EXPORTERS, metric_names
from tests.support.layers import shipped_environments
from tests.support.metric_facts import METRICS

TOKEN = "glsa_stub_token"
WORKSPACE = "g-0123456789"
ACCOUNT_ID = "7"
TOKEN_ID = "11"


class StubGrafana(BaseHTTPRequestHandler):
    """The data source and dashboard endpoints the loader calls, with Bearer-token auth."""

    sources: dict[str, dict[str, Any]]
    dashboards: dict[str, dict[str, Any]]
    calls: list[tuple[str, str]]
    token: str

    def _reply(self, status: int, body: Any) -> None:
        raw = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _handle(self, method: str) -> None:
        self.calls.append((method, self.path))
        if self.headers.get("Authorization") != f"Bearer {self.token}":
            self._reply(401, {"message": "invalid API key"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        uid = self.path.rsplit("/", 1)[-1]
        if method == "GET" and self.path.startswith("/api/datasources/uid/"):
            self._reply(200, self.sources[uid]) if uid in self.sources else self._reply(
                404, {"message": "not found"}
            )
        elif method == "PUT" and self.path.startswith("/api/datasources/uid/") and uid in self.sources:
            self.sources[uid] = body
            self._reply(200, {"message": "Datasource updated"})
        elif method == "POST" and self.path == "/api/datasources":
            if body["uid"] in self.sources:
                self._reply(409, {"message": "data source with the same uid already exists"})
            else:
                self.sources[body["uid"]] = body
                self._reply(200, {"message": "Datasource added"})
        elif method == "POST" and self.path == "/api/dashboards/db" and body["overwrite"] is True:
            dashboard = body["dashboard"]
            version = self.dashboards.get(dashboard["uid"], {}).get("version", 0) + 1
            self.dashboards[dashboard["uid"]] = {**dashboard, "version": version}
            self._reply(200, {"status": "success", "uid": dashboard["uid"], "version": version})
        else:
            self._reply(400, {"message": f"unexpected {method} {self.path}"})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def grafana_server() -> Iterator[tuple[str, type[StubGrafana]]]:
    handler = type("Handler", (StubGrafana,), {"sources": {}, "dashboards": {}, "calls": [], "token": TOKEN})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def dev() -> Environment:
    return shipped_environments()["dev"]


def stubbed(env: Environment, token: str = TOKEN) -> tuple[Aws, list[Stubber]]:
    """AMG and AMP answers of one load: workspace, AMP alias, service account + token created, then deleted."""
    core = botocore.session.Session()
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="y", region_name=env.region,
                            botocore_session=core)  # fmt: skip
    aws = Aws(session=session, config=client_config(core), region=env.region)
    prefix = Label.for_layer(env, "observability").prefix
    grafana, amp = Stubber(aws.client("grafana")), Stubber(aws.client("amp"))
    summary = {"id": WORKSPACE, "name": prefix, "status": "ACTIVE", "authentication": {"providers": ["AWS_SSO"]},
               "endpoint": f"{WORKSPACE}.grafana-workspace.{env.region}.amazonaws.com", "grafanaVersion": "10.4",
               "created": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z"}  # fmt: skip
    grafana.add_response("list_workspaces", {"workspaces": [summary]}, {})
    amp.add_response(
        "list_workspaces",
        {"workspaces": [{"alias": prefix, "workspaceId": "ws-0123", "arn": "arn:aws:aps:us-west-2:111111111111:"
                         "workspace/ws-0123", "status": {"statusCode": "ACTIVE"}, "createdAt": "2026-01-01T00:00:00Z"}]},
        {"alias": prefix},
    )  # fmt: skip
    grafana.add_response(
        "create_workspace_service_account",
        {"id": ACCOUNT_ID, "name": "llm-infra-loader-1", "grafanaRole": "ADMIN", "workspaceId": WORKSPACE},
        {"workspaceId": WORKSPACE, "grafanaRole": "ADMIN", "name": "llm-infra-loader-1"},
    )
    grafana.add_response(
        "create_workspace_service_account_token",
        {"serviceAccountId": ACCOUNT_ID, "workspaceId": WORKSPACE,
         "serviceAccountToken": {"id": TOKEN_ID, "name": "load-1", "key": token}},
        {"workspaceId": WORKSPACE, "serviceAccountId": ACCOUNT_ID, "name": "load-1", "secondsToLive": TOKEN_SECONDS},
    )  # fmt: skip
    grafana.add_response(
        "delete_workspace_service_account_token",
        {"serviceAccountId": ACCOUNT_ID, "tokenId": TOKEN_ID, "workspaceId": WORKSPACE},
        {"workspaceId": WORKSPACE, "serviceAccountId": ACCOUNT_ID, "tokenId": TOKEN_ID},
    )
    grafana.add_response(
        "delete_workspace_service_account",
        {"serviceAccountId": ACCOUNT_ID, "workspaceId": WORKSPACE},
        {"workspaceId": WORKSPACE, "serviceAccountId": ACCOUNT_ID},
    )
    for stub in (grafana, amp):
        stub.activate()
    return aws, [grafana, amp]


def test_a_load_creates_the_data_sources_and_every_dashboard_then_deletes_its_token(
    dev: Environment, grafana_server: tuple[str, type[StubGrafana]]
) -> None:
    url, server = grafana_server
    aws, stubs = stubbed(dev)
    checks = load(aws, dev, base_url=url, now=lambda: 1.0)
    for stub in stubs:
        stub.assert_no_pending_responses()  # the token and the service account were deleted
    assert all(c.status == "pass" for c in checks), checks
    assert set(server.sources) == {AMP_UID, CLOUDWATCH_UID}
    assert (
        server.sources[AMP_UID]["url"] == "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123/"
    )
    assert server.sources[AMP_UID]["jsonData"]["sigV4Region"] == dev.region
    shipped = shipped_dashboards()
    assert set(server.dashboards) == {d["uid"] for d in shipped.values()} and len(shipped) == 6
    # every panel and target names one of the data sources the load created
    for dashboard in server.dashboards.values():
        for panel in dashboard["panels"]:
            assert {panel["datasource"]["uid"]} | {t["datasource"]["uid"] for t in panel["targets"]} <= set(
                server.sources
            )

    # loading again updates in place: PUT for the data sources, new dashboard versions
    aws, stubs = stubbed(dev)
    assert all(c.status == "pass" for c in load(aws, dev, base_url=url, now=lambda: 1.0))
    assert [m for m, p in server.calls if p.startswith("/api/datasources")].count("PUT") == 2
    assert {d["version"] for d in server.dashboards.values()} == {2}


def test_a_refused_token_fails_every_check_and_still_deletes_the_token(
    dev: Environment, grafana_server: tuple[str, type[StubGrafana]]
) -> None:
    url, server = grafana_server
    aws, stubs = stubbed(dev, token="glsa_expired")
    checks = load(aws, dev, base_url=url, now=lambda: 1.0)
    for stub in stubs:
        stub.assert_no_pending_responses()
    assert checks and all(c.status == "fail" and "HTTP 401: invalid API key" in c.reason for c in checks)
    assert server.sources == {} and server.dashboards == {}


EXPORTED = frozenset().union(*EXPORTERS.values())


def test_the_shipped_dashboards_query_only_published_metrics() -> None:
    fsx_dimensions, fsx_metrics = METRICS["AWS/FSx"]
    checked = 0
    for key, dashboard in shipped_dashboards().items():
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                if target["datasource"]["uid"] == AMP_UID:
                    names = metric_names(target["expr"])
                    assert names and names <= EXPORTED, (key, panel["title"], names - EXPORTED)
                else:
                    assert target["namespace"] == "AWS/FSx" and target["metricName"] in fsx_metrics, (
                        key,
                        target,
                    )
                    assert set(target["dimensions"]) == fsx_dimensions
                checked += 1
    assert checked > 20
    # the checker itself: a name no exporter publishes is caught
    assert metric_names('rate(node_cpu_seconds{job="hyperpod"}[5m])') - EXPORTED == {"node_cpu_seconds"}

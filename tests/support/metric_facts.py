"""The CloudWatch metrics dashboards may show: namespace -> (dimension names, metric names), and a checker for a
rendered dashboard body. Source: ../shared/FACTS.md "Observability" (FSx: namespace AWS/FSx, dimension
FileSystemId, the seven metrics listed there; SageMaker endpoints: namespace AWS/SageMaker, dimensions EndpointName
and VariantName, the seven metrics of "SageMaker endpoints on Inferentia2") and the Amazon VPC user guide, "CloudWatch metrics for NAT gateways"
(AWS/NATGateway, dimension NatGatewayId) for the NAT metrics FACTS.md does not list yet."""

from __future__ import annotations

import json
import re
from typing import Any

METRICS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "AWS/FSx": (
        frozenset({"FileSystemId"}),
        frozenset({
            "DataReadBytes", "DataWriteBytes", "DataReadOperations", "DataWriteOperations", "MetadataOperations",
            "FreeDataStorageCapacity", "ClientConnections",
        }),
    ),
    "AWS/SageMaker": (
        frozenset({"EndpointName", "VariantName"}),
        frozenset({
            "Invocations", "Invocation4XXErrors", "Invocation5XXErrors", "InvocationsPerInstance", "ModelLatency",
            "OverheadLatency", "ConcurrentRequestsPerModel",
        }),
    ),
    "AWS/NATGateway": (
        frozenset({"NatGatewayId"}),
        frozenset({
            "ActiveConnectionCount", "BytesInFromDestination", "BytesInFromSource", "BytesOutToDestination",
            "BytesOutToSource", "ConnectionAttemptCount", "ConnectionEstablishedCount", "ErrorPortAllocation",
            "IdleTimeoutCount", "PacketsDropCount", "PacketsInFromDestination", "PacketsInFromSource",
            "PacketsOutToDestination", "PacketsOutToSource",
        }),
    ),
}  # fmt: skip
STATISTICS = {"SampleCount", "Average", "Sum", "Minimum", "Maximum"}
_ID = re.compile(r"\b([a-z][A-Za-z0-9_]*)\b")


def body_problems(body: str | dict[str, Any]) -> list[str]:
    """What is wrong with one dashboard body: unknown namespace, metric or dimension, a bad statistic, an
    expression over an id no metric of its widget has. Empty: every metric is one FACTS.md lists."""
    document = json.loads(body) if isinstance(body, str) else body
    problems = []
    for index, widget in enumerate(document["widgets"]):
        title = widget["properties"].get("title", index)
        rows = widget["properties"]["metrics"]
        ids = {row[-1].get("id") for row in rows if isinstance(row[-1], dict) and "expression" not in row[-1]}
        for row in rows:
            options = row[-1] if isinstance(row[-1], dict) else {}
            if "expression" in options:
                used = set(_ID.findall(options["expression"])) - {"PERIOD"}
                if not used <= ids:
                    problems.append(
                        f"{title}: expression {options['expression']!r} uses unknown ids {sorted(used - ids)}"
                    )
                continue
            namespace, name, *rest = [item for item in row if not isinstance(item, dict)]
            dimensions = set(rest[0::2])
            if namespace not in METRICS:
                problems.append(f"{title}: namespace {namespace} is not in FACTS.md")
                continue
            allowed_dimensions, names = METRICS[namespace]
            if name not in names:
                problems.append(f"{title}: {namespace} has no metric {name}")
            if dimensions != allowed_dimensions:
                problems.append(f"{title}: {namespace} {name} dimensions {sorted(dimensions)}")
            stat = options.get("stat", "Average")
            if stat not in STATISTICS and not re.fullmatch(r"p\d{1,2}(\.\d+)?", stat):
                problems.append(f"{title}: {namespace} {name} statistic {stat}")
    return problems

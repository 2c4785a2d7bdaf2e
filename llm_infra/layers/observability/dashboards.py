"""The CloudWatch dashboards the observability layer builds for what exists before it: the FSx for Lustre file
system and the network's NAT gateways. One definition, three readers: the stack passes it to
``modules/observability`` (``dashboards``), the README's tables are generated from it (``readme_tables``) and a
test checks every metric's namespace, name and dimensions in the synthesized plan against FACTS.md.

Metric names and dimensions: FSx (FACTS.md "Observability": ``AWS/FSx``, ``FileSystemId``; throughput is the sum
of bytes over the period), NAT gateways (``AWS/NATGateway``, ``NatGatewayId``; Amazon VPC user guide, "Monitor NAT
gateways with CloudWatch").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FSX = "AWS/FSx"
NAT = "AWS/NATGateway"
GIB = 1024**3
MB = 1_000_000  # FSx throughput is in MB/s (decimal), as the per-unit throughput MB/s/TiB


@dataclass(frozen=True)
class Metric:
    """A CloudWatch metric (``namespace`` + ``metric_name``) or a metric-math ``expression`` over others' ids."""

    namespace: str | None = None
    metric_name: str | None = None
    dimensions: Mapping[str, str] = field(default_factory=dict)
    stat: str = "Average"
    expression: str | None = None
    id: str | None = None
    label: str | None = None
    visible: bool = True

    def to_module(self) -> dict[str, Any]:
        value: dict[str, Any] = {"visible": self.visible}
        if self.expression is not None:
            value |= {"expression": self.expression, "id": self.id}
        else:
            value |= {
                "namespace": self.namespace,
                "metric_name": self.metric_name,
                "dimensions": dict(self.dimensions),
                "stat": self.stat,
            }
            if self.id is not None:
                value["id"] = self.id
        if self.label is not None:
            value["label"] = self.label
        return value


@dataclass(frozen=True)
class Annotation:
    label: str
    value: float


@dataclass(frozen=True)
class Widget:
    title: str
    metrics: tuple[Metric, ...]
    period: int = 300
    y_label: str | None = None
    annotations: tuple[Annotation, ...] = ()
    width: int = 12  # of the 24-column grid (modules/cloudwatch-dashboard's default)

    def to_module(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "title": self.title,
            "width": self.width,
            "period": self.period,
            "metrics": [metric.to_module() for metric in self.metrics],
            "horizontal_annotations": [{"label": a.label, "value": a.value} for a in self.annotations],
        }
        if self.y_label is not None:
            value["y_label"] = self.y_label
        return value


def fsx_widgets(
    *, file_system_id: str, capacity_gib: int, baseline_mbps: float, free_alarm_percent: int
) -> tuple[Widget, ...]:
    """Read/write throughput against the configured baseline, operations, metadata operations, free capacity and
    clients of one file system."""
    dims = {"FileSystemId": file_system_id}

    def raw(name: str, metric_id: str, stat: str = "Sum") -> Metric:
        return Metric(FSX, name, dims, stat=stat, id=metric_id, visible=False)

    def rate(metric_id: str, label: str, scale: str = "") -> Metric:
        return Metric(
            expression=f"{metric_id} / PERIOD({metric_id}){scale}", id=f"{metric_id}_rate", label=label
        )

    return (
        Widget(
            "Throughput (MB/s) vs baseline",
            (
                raw("DataReadBytes", "read"),
                raw("DataWriteBytes", "write"),
                rate("read", "read MB/s", f" / {MB}"),
                rate("write", "write MB/s", f" / {MB}"),
            ),
            period=60,
            y_label="MB/s",
            annotations=(Annotation(f"baseline {baseline_mbps:,.0f} MB/s", round(baseline_mbps, 1)),),
        ),
        Widget(
            "Data operations/s",
            (
                raw("DataReadOperations", "reads"),
                raw("DataWriteOperations", "writes"),
                rate("reads", "read ops/s"),
                rate("writes", "write ops/s"),
            ),
            period=60,
            y_label="ops/s",
        ),
        Widget(
            "Metadata operations/s",
            (raw("MetadataOperations", "meta"), rate("meta", "metadata ops/s")),
            period=60,
            y_label="ops/s",
        ),
        Widget(
            "Free capacity (GiB)",
            (
                raw("FreeDataStorageCapacity", "free", stat="Minimum"),
                Metric(expression=f"free / {GIB}", id="free_gib", label="free GiB"),
            ),
            y_label="GiB",
            annotations=(
                Annotation(
                    f"alarm below {free_alarm_percent}%", round(capacity_gib * free_alarm_percent / 100, 1)
                ),
            ),
        ),
        Widget("Client connections", (Metric(FSX, "ClientConnections", dims, stat="Maximum"),)),
    )


def nat_widgets(nat_gateway_ids: Mapping[str, str]) -> tuple[Widget, ...]:
    """Traffic, drops and port-allocation errors, and connections of each NAT gateway (by AZ ID)."""
    if not nat_gateway_ids:
        return ()
    gateways = sorted(nat_gateway_ids.items())

    def each(name: str, stat: str) -> tuple[Metric, ...]:
        return tuple(
            Metric(NAT, name, {"NatGatewayId": gateway}, stat=stat, label=f"{name} {az}")
            for az, gateway in gateways
        )

    return (
        Widget(
            "NAT bytes out to destination / in from source",
            (*each("BytesOutToDestination", "Sum"), *each("BytesInFromSource", "Sum")),
            y_label="bytes",
        ),
        Widget(
            "NAT dropped packets and port-allocation errors",
            (*each("PacketsDropCount", "Sum"), *each("ErrorPortAllocation", "Sum")),
            y_label="count",
        ),
        Widget("NAT active connections", each("ActiveConnectionCount", "Maximum"), y_label="connections"),
    )


def to_module(dashboards: Mapping[str, Sequence[Widget]]) -> dict[str, list[dict[str, Any]]]:
    """The module's ``dashboards`` variable (dashboards without widgets are left out)."""
    return {key: [w.to_module() for w in widgets] for key, widgets in dashboards.items() if widgets}


def _metric_text(metric: Metric) -> str:
    if metric.expression is not None:
        return f"`{metric.expression}` ({metric.label})"
    dims = ", ".join(sorted(metric.dimensions))
    return f"`{metric.namespace}` `{metric.metric_name}` {metric.stat} by {dims}"


def readme_table(widgets: Sequence[Widget]) -> str:
    """One Markdown table: widget, its metrics (hidden inputs first), annotations."""
    rows = ["| widget | metrics | lines |", "|---|---|---|"]
    for widget in widgets:
        metrics = "<br>".join(dict.fromkeys(_metric_text(m) for m in widget.metrics))
        lines = "<br>".join(a.label for a in widget.annotations) or "-"
        rows.append(f"| {widget.title} (period {widget.period}s) | {metrics} | {lines} |")
    return "\n".join(rows)

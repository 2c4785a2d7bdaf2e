"""The observability layer's line in the synth summary: retention, who is paged, what is watched."""

from __future__ import annotations

from llm_infra.layers.observability.config import ObservabilityConfig


def note(config: ObservabilityConfig) -> str:
    grafana = config.grafana
    parts = [
        f"AMP logs {config.retention_days or 'never-expiring'} d",
        f"{len(config.subscriptions)} subscription(s)",
        f"Grafana {grafana.version} ({'/'.join(grafana.authentication)}, {'VPC' if grafana.vpc else 'access control'})"
        if grafana.enabled
        else "no Grafana",
    ]
    if config.fsx is not False:
        parts.append(f"FSx alarm < {config.alarms.fsx_free_capacity_percent}% free")
    if config.budget is not None:
        parts.append(f"budget {config.budget.amount_usd:,.0f} USD {config.budget.time_unit.lower()}")
    return "; ".join(parts)

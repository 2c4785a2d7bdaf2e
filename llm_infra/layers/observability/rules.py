"""Observability rules that need more than the ``[observability]`` table: Grafana's VPC connection on the network's
private subnets (OBS-011: 2-6), the FSx alarm and dashboard need the storage layer's file system (OBS-018)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.config.types import rule
from llm_infra.layers.observability.config import GRAFANA_SUBNETS
from llm_infra.layers.spec import Problems

if TYPE_CHECKING:
    from llm_infra.config import Environment


def rules(environment: Environment) -> Problems:
    from llm_infra.layers import NETWORK, STORAGE  # noqa: PLC0415 - the registry imports this package lazily
    from llm_infra.layers.observability import LAYER  # noqa: PLC0415

    config = LAYER.require(environment)
    problems: Problems = []
    grafana = config.grafana
    if grafana.enabled and grafana.vpc:
        az_ids = NETWORK.require(environment).az_ids
        low, high = GRAFANA_SUBNETS["min"], GRAFANA_SUBNETS["max"]
        if len(az_ids) < low:
            problems.append(
                rule(
                    "observability.grafana.vpc",
                    f"Grafana's VPC connection needs {low}-{high} subnets; the network has "
                    f"{len(az_ids)} private subnet(s)",
                    len(az_ids),
                    id="OBS-011",
                    allowed=f"a network with {low}+ private subnets, or vpc = false with network access control",
                )
            )
    storage = STORAGE.config(environment)
    if config.fsx is True and (storage is None or storage.fsx is None):
        problems.append(
            rule(
                "observability.fsx",
                "the FSx alarm and dashboard need the storage layer's file system, which is off",
                True,
                id="OBS-018",
                allowed="enable storage, or set observability.fsx = false",
            )
        )
    return problems

"""The observability layer: alarm topic and key, AMP workspace (remote write, node alerts), Grafana, the FSx alarm,
CloudWatch dashboards of the file system and the network, and the budget (``modules/observability``,
``modules/cloudwatch-dashboard``). Table ``[observability]``; on unless ``enabled = false``. Requires the network;
uses storage (the FSx alarm and dashboard) when it is on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.observability.config import ObservabilityConfig
from llm_infra.layers.observability.outputs import ObservabilityOutputs
from llm_infra.layers.spec import Deps, Layer, PreflightInputs, Problems
from llm_infra.layers.storage.outputs import StorageOutputs

if TYPE_CHECKING:
    from llm_infra.cdk import Construct
    from llm_infra.config import Environment
    from llm_infra.ops.report import Check
    from llm_infra.ops.smoke import SmokeContext
    from llm_infra.stacks.base import LayerStack


def _build(scope: Construct, environment: Environment, deps: Deps) -> LayerStack:
    from llm_infra.layers.observability.stack import ObservabilityStack  # noqa: PLC0415 - the CDK starts here

    network = deps["network"]
    assert isinstance(network, NetworkOutputs)  # the builder checked it against the network layer's spec
    storage = deps.get("storage")
    assert storage is None or isinstance(storage, StorageOutputs)
    return ObservabilityStack(
        scope, environment=environment, config=LAYER.require(environment), network=network, storage=storage
    )


def _rules(environment: Environment) -> Problems:
    from llm_infra.layers.observability.rules import rules  # noqa: PLC0415

    return rules(environment)


def _probe(context: SmokeContext) -> list[Check]:
    from llm_infra.layers.observability.probes import observability_probe  # noqa: PLC0415 - boto3 only here

    return observability_probe(context)


def _note(environment: Environment) -> str:
    from llm_infra.layers.observability.summary import note  # noqa: PLC0415

    return note(LAYER.require(environment))


def _preflight(environment: Environment) -> PreflightInputs:
    from llm_infra.layers.observability.preflight import inputs  # noqa: PLC0415

    return inputs(environment)


def _enabled(config: ObservabilityConfig) -> bool:
    """The one place that says whether observability is on."""
    return config.enabled


LAYER: Layer[ObservabilityConfig] = Layer(
    name="observability",
    table="observability",
    config_model=ObservabilityConfig,
    enabled=_enabled,
    outputs=ObservabilityOutputs,
    build=_build,
    requires=("network",),
    uses=("storage",),
    providers=("aws",),
    protected_types=(
        "aws_prometheus_workspace",
        "aws_grafana_workspace",
        "aws_cloudwatch_log_group",
        "aws_kms_key",
    ),
    modules=("kms-key", "cloudwatch-dashboard", "observability"),
    rules=_rules,
    probes=(("observability", _probe),),
    note=_note,
    preflight=_preflight,
)

__all__ = ["LAYER", "ObservabilityConfig", "ObservabilityOutputs"]

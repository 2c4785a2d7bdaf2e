"""The network layer: VPC, subnets keyed by AZ ID, NAT or closed network, EFA security group, placement groups,
EFA launch templates (``modules/network``). Every other layer builds on it; its table ``[network]`` is required."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.layers.network.config import NetworkConfig
from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.spec import Deps, Layer, PreflightInputs, Problems

if TYPE_CHECKING:
    from llm_infra.cdk import Construct
    from llm_infra.config import Environment
    from llm_infra.ops.report import Check
    from llm_infra.ops.smoke import SmokeContext
    from llm_infra.stacks.base import LayerStack


def _build(scope: Construct, environment: Environment, _deps: Deps) -> LayerStack:
    from llm_infra.layers.network.stack import NetworkStack  # noqa: PLC0415 - the CDK starts here, not at import

    return NetworkStack(scope, environment=environment, config=LAYER.require(environment))


def _rules(environment: Environment) -> Problems:
    from llm_infra.layers.network.rules import rules  # noqa: PLC0415

    return rules(environment)


def _probe(context: SmokeContext) -> list[Check]:
    from llm_infra.layers.network.probes import network_probe  # noqa: PLC0415 - boto3 only for the ops tools

    return network_probe(context)


def _note(environment: Environment) -> str:
    from llm_infra.layers.network.summary import note  # noqa: PLC0415

    return note(LAYER.require(environment))


def _preflight(environment: Environment) -> PreflightInputs:
    from llm_infra.layers.network.preflight import inputs  # noqa: PLC0415

    return inputs(LAYER.require(environment))


LAYER: Layer[NetworkConfig] = Layer(
    name="network",
    table="network",
    config_model=NetworkConfig,
    required_table=True,
    outputs=NetworkOutputs,
    build=_build,
    providers=("aws",),
    protected_types=("aws_kms_key",),  # flow logs and launch-template volumes are unreadable without it
    modules=("kms-key", "network"),
    rules=_rules,
    probes=(("network", _probe),),
    note=_note,
    preflight=_preflight,
)

__all__ = ["LAYER", "NetworkConfig", "NetworkOutputs"]

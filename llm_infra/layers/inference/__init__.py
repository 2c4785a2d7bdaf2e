"""The inference layer: SageMaker real-time endpoints on Inferentia2, autoscaled, rolled out with automatic rollback
(``modules/inference-fleet``). Table ``[inference]``; on when present unless ``enabled = false``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.layers.inference.config import InferenceConfig
from llm_infra.layers.inference.outputs import InferenceOutputs
from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.observability.outputs import ObservabilityOutputs
from llm_infra.layers.spec import Deps, Layer, PreflightInputs, Problems, RiskyUpdate
from llm_infra.layers.storage.outputs import StorageOutputs

if TYPE_CHECKING:
    from llm_infra.cdk import Construct
    from llm_infra.config import Environment
    from llm_infra.ops.report import Check
    from llm_infra.ops.smoke import SmokeContext
    from llm_infra.stacks.base import LayerStack


def _build(scope: Construct, environment: Environment, deps: Deps) -> LayerStack:
    from llm_infra.layers.inference.stack import InferenceStack  # noqa: PLC0415 - the CDK starts here

    network, storage = deps["network"], deps["storage"]
    assert isinstance(network, NetworkOutputs) and isinstance(storage, StorageOutputs)
    # The observability layer's topic, when that layer is on (``uses``): the rollback alarms notify it.
    observability = deps.get("observability")
    assert observability is None or isinstance(observability, ObservabilityOutputs)
    return InferenceStack(
        scope,
        environment=environment,
        config=LAYER.require(environment),
        network=network,
        storage=storage,
        observability=observability,
    )


def _rules(environment: Environment) -> Problems:
    from llm_infra.layers.inference.rules import rules  # noqa: PLC0415

    return rules(environment)


def _probe(context: SmokeContext) -> list[Check]:
    from llm_infra.layers.inference.probes import inference_probe  # noqa: PLC0415 - boto3 only for ops tools

    return inference_probe(context)


def _note(environment: Environment) -> str:
    from llm_infra.layers.inference.summary import note  # noqa: PLC0415

    return note(LAYER.require(environment))


def _preflight(environment: Environment) -> PreflightInputs:
    from llm_infra.layers.inference.preflight import inputs  # noqa: PLC0415

    return inputs(LAYER.require(environment))


def _enabled(config: InferenceConfig) -> bool:
    """The one place that says whether inference is on."""
    return config.enabled


LAYER: Layer[InferenceConfig] = Layer(
    name="inference",
    table="inference",
    config_model=InferenceConfig,
    enabled=_enabled,
    outputs=InferenceOutputs,
    build=_build,
    # The buckets and their key come from storage (a serving-only account sets storage.fsx_enabled = false).
    requires=("network", "storage"),
    uses=("observability",),
    providers=("aws",),
    # Endpoints are what clients call; a replace is an outage. The role and alarms are recreated without loss.
    protected_types=("aws_sagemaker_endpoint",),
    # A new endpoint configuration is deployed with its initial_instance_count: the autoscaled count falls back to
    # the minimum during the rollout (terraform-provider-aws #48990).
    risky_updates=(
        RiskyUpdate(
            "aws_sagemaker_endpoint",
            "endpoint_config_name",
            "a new endpoint configuration resets the instance count to initial_instance_count (the autoscaled "
            "count is lost: provider #48990)",
        ),
    ),
    modules=("inference-fleet", "cloudwatch-dashboard"),
    rules=_rules,
    probes=(("inference", _probe),),
    note=_note,
    preflight=_preflight,
)

__all__ = ["LAYER", "InferenceConfig", "InferenceOutputs"]

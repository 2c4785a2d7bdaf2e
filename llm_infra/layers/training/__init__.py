"""The training layer: the aws-only HyperPod prerequisites (``modules/hyperpod-prerequisites``: execution role,
``sagemaker-`` lifecycle bucket and scripts, SSM access policy) in ``<env>-training``, on the network and storage
layers. Table ``[training]``; on unless ``enabled = false``. The cluster itself is the ``hyperpod`` layer, which
reads the same table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.observability.outputs import ObservabilityOutputs
from llm_infra.layers.spec import Deps, Layer, PreflightInputs, Problems
from llm_infra.layers.storage.outputs import StorageOutputs
from llm_infra.layers.training.config import TrainingConfig
from llm_infra.layers.training.outputs import TrainingOutputs

if TYPE_CHECKING:
    from llm_infra.cdk import Construct
    from llm_infra.config import Environment
    from llm_infra.stacks.base import LayerStack


def _build(scope: Construct, environment: Environment, deps: Deps) -> LayerStack:
    from llm_infra.layers.storage import LAYER as STORAGE  # noqa: PLC0415
    from llm_infra.layers.training.stack import TrainingStack  # noqa: PLC0415 - the CDK starts here

    network, storage = deps["network"], deps["storage"]
    assert isinstance(network, NetworkOutputs) and isinstance(storage, StorageOutputs)
    # The observability layer's AMP workspace, when that layer is on (``uses``): remote write from the nodes.
    observability = deps.get("observability")
    assert observability is None or isinstance(observability, ObservabilityOutputs)
    fsx = STORAGE.require(environment).fsx
    return TrainingStack(
        scope,
        environment=environment,
        config=LAYER.require(environment),
        network=network,
        storage=storage,
        fsx_efa=fsx is not None and fsx.efa_enabled,
        observability=observability,
    )


def _rules(environment: Environment) -> Problems:
    from llm_infra.layers.training.rules import rules  # noqa: PLC0415

    return rules(environment)


def _note(environment: Environment) -> str:
    from llm_infra.layers.storage import LAYER as STORAGE  # noqa: PLC0415
    from llm_infra.layers.training.summary import note  # noqa: PLC0415

    storage = STORAGE.config(environment)
    fsx = storage.fsx if storage is not None else None
    throughput = (
        fsx.storage_capacity_gib / 1024 * fsx.per_unit_storage_throughput
        if fsx is not None and fsx.per_unit_storage_throughput
        else None
    )
    return note(LAYER.require(environment), throughput)


def _preflight(environment: Environment) -> PreflightInputs:
    from llm_infra.layers.training.preflight import inputs  # noqa: PLC0415

    return inputs(LAYER.require(environment))


def _enabled(config: TrainingConfig) -> bool:
    """The one place that says whether training (and so the hyperpod cluster) is on."""
    return config.enabled


LAYER: Layer[TrainingConfig] = Layer(
    name="training",
    table="training",
    config_model=TrainingConfig,
    enabled=_enabled,
    outputs=TrainingOutputs,
    build=_build,
    requires=("network", "storage"),
    uses=("observability",),
    providers=("aws",),
    # The execution role keeps its ARN for the cluster; a replaced role breaks the running nodes' credentials.
    protected_types=("aws_iam_role",),
    modules=("kms-key", "s3-buckets", "hyperpod-prerequisites"),
    rules=_rules,
    note=_note,  # the cluster's smoke probe is the hyperpod layer's
    preflight=_preflight,
)

__all__ = ["LAYER", "TrainingConfig", "TrainingOutputs"]

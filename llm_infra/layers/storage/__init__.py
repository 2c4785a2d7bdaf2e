"""The storage layer: S3 data buckets and FSx for Lustre in the training AZ, linked by data repository
associations (``modules/s3-buckets``, ``modules/fsx-lustre``). Table ``[storage]``; on unless ``enabled = false``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.spec import Deps, Layer, PreflightInputs, Problems
from llm_infra.layers.storage.config import StorageConfig
from llm_infra.layers.storage.outputs import StorageOutputs

if TYPE_CHECKING:
    from llm_infra.cdk import Construct
    from llm_infra.config import Environment
    from llm_infra.ops.report import Check
    from llm_infra.ops.smoke import SmokeContext
    from llm_infra.stacks.base import LayerStack


def _build(scope: Construct, environment: Environment, deps: Deps) -> LayerStack:
    from llm_infra.layers.storage.stack import StorageStack  # noqa: PLC0415 - the CDK starts here, not at import

    network = deps["network"]
    assert isinstance(network, NetworkOutputs)  # the builder checked it against the network layer's spec
    return StorageStack(scope, environment=environment, config=LAYER.require(environment), network=network)


def _rules(environment: Environment) -> Problems:
    from llm_infra.layers.storage.rules import rules  # noqa: PLC0415

    return rules(environment)


def _probe(context: SmokeContext) -> list[Check]:
    from llm_infra.layers.storage.probes import fsx_probe  # noqa: PLC0415 - boto3 only for the ops tools

    return fsx_probe(context)


def _note(environment: Environment) -> str:
    from llm_infra.layers.storage.summary import note  # noqa: PLC0415

    return note(LAYER.require(environment))


def _preflight(environment: Environment) -> PreflightInputs:
    from llm_infra.layers.storage.preflight import inputs  # noqa: PLC0415

    return inputs(LAYER.require(environment))


def _enabled(config: StorageConfig) -> bool:
    """The one place that says whether storage is on."""
    return config.enabled


LAYER: Layer[StorageConfig] = Layer(
    name="storage",
    table="storage",
    config_model=StorageConfig,
    enabled=_enabled,
    outputs=StorageOutputs,
    build=_build,
    requires=("network",),
    providers=("aws",),
    protected_types=("aws_s3_bucket", "aws_fsx_lustre_file_system", "aws_kms_key"),
    modules=("kms-key", "fsx-lustre", "s3-buckets"),
    rules=_rules,
    probes=(("fsx", _probe),),
    note=_note,
    preflight=_preflight,
)

__all__ = ["LAYER", "StorageConfig", "StorageOutputs"]

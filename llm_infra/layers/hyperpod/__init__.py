"""The hyperpod layer: the awscc HyperPod Slurm cluster alone in ``<env>-hyperpod`` (``modules/hyperpod-cluster``),
configured by the training layer's ``[training]`` table (``table_from``) and reading the training stack's outputs.

A stack of its own because the awscc provider is not in the offline mirror: every other stack can be initialized,
validated, planned and applied here, and applying training first removes the IAM-propagation race (the execution
role exists minutes before CreateCluster asks for it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.layers.hyperpod.outputs import HyperpodOutputs
from llm_infra.layers.spec import Deps, Layer, RiskyUpdate
from llm_infra.layers.training import LAYER as TRAINING
from llm_infra.layers.training.config import TrainingConfig
from llm_infra.layers.training.outputs import TrainingOutputs

if TYPE_CHECKING:
    from llm_infra.cdk import Construct
    from llm_infra.config import Environment
    from llm_infra.ops.report import Check
    from llm_infra.ops.smoke import SmokeContext
    from llm_infra.stacks.base import LayerStack


def _build(scope: Construct, environment: Environment, deps: Deps) -> LayerStack:
    from llm_infra.layers.hyperpod.stack import HyperpodStack  # noqa: PLC0415 - the CDK starts here

    training = deps["training"]
    assert isinstance(training, TrainingOutputs)
    return HyperpodStack(
        scope, environment=environment, config=TRAINING.require(environment), training=training
    )


def _probe(context: SmokeContext) -> list[Check]:
    from llm_infra.layers.training.probes import cluster_probe  # noqa: PLC0415 - boto3 only for the ops tools

    return cluster_probe(context)


LAYER: Layer[TrainingConfig] = Layer(
    name="hyperpod",
    table=TRAINING.table,
    table_from=TRAINING.name,
    config_model=TRAINING.config_model,
    enabled=TRAINING.enabled,
    outputs=HyperpodOutputs,
    build=_build,
    requires=(TRAINING.name,),
    providers=("awscc",),
    # vpc_config, the cluster name and the orchestrator replace the cluster: the plan gate refuses that.
    protected_types=("awscc_sagemaker_cluster",),
    # UpdateCluster replaces or re-images the nodes of a group whose instance type, volumes or image change (and
    # drops a group that disappears): the jobs on them die. A vpc_config change moves the cluster's ENIs.
    risky_updates=(
        RiskyUpdate(
            "awscc_sagemaker_cluster",
            "instance_groups",
            "replaces or re-images the group's nodes (running jobs are lost)",
            fields=("instance_type", "instance_storage_configs", "image_id"),
            key="instance_group_name",
        ),
        RiskyUpdate(
            "awscc_sagemaker_cluster",
            "vpc_config",
            "changes the cluster's subnets or security groups (its nodes' network interfaces are replaced)",
        ),
    ),
    modules=("hyperpod-cluster",),
    probes=(("hyperpod", _probe),),
)

__all__ = ["LAYER", "HyperpodOutputs"]

"""``<env>-hyperpod``: the awscc HyperPod Slurm cluster alone (``modules/hyperpod-cluster``), configured by the
``[training]`` table and reading the training stack's named outputs. No aws provider: the stack needs awscc only,
which the offline mirror lacks, so every other stack stays verifiable here."""

from __future__ import annotations

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.layers.hyperpod.outputs import HyperpodOutputs
from llm_infra.layers.training.config import TrainingConfig
from llm_infra.layers.training.names import (
    FSX_MOUNT_PATH,
    ON_CREATE,
    ON_INIT_COMPLETE,
    cluster_name,
    cluster_tags,
)
from llm_infra.layers.training.outputs import TrainingOutputs
from llm_infra.stacks.base import LayerStack
from llm_infra.wrappers.base import expression
from llm_infra.wrappers.hyperpod_cluster import HyperpodClusterModule


class HyperpodStack(LayerStack):
    outputs: HyperpodOutputs

    def __init__(
        self,
        scope: Construct,
        *,
        environment: Environment,
        config: TrainingConfig,
        training: TrainingOutputs,
    ) -> None:
        """``training``: the training stack's outputs (only the type is used; values are read by name from its
        state). The storage layer the training layer requires always has its file system (CFG-006)."""
        super().__init__(scope, environment=environment, layer="hyperpod", providers=("awscc",))
        training = self.read_outputs("training", type(training))
        # Accelerated groups are pinned to their AZ's subnet (EFA to Lustre needs the file system's AZ); the
        # others may use any subnet of vpc_config.
        group_subnets = {
            name: self.remote_entry(training.subnet_ids, group.az_id, source=f"training.groups.{name}.az_id")
            for name, group in config.accelerated_groups.items()
        }
        self.cluster = HyperpodClusterModule(
            self,
            "cluster",
            cluster_name=cluster_name(environment),
            config=config,
            execution_role_arn=training.execution_role_arn,
            lifecycle_scripts={
                "source_s3_uri": training.lifecycle_source_s3_uri,
                "on_create": ON_CREATE,
                "on_init_complete": ON_INIT_COMPLETE,
            },
            subnet_ids=f"${{values({expression(str(training.subnet_ids))})}}",
            group_subnet_ids=group_subnets,
            security_group_ids=training.security_group_ids,
            fsx={
                "dns_name": training.fsx_dns_name,
                "mount_name": training.fsx_mount_name,
                "mount_path": FSX_MOUNT_PATH,
            },
            # awscc has no default_tags: the label's tags (and the name tag the SSM access policy matches) go on
            # the resource; the module turns the map into [{key, value}] sorted by key, Label.tag_list's form.
            tags=cluster_tags(environment),
        )
        self.emit_outputs(
            HyperpodOutputs(cluster_arn=self.cluster.cluster_arn, cluster_name=self.cluster.cluster_name)
        )

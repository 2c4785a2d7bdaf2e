"""Wrapper of ``modules/hyperpod-cluster`` (the awscc cluster; its body is computed in ``body/``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llm_infra.cdk import Construct
from llm_infra.layers.training.config import TrainingConfig
from llm_infra.wrappers.base import ModuleWrapper


class HyperpodClusterModule(ModuleWrapper):
    module_name = "hyperpod-cluster"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cluster_name: str,
        config: TrainingConfig,
        execution_role_arn: str,
        lifecycle_scripts: Mapping[str, str],
        subnet_ids: str,
        group_subnet_ids: Mapping[str, str | None],
        security_group_ids: str,
        fsx: Mapping[str, Any] | None,
        tags: Mapping[str, str],
    ) -> None:
        """``group_subnet_ids``: group name -> the subnet its ``override_vpc_config`` pins it to (None: any of
        ``subnet_ids``). ``subnet_ids``/``security_group_ids``: list-valued expressions. The module uses the stack's
        default awscc provider."""
        groups = {
            name: {
                "role": group.role,
                "instance_type": group.instance_type,
                "instance_count": group.count,
                "threads_per_core": group.threads_per_core,
                "ebs_volume_size_gb": group.ebs_volume_size_gb,
                "partition": group.partition,
                "subnet_id": group_subnet_ids.get(name),
                "training_plan_arn": group.training_plan_arn,
                "spot": group.spot,
                "deep_health_checks": list(group.deep_health_checks),
            }
            for name, group in sorted(config.groups.items())
        }
        super().__init__(
            scope,
            construct_id,
            variables={
                "cluster_name": cluster_name,
                "execution_role_arn": execution_role_arn,
                "lifecycle_scripts": dict(lifecycle_scripts),
                "subnet_ids": subnet_ids,
                "security_group_ids": security_group_ids,
                "node_recovery": config.node_recovery,
                "fsx": dict(fsx) if fsx is not None else None,
                "ebs_kms_key_id": config.ebs_kms_key_arn,
                "instance_groups": groups,
                "tags": dict(tags),
            },
        )

    @property
    def cluster_arn(self) -> str:
        return self.output("cluster_arn")

    @property
    def cluster_name(self) -> str:
        return self.output("cluster_name")

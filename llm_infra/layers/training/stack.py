"""``<env>-training``: the aws-only HyperPod prerequisites (execution role, lifecycle bucket and scripts, SSM
access policy), on the network's subnets and security group and the storage layer's buckets, key and file system."""

from __future__ import annotations

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.observability.outputs import ObservabilityOutputs
from llm_infra.layers.storage.outputs import StorageOutputs
from llm_infra.layers.training.config import TrainingConfig
from llm_infra.layers.training.names import (
    FSX_MOUNT_PATH,
    cluster_name,
    lifecycle_bucket_prefix,
)
from llm_infra.layers.training.outputs import TrainingOutputs
from llm_infra.stacks.base import LayerStack
from llm_infra.wrappers.base import expression
from llm_infra.wrappers.hyperpod_prerequisites import HyperpodPrerequisitesModule


class TrainingStack(LayerStack):
    outputs: TrainingOutputs

    def __init__(
        self,
        scope: Construct,
        *,
        environment: Environment,
        config: TrainingConfig,
        network: NetworkOutputs,
        storage: StorageOutputs,
        fsx_efa: bool,
        observability: ObservabilityOutputs | None = None,
    ) -> None:
        """``network``/``storage``: the producers' outputs; only their types are used (values are read by name
        from the producers' state). ``fsx_efa``: the file system was created with EFA (the storage config).
        ``observability``: the observability layer's outputs when it is on: the nodes' collector remote-writes to
        its AMP workspace and the execution role gets aps:RemoteWrite on it (else no exporters are installed)."""
        super().__init__(scope, environment=environment, layer="training")
        network = self.read_outputs("network", type(network))
        storage = self.read_outputs("storage", type(storage))
        amp = self.read_outputs("observability", type(observability)) if observability is not None else None
        name = cluster_name(environment)
        assert self.aws is not None  # the training layer's providers are ("aws",)

        def bucket_arns(keys: tuple[str, ...], field: str) -> list[str]:
            return [self.remote_entry(storage.bucket_arns, key, source=f"training.{field}") for key in keys]

        fsx = {
            "dns_name": storage.fsx_dns_name,
            "mount_name": storage.fsx_mount_name,
            "mount_path": FSX_MOUNT_PATH,
            "efa": fsx_efa,
        }
        self.prerequisites = HyperpodPrerequisitesModule(
            self,
            "prerequisites",
            permissions_boundary=self.environment.permissions_boundary_arn,
            provider=self.aws,
            name=self.label.prefix,
            bucket_name=lifecycle_bucket_prefix(environment),
            cluster_name=name,
            dataset_bucket_arns=bucket_arns(config.read_buckets, "read_buckets"),
            checkpoint_bucket_arns=bucket_arns(config.write_buckets, "write_buckets"),
            kms_key_arn=self.remote_entry(storage.kms_key_arns, "s3", source="storage.buckets"),
            fsx=fsx,
            users=config.users,
            observability=(
                {"workspace_arn": amp.amp_workspace_arn, "remote_write_url": amp.amp_remote_write_url}
                if amp is not None
                else None
            ),
        )
        # Only the AZ IDs the groups use: the cluster's vpc_config replaces the cluster on change.
        az_ids = sorted({group.az_id for group in config.groups.values()})
        subnets = {
            az: self.remote_entry(network.private_subnet_ids, az, source=f"training.groups.*.az_id {az}")
            for az in az_ids
        }
        self.emit_outputs(
            TrainingOutputs(
                cluster_name=name,
                execution_role_arn=self.prerequisites.output("execution_role_arn"),
                lifecycle_source_s3_uri=self.prerequisites.output("lifecycle_source_s3_uri"),
                lifecycle_bucket_name=self.prerequisites.output("lifecycle_bucket_name"),
                subnet_ids=subnets,
                security_group_ids=f"${{[{expression(network.efa_security_group_id)}]}}",
                fsx_file_system_id=storage.fsx_file_system_id,
                fsx_dns_name=storage.fsx_dns_name,
                fsx_mount_name=storage.fsx_mount_name,
                fsx_mount_path=FSX_MOUNT_PATH,
                ssm_access_policy_arn=self.prerequisites.output("ssm_access_policy_arn"),
            )
        )

"""``<env>-storage``: S3 data buckets and FSx for Lustre in the training AZ, linked by DRAs."""

from __future__ import annotations

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.storage.config import StorageConfig, storage_bucket_prefix
from llm_infra.layers.storage.outputs import StorageOutputs
from llm_infra.stacks.base import LayerStack
from llm_infra.wrappers.fsx_lustre import FsxLustreModule
from llm_infra.wrappers.protection import moved_blocks
from llm_infra.wrappers.s3_buckets import S3BucketsModule

# A Terraform null, as an output value (an expression string like every other output value).
NULL = "${null}"


class StorageStack(LayerStack):
    outputs: StorageOutputs

    def __init__(
        self, scope: Construct, *, environment: Environment, config: StorageConfig, network: NetworkOutputs
    ) -> None:
        """``network``: the network stack's outputs. Only their type is used: this stack reads the values from
        the network's state by name (``data.terraform_remote_state.network``), never the network stack's own
        expressions, which would make the CDK wire a cross-stack reference of its own naming."""
        super().__init__(scope, environment=environment, layer="storage")
        network = self.read_outputs("network", type(network))
        storage = config
        protect = environment.protection.prevent_destroy
        replica = self.aws_provider(region=storage.replication.region or environment.region, alias="replica")
        self.buckets = S3BucketsModule(
            self,
            "buckets",
            permissions_boundary=self.environment.permissions_boundary_arn,
            name=storage_bucket_prefix(environment.namespace, environment.name, environment.account_id),
            buckets=storage.buckets,
            replication=storage.replication,
            replica_provider=replica,
            prevent_destroy=protect,
        )
        self.fsx = (
            FsxLustreModule(
                self,
                "fsx",
                label=self.label,
                config=storage.fsx,
                subnet_id=self.remote_entry(
                    network.private_subnet_ids, storage.fsx.az_id, source="storage.fsx.az_id"
                ),
                vpc_id=network.vpc_id,
                security_group_ids=[network.efa_security_group_id],
                bucket_names={key: self.buckets.bucket_name(key) for key in self.buckets.keys},
                prevent_destroy=protect,
            )
            if storage.fsx is not None
            else None  # storage.fsx_enabled = false: buckets only
        )
        if self.fsx is not None:
            # FSx reaches the linked SSE-KMS buckets through its service-linked role: the buckets' key must allow it.
            self.buckets.add_kms_key_policy_statements(
                statements=self.fsx.output_value("s3_kms_key_policy_statements")
            )
        # Flipping protection.prevent_destroy moves each bucket and the file system between the modules' twin
        # blocks: these root-level `moved` blocks carry what exists instead of destroying and recreating it.
        self.protection_moves = (
            *self.buckets.protection_moves(protect=protect),
            *(self.fsx.protection_moves(protect=protect) if self.fsx is not None else ()),
        )
        self.add_override("moved", moved_blocks(self.protection_moves))
        fsx = self.fsx
        kms_key_arns = {"s3": self.buckets.kms_key_arn}
        if fsx is not None:
            kms_key_arns = {"fsx": fsx.kms_key_arn, **kms_key_arns}
        self.emit_outputs(
            StorageOutputs(
                # null without a file system (Terraform keeps no null output in the state, so a consumer that
                # needs the file system fails its plan naming these outputs)
                fsx_file_system_id=fsx.file_system_id if fsx is not None else NULL,
                fsx_dns_name=fsx.dns_name if fsx is not None else NULL,
                fsx_mount_name=fsx.mount_name if fsx is not None else NULL,
                bucket_names=self.buckets.output("bucket_names"),
                bucket_arns=self.buckets.output("bucket_arns"),
                kms_key_arns=kms_key_arns,
            )
        )

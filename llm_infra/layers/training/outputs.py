"""What the training layer gives the layers after it (the hyperpod stack, ops tools, researchers' tooling): one
documented Terraform output of ``<env>-training`` per field, named after it (public API; see
``llm_infra.layers.outputs``).

The hyperpod stack reads only these: the network's subnets and security group and the storage layer's file
system come through here, so the cluster stack depends on one producer and gets exactly what it must pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.layers.outputs import Expression, MapExpression, described


@dataclass(frozen=True)
class TrainingOutputs:
    """The training layer's outputs, by the names of its stack outputs (values are Terraform expressions)."""

    cluster_name: Expression = field(
        metadata=described(
            "name of the HyperPod cluster the prerequisites serve (stable: a new name replaces it)"
        )
    )
    execution_role_arn: Expression = field(metadata=described("ARN of the instance groups' execution role"))
    lifecycle_source_s3_uri: Expression = field(
        metadata=described("S3 prefix of the lifecycle scripts (life_cycle_config.source_s3_uri)")
    )
    lifecycle_bucket_name: Expression = field(metadata=described("lifecycle bucket (starts with sagemaker-)"))
    subnet_ids: MapExpression = field(
        metadata=described(
            "private subnet id by AZ ID, only for the AZ IDs the instance groups use (the cluster's vpc_config: "
            "a change replaces the cluster, so an AZ added to the network does not reach it)"
        )
    )
    security_group_ids: Expression = field(
        metadata=described("security groups of the cluster's ENIs: the network layer's EFA security group")
    )
    fsx_file_system_id: Expression = field(
        metadata=described("FSx for Lustre file system id the nodes mount")
    )
    fsx_dns_name: Expression = field(metadata=described("FSx DNS name (fsx_lustre_config.dns_name)"))
    fsx_mount_name: Expression = field(metadata=described("FSx mount name (fsx_lustre_config.mount_name)"))
    fsx_mount_path: Expression = field(metadata=described("where every node mounts the file system"))
    ssm_access_policy_arn: Expression = field(
        metadata=described(
            "managed policy to attach to researchers' roles: SSM StartSession on this cluster's nodes"
        )
    )

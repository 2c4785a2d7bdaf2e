"""What the storage layer gives the layers after it: one documented Terraform output of ``<env>-storage`` per
field, named after it (public API; see ``llm_infra.layers.outputs``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.layers.outputs import Expression, MapExpression, described


@dataclass(frozen=True)
class StorageOutputs:
    """The storage layer's outputs, by the names of its stack outputs (values are Terraform expressions)."""

    fsx_file_system_id: Expression = field(metadata=described("FSx for Lustre file system id"))
    fsx_dns_name: Expression = field(metadata=described("FSx DNS name (mount target)"))
    fsx_mount_name: Expression = field(metadata=described("FSx mount name"))
    bucket_names: MapExpression = field(metadata=described("data bucket name by storage.buckets key"))
    bucket_arns: MapExpression = field(metadata=described("data bucket ARN by storage.buckets key"))
    kms_key_arns: MapExpression = field(
        metadata=described("KMS key ARN by use: fsx (file system, logs), s3 (data buckets)")
    )

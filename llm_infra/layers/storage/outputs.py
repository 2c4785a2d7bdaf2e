"""What the storage layer gives the layers after it: one documented Terraform output of ``<env>-storage`` per
field, named after it (public API; see ``llm_infra.layers.outputs``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.layers.outputs import Expression, MapExpression, described


@dataclass(frozen=True)
class StorageBucketOutputs:
    """The part of the storage layer's outputs about its buckets: what a consumer that needs no file system reads
    (the inference layer), so that its plan does not depend on the file system's outputs."""

    bucket_names: MapExpression = field(metadata=described("data bucket name by storage.buckets key"))
    bucket_arns: MapExpression = field(metadata=described("data bucket ARN by storage.buckets key"))
    kms_key_arns: MapExpression = field(
        metadata=described("KMS key ARN by use: fsx (file system, logs), s3 (data buckets)")
    )


@dataclass(frozen=True)
class StorageOutputs(StorageBucketOutputs):
    """The storage layer's outputs, by the names of its stack outputs (values are Terraform expressions)."""

    fsx_file_system_id: Expression = field(metadata=described("FSx for Lustre file system id"))
    fsx_dns_name: Expression = field(metadata=described("FSx DNS name (mount target)"))
    fsx_mount_name: Expression = field(metadata=described("FSx mount name"))

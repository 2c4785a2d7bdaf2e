"""What the storage layer gives the layers after it (the stack emits each field as a Terraform output)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class StorageOutputs:
    """The storage layer's outputs, by the names of its stack outputs (values are Terraform references)."""

    fsx_file_system_id: str
    fsx_dns_name: str
    fsx_mount_name: str
    bucket_names: Mapping[str, str]  # data bucket name by key
    bucket_arns: Mapping[str, str]  # data bucket ARN by key
    kms_key_arns: Mapping[str, str]  # "fsx", "s3"

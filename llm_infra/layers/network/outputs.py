"""What the network layer gives the layers after it (the stack emits each field as a Terraform output)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class NetworkOutputs:
    """The network layer's outputs, by the names of its stack outputs (values are Terraform references)."""

    vpc_id: str
    private_subnet_ids: Mapping[str, str]  # subnet id by AZ ID
    efa_security_group_id: str
    placement_group_names: Mapping[str, str]  # by placement group key
    launch_template_ids: Mapping[str, str]  # by launch template key
    kms_key_arn: str  # flow logs and launch-template volumes

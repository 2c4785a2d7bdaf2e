"""What the network layer gives the layers after it: one documented Terraform output of ``<env>-network`` per
field, named after it (public API; see ``llm_infra.layers.outputs``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.layers.outputs import Expression, MapExpression, described


@dataclass(frozen=True)
class NetworkOutputs:
    """The network layer's outputs, by the names of its stack outputs (values are Terraform expressions)."""

    vpc_id: Expression = field(metadata=described("VPC id"))
    private_subnet_ids: MapExpression = field(
        metadata=described("private subnet id by AZ ID (e.g. usw2-az1)")
    )
    nat_gateway_ids: MapExpression = field(
        metadata=described("NAT gateway id by the AZ ID of its public subnet (empty without NAT)")
    )
    efa_security_group_id: Expression = field(metadata=described("EFA security group id"))
    placement_group_names: MapExpression = field(
        metadata=described("cluster placement group name by network.placement_groups key")
    )
    launch_template_ids: MapExpression = field(
        metadata=described("EFA launch template id by network.efa_launch_templates key")
    )
    kms_key_arn: Expression = field(metadata=described("KMS key of flow logs and launch-template volumes"))

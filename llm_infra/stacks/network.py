"""``<env>-network``: VPC, subnets, EFA security group, placement groups, EFA launch templates."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.stacks.base import Expression, LayerStack, MapExpression, described
from llm_infra.wrappers.network import NetworkModule


@dataclass(frozen=True)
class NetworkOutputs:
    """What the network layer gives other layers: one Terraform output of ``<env>-network`` per field, named
    after it (public API). Values are Terraform expressions (see ``stacks.base.Expression``)."""

    vpc_id: Expression = field(metadata=described("VPC id"))
    private_subnet_ids: MapExpression = field(
        metadata=described("private subnet id by AZ ID (e.g. usw2-az1)")
    )
    efa_security_group_id: Expression = field(metadata=described("EFA security group id"))
    placement_group_names: MapExpression = field(
        metadata=described("cluster placement group name by network.placement_groups key")
    )
    launch_template_ids: MapExpression = field(
        metadata=described("EFA launch template id by network.efa_launch_templates key")
    )
    kms_key_arn: Expression = field(metadata=described("KMS key of flow logs and launch-template volumes"))


class NetworkStack(LayerStack):
    outputs: NetworkOutputs

    def __init__(self, scope: Construct, *, environment: Environment) -> None:
        super().__init__(scope, environment=environment, layer="network")
        self.network = NetworkModule(self, "network", label=self.label, config=environment.network)
        self.emit_outputs(
            NetworkOutputs(
                vpc_id=self.network.vpc_id,
                private_subnet_ids=self.network.output("private_subnet_ids"),
                efa_security_group_id=self.network.efa_security_group_id,
                placement_group_names=self.network.output("placement_group_names"),
                launch_template_ids=self.network.output("launch_template_ids"),
                kms_key_arn=self.network.kms_key_arn,
            )
        )

"""``<env>-network``: VPC, subnets, EFA security group, placement groups, EFA launch templates."""

from __future__ import annotations

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.layers.network.config import NetworkConfig
from llm_infra.layers.network.endpoints import additional_interface_endpoints
from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.stacks.base import LayerStack
from llm_infra.wrappers.network import NetworkModule


class NetworkStack(LayerStack):
    outputs: NetworkOutputs

    def __init__(self, scope: Construct, *, environment: Environment, config: NetworkConfig) -> None:
        super().__init__(scope, environment=environment, layer="network")
        self.network = NetworkModule(
            self,
            "network",
            permissions_boundary=self.environment.permissions_boundary_arn,
            label=self.label,
            config=config,
            additional_interface_endpoints=additional_interface_endpoints(environment),
        )
        self.emit_outputs(
            NetworkOutputs(
                vpc_id=self.network.vpc_id,
                private_subnet_ids=self.network.output("private_subnet_ids"),
                nat_gateway_ids=self.network.output("nat_gateway_ids_by_az"),
                efa_security_group_id=self.network.efa_security_group_id,
                placement_group_names=self.network.output("placement_group_names"),
                launch_template_ids=self.network.output("launch_template_ids"),
                kms_key_arn=self.network.kms_key_arn,
            )
        )

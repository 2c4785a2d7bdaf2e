"""Wrapper of ``modules/network``."""

from __future__ import annotations

from llm_infra.cdk import Construct
from llm_infra.label import Label
from llm_infra.layers.network.config import NetworkConfig
from llm_infra.service_linked_roles import AUTOSCALING, network_key_policy_roles
from llm_infra.wrappers.base import ModuleWrapper


class NetworkModule(ModuleWrapper):
    module_name = "network"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        permissions_boundary: str | None = None,
        label: Label,
        config: NetworkConfig,
        additional_interface_endpoints: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            variables={
                "permissions_boundary": permissions_boundary,
                "name": label.prefix,
                "create_vpc": config.creates_vpc,
                "vpc_cidr": config.vpc_cidr,
                "existing_vpc_id": config.existing_vpc_id,
                "existing_private_subnet_ids": dict(config.existing_private_subnet_ids),
                "private_subnets": dict(config.private_subnets),
                "public_subnets": dict(config.public_subnets),
                "nat_gateway_mode": config.nat_gateway_mode,
                "closed_network": config.closed_network,
                "interface_endpoints_enabled": config.interface_endpoints_enabled,
                "additional_interface_endpoint_services": list(additional_interface_endpoints),
                "flow_logs_retention_days": config.flow_logs_retention_days,
                "kms_key_allow_autoscaling_service_linked_role": AUTOSCALING
                in network_key_policy_roles(config),
                "placement_groups": {
                    key: group.model_dump(exclude_none=True) for key, group in config.placement_groups.items()
                },
                "efa_launch_templates": {
                    key: template.model_dump(exclude_none=True)
                    for key, template in config.efa_launch_templates.items()
                },
            },
        )

    @property
    def vpc_id(self) -> str:
        return self.output("vpc_id")

    @property
    def efa_security_group_id(self) -> str:
        return self.output("efa_security_group_id")

    @property
    def kms_key_arn(self) -> str:
        return self.output("kms_key_arn")

"""What preflight checks for the network layer: EFA instance types, AZ IDs, placement groups, key-policy roles."""

from __future__ import annotations

from llm_infra.config.efa import ec2_type
from llm_infra.layers.network.config import NetworkConfig
from llm_infra.layers.spec import PreflightInputs
from llm_infra.service_linked_roles import network_key_policy_roles


def inputs(network: NetworkConfig) -> PreflightInputs:
    types: dict[str, list[str]] = {}
    for key, template in network.efa_launch_templates.items():
        types.setdefault(ec2_type(template.instance_type), []).append(f"network.efa_launch_templates.{key}")
    return PreflightInputs(
        instance_types=types,
        az_ids=network.az_ids,
        service_linked_roles=network_key_policy_roles(network),
        placement_groups=bool(network.placement_groups),
    )

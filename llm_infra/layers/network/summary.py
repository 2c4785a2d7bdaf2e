"""The network layer's line in the synth summary: AZs, egress, EFA launch templates."""

from __future__ import annotations

from llm_infra.config.efa import max_efa_interfaces
from llm_infra.layers.network.config import NetworkConfig


def note(network: NetworkConfig) -> str:
    table = max_efa_interfaces()
    templates = ", ".join(
        f"{t.instance_type} x{table.get(t.instance_type, 0)} EFA"
        for t in network.efa_launch_templates.values()
    )
    egress = "closed (endpoints)" if network.closed_network else f"NAT {network.nat_gateway_mode}"
    return f"{len(network.az_ids)} AZ ({', '.join(network.az_ids)}), {egress}" + (
        f"; {templates}" if templates else ""
    )

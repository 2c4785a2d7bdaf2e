"""Interface endpoints the network adds for other layers of the same environment (derived, never configured).

The observability layer's AMP workspace is reached from the training nodes (remote write) and Grafana through
``aps-workspaces``: in a closed network, or one with interface endpoints, that endpoint must exist in the VPC.
The network module creates the endpoints only where it creates any (closed network or interface endpoints on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm_infra.config import Environment

AMP_ENDPOINT = "aps-workspaces"


def additional_interface_endpoints(environment: Environment) -> tuple[str, ...]:
    """Service short names for ``additional_interface_endpoint_services``, sorted."""
    from llm_infra import layers  # noqa: PLC0415 - the registry imports this package

    services: set[str] = set()
    if "observability" in layers.names() and layers.lookup("observability").is_on(environment):
        services.add(AMP_ENDPOINT)
    return tuple(sorted(services))

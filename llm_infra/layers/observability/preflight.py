"""What preflight checks for the observability layer: nothing in the account beyond the common checks (it pins no
AZ and names no service-linked role; Grafana's subnets are the network's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.layers.spec import PreflightInputs

if TYPE_CHECKING:
    from llm_infra.config import Environment


def inputs(environment: Environment) -> PreflightInputs:
    del environment
    return PreflightInputs()

"""CKV_LLM_1: EFA launch templates put one EFA interface on each network card, in a security group, no public IP.

checkov has no check for EFA interfaces. NCCL over EFA needs card 0 as `efa` (it carries the instance's IP) and
every other card's interface as `efa` or `efa-only`, each card used once, each in a security group (the EFA group
with its self-referencing rules), and no public address on any of them.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

EFA_TYPES = {"efa", "efa-only"}


def _value(block: dict[str, Any], key: str) -> Any:
    """HCL scans wrap every value in a list; plan scans do not."""
    value = block.get(key)
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], dict):
        return value[0]
    return value


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class EfaLaunchTemplateInterfaces(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure EFA launch templates use one EFA interface per network card, in a security group, without public IPs",
            id="CKV_LLM_1",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=("aws_launch_template",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        interfaces = [i for i in conf.get("network_interfaces") or [] if isinstance(i, dict)]
        efa = [i for i in interfaces if _value(i, "interface_type") in EFA_TYPES]
        if not efa:
            # no EFA interface, or interfaces from a dynamic block the HCL scan cannot expand (the plan scan can)
            return CheckResult.UNKNOWN if "dynamic" in conf else CheckResult.PASSED
        from_plan = "__change_actions__" in conf  # checkov marks resources it read from a plan
        cards = [int(_value(i, "network_card_index") or 0) for i in efa]
        if len(cards) != len(set(cards)):
            return CheckResult.FAILED
        for interface in efa:
            card = int(_value(interface, "network_card_index") or 0)
            if card == 0 and _value(interface, "interface_type") != "efa":
                return CheckResult.FAILED
            if _truthy(_value(interface, "associate_public_ip_address")):
                return CheckResult.FAILED
            # A plan leaves out values unknown until apply (a group created in the same plan): only a group
            # known to be missing fails.
            unknown_at_plan = from_plan and "security_groups" not in interface
            if not unknown_at_plan and not _value(interface, "security_groups"):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = EfaLaunchTemplateInterfaces()

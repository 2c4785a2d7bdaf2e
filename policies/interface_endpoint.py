"""CKV_LLM_2: interface VPC endpoints resolve privately and sit in a security group.

checkov has no check for this. In a closed network, nodes reach STS, ECR, CloudWatch, SSM, SageMaker and FSx only
through interface endpoints: without private DNS the SDKs resolve the public endpoint names and fail; without a
security group the endpoint takes the VPC's default group, which this project locks to no traffic.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck


def _value(conf: dict[str, Any], key: str) -> Any:
    value = conf.get(key)
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], (dict, list)):
        return value[0]
    return value


class InterfaceEndpointPrivateDns(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure interface VPC endpoints enable private DNS and have a security group",
            id="CKV_LLM_2",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=("aws_vpc_endpoint",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if str(_value(conf, "vpc_endpoint_type") or "Gateway") != "Interface":
            return CheckResult.PASSED
        private_dns = _value(conf, "private_dns_enabled")
        if not (private_dns is True or str(private_dns).lower() == "true"):
            return CheckResult.FAILED
        groups = conf.get("security_group_ids")
        if not groups or groups == [[]]:
            return CheckResult.FAILED
        return CheckResult.PASSED


check = InterfaceEndpointPrivateDns()

"""CKV_LLM_21-24: SageMaker real-time endpoints (modules/inference-fleet), where checkov has only CKV_AWS_98
(endpoint configuration key) and CKV_AWS_370 (model network isolation).

Scan the plan JSON as well as the HCL: in the module's HCL every input is a variable, which checkov counts as set.

- CKV_LLM_21: an endpoint rolls back by itself: ``deployment_config`` with an ``auto_rollback_configuration`` naming
  1-10 alarms, and a blue/green or rolling update policy (adding or removing the block replaces the endpoint on
  aws 5.100, so it must be there from the first apply).
- CKV_LLM_22: an endpoint configuration encrypts its volumes (``kms_key_arn``) and, when it captures data, the
  capture (``data_capture_config.kms_key_id``).
- CKV_LLM_23: an Application Auto Scaling target of a SageMaker variant scales ``DesiredInstanceCount`` of
  ``endpoint/<name>/variant/<variant>`` with 1 <= min <= max (min 0 needs inference components, not on 5.100). That
  every variant has one is a cross-resource fact: the plan tests assert it (tests/terraform/test_moto_ladder.py).
- CKV_LLM_24: a model runs in a VPC: ``vpc_config`` with subnets and security groups. In a plan the module's own
  security group is unknown until apply (the ladder excuses exactly that, from ``after_unknown``).
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

MAX_ROLLBACK_ALARMS = 10
VARIANT_RESOURCE_ID = re.compile(r"^endpoint/[^/]+/variant/[^/]+$")


def _one(value: Any) -> Any:
    """checkov wraps attribute values and blocks in one-element lists (HCL and plan alike): unwrap them."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _block(conf: Any, key: str) -> dict[str, Any] | None:
    value = _one(conf.get(key)) if isinstance(conf, dict) else None
    return value if isinstance(value, dict) else None


def _blocks(conf: Any, key: str) -> list[dict[str, Any]]:
    value = conf.get(key) if isinstance(conf, dict) else None
    items = value if isinstance(value, list) else [value]
    return [item for item in (_one(i) for i in items) if isinstance(item, dict)]


def _set(value: Any) -> bool:
    value = _one(value)
    return value not in (None, "", [], {})


def _number(value: Any) -> float | None:
    value = _one(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class EndpointAutoRollback(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a SageMaker endpoint rolls deployments back on alarms (deployment_config with 1-10 alarms)",
            id="CKV_LLM_21",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_sagemaker_endpoint",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        deployment = _block(conf, "deployment_config")
        rollback = _block(deployment, "auto_rollback_configuration") if deployment else None
        if deployment is None or rollback is None:
            return CheckResult.FAILED
        alarms = [a for a in _blocks(rollback, "alarms") if _set(a.get("alarm_name"))]
        if not 1 <= len(alarms) <= MAX_ROLLBACK_ALARMS:
            return CheckResult.FAILED
        names = ("blue_green_update_policy", "rolling_update_policy")
        policies = [p for p in names if _block(deployment, p)]
        # In HCL the module selects its policy with `dynamic` blocks: both are declared (checkov renders both), one
        # is planned; a plan holds exactly one.
        dynamic = [p for item in _blocks(deployment, "dynamic") for p in names if p in item]
        if not (policies or dynamic) or (len(policies) > 1 and not dynamic):
            return CheckResult.FAILED
        return CheckResult.PASSED


class EndpointConfigurationEncrypted(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a SageMaker endpoint configuration encrypts its volumes and its data capture with KMS",
            id="CKV_LLM_22",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=("aws_sagemaker_endpoint_configuration",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if not _set(conf.get("kms_key_arn")):
            return CheckResult.FAILED
        for capture in _blocks(conf, "data_capture_config"):
            if not _set(capture.get("kms_key_id")):
                return CheckResult.FAILED
        return CheckResult.PASSED


class VariantScalableTarget(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a SageMaker variant's scalable target scales DesiredInstanceCount with 1 <= min <= max",
            id="CKV_LLM_23",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_appautoscaling_target",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if _one(conf.get("service_namespace")) != "sagemaker":
            return CheckResult.UNKNOWN
        resource_id = _one(conf.get("resource_id"))
        if _one(conf.get("scalable_dimension")) != "sagemaker:variant:DesiredInstanceCount":
            return CheckResult.FAILED
        if (
            isinstance(resource_id, str)
            and "${" not in resource_id
            and not VARIANT_RESOURCE_ID.match(resource_id)
        ):
            return CheckResult.FAILED
        low, high = _number(conf.get("min_capacity")), _number(conf.get("max_capacity"))
        if low is not None and high is not None and not 1 <= low <= high:
            return CheckResult.FAILED
        if low is None and not _set(conf.get("min_capacity")):
            return CheckResult.FAILED
        return CheckResult.PASSED


class ModelInVpc(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a SageMaker model runs in a VPC (vpc_config with subnets and security groups)",
            id="CKV_LLM_24",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=("aws_sagemaker_model",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        vpc = _block(conf, "vpc_config")
        # subnets: present (in the module's HCL a required variable evaluates to []; INF-012 keeps 1-16 there,
        # and the plan tests assert the network's private subnets)
        if vpc is None or "subnets" not in vpc or not _set(vpc.get("security_group_ids")):
            return CheckResult.FAILED
        subnets = vpc.get("subnets")
        if isinstance(subnets, list) and subnets and all(isinstance(s, list) and not s for s in subnets):
            return CheckResult.FAILED  # an explicit empty list in a plan: [[]]
        return CheckResult.PASSED


rollback_check = EndpointAutoRollback()
encryption_check = EndpointConfigurationEncrypted()
target_check = VariantScalableTarget()
vpc_check = ModelInVpc()

"""CKV_LLM_31-35: Amazon Managed Prometheus, Amazon Managed Grafana and the alarm path.

checkov has no check for AMP or AMG, and none that ties an alarm to an encrypted topic (CKV_AWS_319 only checks
that actions are enabled; CKV_AWS_26 accepts the AWS managed ``alias/aws/sns``, which CloudWatch alarms cannot use).

- CKV_LLM_31: an AMP workspace has a customer managed key (``kms_key_arn`` can only be set at creation).
- CKV_LLM_32: an AMP workspace logs to a CloudWatch log group (``logging_configuration`` with a log group ARN
  ending ``:*``).
- CKV_LLM_33: a Grafana workspace sits in a VPC (``vpc_configuration`` with subnets and security groups) or behind
  network access control (prefix lists or VPC endpoints).
- CKV_LLM_34: a metric alarm notifies at least one SNS topic on ALARM (an ARN ``arn:…:sns:…`` or a reference to an
  ``aws_sns_topic``/module output ending in a topic ARN).
- CKV_LLM_35: an SNS topic is encrypted with a customer managed key (not absent, not ``alias/aws/sns``).
  With CKV_LLM_34: every alarm has an action on an encrypted topic.

In a plan, an attribute set from a resource of the same plan (the module's key, its topic) is unknown and absent
from checkov's view: the moto ladder excuses exactly those failures where the plan marks the attribute unknown.
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

_SNS_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$")
_TOPIC_REFERENCE = re.compile(r"(aws_sns_topic\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.arn|topic_arn\b)")


def _value(conf: dict[str, Any], key: str) -> Any:
    """checkov wraps each top-level attribute value in a one-element list."""
    value = conf.get(key)
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], list):
        return value[0]
    return value


def _blocks(conf: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = conf.get(key) or []
    return [block for block in value if isinstance(block, dict)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for entry in value for item in _strings(entry)]
    return []


def _set(value: Any) -> bool:
    return bool([s for s in _strings(value) if s.strip()])


class AmpWorkspaceEncrypted(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure an AMP workspace is encrypted with a customer managed key",
            id="CKV_LLM_31",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=("aws_prometheus_workspace",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return CheckResult.PASSED if _set(conf.get("kms_key_arn")) else CheckResult.FAILED


class AmpWorkspaceLogging(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure an AMP workspace logs to a CloudWatch log group",
            id="CKV_LLM_32",
            categories=(CheckCategories.LOGGING,),
            supported_resources=("aws_prometheus_workspace",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        for block in _blocks(conf, "logging_configuration"):
            arns = _strings(block.get("log_group_arn"))
            if arns and all(arn.endswith(":*") for arn in arns):
                return CheckResult.PASSED
        return CheckResult.FAILED


class GrafanaNetworkBoundary(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a Grafana workspace is in a VPC or behind network access control",
            id="CKV_LLM_33",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=("aws_grafana_workspace",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        for block in _blocks(conf, "vpc_configuration"):
            if _set(block.get("subnet_ids")) and _set(block.get("security_group_ids")):
                return CheckResult.PASSED
        for block in _blocks(conf, "network_access_control"):
            if _set(block.get("prefix_list_ids")) or _set(block.get("vpce_ids")):
                return CheckResult.PASSED
        return CheckResult.FAILED


class AlarmNotifiesTopic(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a CloudWatch metric alarm notifies an SNS topic",
            id="CKV_LLM_34",
            categories=(CheckCategories.LOGGING,),
            supported_resources=("aws_cloudwatch_metric_alarm",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        actions = [a for a in _strings(conf.get("alarm_actions")) if a.strip()]
        if actions and all(_SNS_ARN.match(a) or _TOPIC_REFERENCE.search(a) for a in actions):
            return CheckResult.PASSED
        return CheckResult.FAILED


class TopicOnCustomerKey(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure an SNS topic is encrypted with a customer managed key (alarms cannot use alias/aws/sns)",
            id="CKV_LLM_35",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=("aws_sns_topic",),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        key = _value(conf, "kms_master_key_id")
        if (
            not _set(key)
            or str(key).strip() in ("alias/aws/sns", "aws/sns")
            or str(key).endswith(":alias/aws/sns")
        ):
            return CheckResult.FAILED
        return CheckResult.PASSED


amp_encrypted_check = AmpWorkspaceEncrypted()
amp_logging_check = AmpWorkspaceLogging()
grafana_check = GrafanaNetworkBoundary()
alarm_check = AlarmNotifiesTopic()
topic_check = TopicOnCustomerKey()

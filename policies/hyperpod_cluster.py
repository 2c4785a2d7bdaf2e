"""CKV_LLM_11-14: the HyperPod cluster (awscc_sagemaker_cluster) and its execution role.

checkov has no check for awscc_sagemaker_cluster. Run against evaluated values (tests/terraform/
test_hyperpod_schema.py writes the body each environment computes as literals): on the module's own HCL every input
is a variable, which checkov counts as set even when it defaults to null.

- CKV_LLM_11: the cluster has a VPC config with subnets and security groups (else nodes get no EFA security group
  and HyperPod's service VPC).
- CKV_LLM_12: EBS keys as AWS allows them: a customer-managed volume key only with node_provisioning_mode Continuous,
  which AWS supports only for EKS; on a Slurm cluster a key is refused (the volumes use the AWS-owned key), and
  root_volume needs a key.
- CKV_LLM_13: node_recovery is set explicitly to Automatic or None (not left to the service default).
- CKV_LLM_14: no AWS-managed *FullAccess policy on a role (the execution role gets
  AmazonSageMakerClusterInstanceRolePolicy and scoped statements).
"""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

CLUSTER = ("awscc_sagemaker_cluster",)


def _top(conf: dict[str, Any], key: str) -> Any:
    """checkov wraps each top-level attribute value in a one-element list; nested values are plain."""
    value = conf.get(key)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _ebs_configs(conf: dict[str, Any]) -> list[dict[str, Any]]:
    groups = _top(conf, "instance_groups") or []
    found = []
    for group in groups if isinstance(groups, list) else []:
        for storage in (group or {}).get("instance_storage_configs") or []:
            ebs = (storage or {}).get("ebs_volume_config")
            if isinstance(ebs, dict):
                found.append(ebs)
    return found


class HyperPodVpcConfig(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a HyperPod cluster sets vpc_config with subnets and security groups",
            id="CKV_LLM_11",
            categories=(CheckCategories.NETWORKING,),
            supported_resources=CLUSTER,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        vpc = _top(conf, "vpc_config")
        if not isinstance(vpc, dict) or not vpc.get("subnets") or not vpc.get("security_group_ids"):
            return CheckResult.FAILED
        return CheckResult.PASSED


class HyperPodEbsKeys(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure HyperPod EBS volume keys are used only where AWS allows them (Continuous mode, EKS)",
            id="CKV_LLM_12",
            categories=(CheckCategories.ENCRYPTION,),
            supported_resources=CLUSTER,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        orchestrator = _top(conf, "orchestrator") or {}
        slurm = isinstance(orchestrator, dict) and orchestrator.get("slurm") is not None
        continuous = _top(conf, "node_provisioning_mode") == "Continuous"
        for ebs in _ebs_configs(conf):
            keyed = bool(ebs.get("volume_kms_key_id"))
            if keyed and (slurm or not continuous):
                return CheckResult.FAILED
            if ebs.get("root_volume") is True and not keyed:
                return CheckResult.FAILED
        return CheckResult.PASSED


class HyperPodNodeRecovery(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure a HyperPod cluster sets node_recovery explicitly",
            id="CKV_LLM_13",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=CLUSTER,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return (
            CheckResult.PASSED if _top(conf, "node_recovery") in ("Automatic", "None") else CheckResult.FAILED
        )


FULL_ACCESS = re.compile(r":policy/(.*/)?[A-Za-z0-9]*FullAccess$")


class NoFullAccessManagedPolicy(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="Ensure no AWS-managed *FullAccess policy is attached to a role",
            id="CKV_LLM_14",
            categories=(CheckCategories.IAM,),
            supported_resources=(
                "aws_iam_role_policy_attachment",
                "aws_iam_role",
                "aws_iam_role_policy_attachments_exclusive",
            ),
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        arns: list[Any] = []
        for key in ("policy_arn", "managed_policy_arns", "policy_arns"):
            value = _top(conf, key)
            arns += value if isinstance(value, list) else [value]
        if any(isinstance(arn, str) and FULL_ACCESS.search(arn) for arn in arns):
            return CheckResult.FAILED
        return CheckResult.PASSED


vpc_check = HyperPodVpcConfig()
ebs_check = HyperPodEbsKeys()
recovery_check = HyperPodNodeRecovery()
full_access_check = NoFullAccessManagedPolicy()

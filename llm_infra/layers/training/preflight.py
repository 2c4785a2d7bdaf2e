"""Preflight of the training layer: HyperPod instance quotas ("<type> for cluster usage", service-quotas code
``sagemaker``) cover what the groups ask for, and every training plan a group names is Active."""

from __future__ import annotations

from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, Any

from llm_infra.layers.spec import PreflightInputs
from llm_infra.layers.training.config import TrainingConfig

if TYPE_CHECKING:
    from llm_infra.ops.report import Check


def wanted_instances(training: TrainingConfig) -> Counter[str]:
    wanted: Counter[str] = Counter()
    for group in training.groups.values():
        wanted[group.instance_type] += group.count
    return wanted


def quota_findings(quotas_client: Any, training: TrainingConfig) -> list[str]:
    """One line per instance type whose "<type> for cluster usage" quota is missing or below the total asked."""
    values: dict[str, float] = {}
    for page in quotas_client.get_paginator("list_service_quotas").paginate(ServiceCode="sagemaker"):
        for quota in page["Quotas"]:
            values[quota["QuotaName"]] = float(quota["Value"])
    findings = []
    for instance_type, count in sorted(wanted_instances(training).items()):
        name = f"{instance_type} for cluster usage"
        have = values.get(name)
        if have is None or have < count:
            findings.append(
                f"quota {name!r}: {have if have is not None else 'not found'} < {count} requested"
            )
    return findings


def training_plan_findings(sagemaker_client: Any, training: TrainingConfig) -> list[str]:
    """One line per training plan (by group) that is not Active."""
    findings = []
    for name, group in sorted(training.groups.items()):
        if group.training_plan_arn is None:
            continue
        plan_name = group.training_plan_arn.rsplit("/", 1)[-1]
        status = sagemaker_client.describe_training_plan(TrainingPlanName=plan_name)["Status"]
        if status != "Active":
            findings.append(f"group {name}: training plan {plan_name} is {status} (want Active)")
    return findings


def _quota_checks(training: TrainingConfig, aws: Any) -> list[Check]:
    from llm_infra.ops.report import failed, passed  # noqa: PLC0415

    findings = quota_findings(aws.client("service-quotas"), training)
    if findings:
        return [failed("hyperpod quotas", "; ".join(findings))]
    asked = ", ".join(f"{n} x {t}" for t, n in sorted(wanted_instances(training).items()))
    return [passed("hyperpod quotas", f"'<type> for cluster usage' covers {asked}")]


def _plan_checks(training: TrainingConfig, aws: Any) -> list[Check]:
    from llm_infra.ops.report import failed, passed  # noqa: PLC0415

    findings = training_plan_findings(aws.client("sagemaker"), training)
    if findings:
        return [failed("training plans", "; ".join(findings))]
    return [passed("training plans", "every training plan a group names is Active")]


def inputs(training: TrainingConfig) -> PreflightInputs:
    """The groups' AZ IDs, and the HyperPod checks: SageMaker cluster quotas (not EC2's: HyperPod instances
    count against "<type> for cluster usage", so the groups' ml.* types are not EC2 instance types to check)
    and, when a group names one, that its training plan is Active."""
    checks: list[tuple[str, Any]] = [("hyperpod quotas", partial(_quota_checks, training))]
    if any(group.training_plan_arn for group in training.groups.values()):
        checks.append(("training plans", partial(_plan_checks, training)))
    az_ids = tuple(sorted({group.az_id for group in training.groups.values()}))
    return PreflightInputs(az_ids=az_ids, account_checks=tuple(checks))

"""Preflight of the training layer: HyperPod instance quotas ("<type> for cluster usage", service-quotas code
``sagemaker``) cover what the groups ask for, and every training plan a group names is Active."""

from __future__ import annotations

from collections import Counter
from typing import Any

from llm_infra.layers.training.config import TrainingConfig


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

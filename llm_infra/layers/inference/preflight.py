"""Preflight of the inference layer: the SageMaker "<type> for endpoint usage" quotas (service-quotas, service
code ``sagemaker``) cover the instances the endpoints may run at once, including during a rollout.

A blue/green rollout (CANARY, LINEAR, ALL_AT_ONCE) brings up a full new fleet beside the old one, so it needs up
to twice ``max_instances``; a rolling one needs ``max_instances`` plus one batch. The account-wide quota is a
count of instances per type, summed over every endpoint of that type.

The quotas are matched by name, as the training layer's "<type> for cluster usage" are: no published source gives
their quota codes (L-...), and a guessed code would fail silently.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import partial
from typing import TYPE_CHECKING, Any

from llm_infra.layers.inference.config import Endpoint, InferenceConfig
from llm_infra.layers.spec import PreflightInputs

if TYPE_CHECKING:
    from llm_infra.ops.report import Check

CHECK_NAME = "endpoint quotas"


def inputs(inference: InferenceConfig) -> PreflightInputs:
    """The SageMaker endpoint-usage quotas. Endpoint instances are SageMaker's, not EC2 instances in the account:
    no EC2 type, AZ or role to check."""
    return PreflightInputs(account_checks=((CHECK_NAME, partial(_quota_checks, inference)),))


def _quota_checks(inference: InferenceConfig, aws: Any) -> list[Check]:
    from llm_infra.ops.report import failed, passed  # noqa: PLC0415

    findings = quota_findings(aws.client("service-quotas"), inference)
    if findings:
        return [failed(CHECK_NAME, "; ".join(findings))]
    asked = ", ".join(f"{n} x {t}" for t, n in sorted(wanted_instances(inference).items()))
    return [passed(CHECK_NAME, f"'<type> for endpoint usage' covers {asked} at the peak of a rollout")]


def peak_instances(endpoint: Endpoint) -> int:
    """The most instances of the endpoint that run at once: at full scale, in the middle of a rollout."""
    rollout = endpoint.rollout
    if rollout.type == "ROLLING":
        return endpoint.max_instances + math.ceil(endpoint.max_instances * rollout.size_percent / 100)
    return 2 * endpoint.max_instances


def wanted_instances(inference: InferenceConfig) -> Counter[str]:
    wanted: Counter[str] = Counter()
    for endpoint in inference.endpoints.values():
        wanted[endpoint.instance_type] += peak_instances(endpoint)
    return wanted


def quota_name(instance_type: str) -> str:
    return f"{instance_type} for endpoint usage"


def quota_findings(quotas_client: Any, inference: InferenceConfig) -> list[str]:
    """One line per instance type whose "<type> for endpoint usage" quota is missing or below the peak."""
    values: dict[str, float] = {}
    for page in quotas_client.get_paginator("list_service_quotas").paginate(ServiceCode="sagemaker"):
        for quota in page["Quotas"]:
            values[quota["QuotaName"]] = float(quota["Value"])
    findings = []
    for instance_type, count in sorted(wanted_instances(inference).items()):
        name = quota_name(instance_type)
        have = values.get(name)
        if have is None or have < count:
            findings.append(
                f"quota {name!r}: {f'{have:g}' if have is not None else 'not found'} < {count} "
                "(max_instances of every endpoint of the type, doubled for blue/green or plus a batch for rolling)"
            )
    return findings

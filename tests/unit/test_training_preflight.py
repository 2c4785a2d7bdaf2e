"""Training preflight helpers on stub clients shaped like boto3's (moto has no SageMaker service quotas and no
training plans; the moto-server variant is still to do, see the handoff)."""

from __future__ import annotations

import copy
from typing import Any

from llm_infra.layers.training.config import TrainingConfig
from llm_infra.layers.training.preflight import quota_findings, training_plan_findings
from tests.unit.test_training_config import GOOD

PLAN = "arn:aws:sagemaker:us-west-2:111111111111:training-plan/llm-prod-plan-0001"


class Quotas:
    def __init__(self, quotas: dict[str, float]) -> None:
        self.quotas = quotas

    def get_paginator(self, _name: str) -> Quotas:
        return self

    def paginate(self, **_kwargs: Any) -> list[dict[str, Any]]:
        return [{"Quotas": [{"QuotaName": k, "Value": v} for k, v in self.quotas.items()]}]


class Plans:
    def __init__(self, status: str) -> None:
        self.status = status

    def describe_training_plan(self, TrainingPlanName: str) -> dict[str, str]:  # noqa: N803 - boto3's name
        assert TrainingPlanName == "llm-prod-plan-0001"
        return {"Status": self.status}


def test_quota_below_request_is_reported() -> None:
    training = TrainingConfig.model_validate(GOOD)
    found = quota_findings(Quotas({"ml.p5en.48xlarge for cluster usage": 8}), training)
    assert found == [
        "quota 'ml.m5.xlarge for cluster usage': not found < 1 requested",
        "quota 'ml.p5en.48xlarge for cluster usage': 8.0 < 16 requested",
    ]
    enough = {"ml.p5en.48xlarge for cluster usage": 16.0, "ml.m5.xlarge for cluster usage": 1.0}
    assert quota_findings(Quotas(enough), training) == []


def test_training_plan_must_be_active() -> None:
    data = copy.deepcopy(GOOD)
    data["groups"]["gpu"]["training_plan_arn"] = PLAN
    training = TrainingConfig.model_validate(data)
    assert training_plan_findings(Plans("Scheduled"), training) == [
        "group gpu: training plan llm-prod-plan-0001 is Scheduled (want Active)"
    ]
    assert training_plan_findings(Plans("Active"), training) == []

"""[training] rules (TRN-…): path, id and message of each, on the model (the layer is not registered yet)."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from llm_infra.layers.training.config import TrainingConfig, sagemaker_shapes
from llm_infra.layers.training.rules import training_rules

GOOD: dict[str, Any] = {
    "groups": {
        "controller": {"role": "controller", "instance_type": "ml.m5.xlarge", "az_id": "usw2-az1"},
        "gpu": {
            "role": "compute",
            "instance_type": "ml.p5en.48xlarge",
            "az_id": "usw2-az1",
            "partition": "train",
            "count": 16,
            "deep_health_checks": ["InstanceStress", "InstanceConnectivity"],
        },
    },
    "users": [{"name": "alice", "uid": 2001}],
}


def errors(
    change: dict[str, Any] | None = None, group: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    data = copy.deepcopy(GOOD)
    data.update(change or {})
    data["groups"]["gpu"].update(group or {})
    with pytest.raises(ValidationError) as caught:
        TrainingConfig.model_validate(data)
    found = []
    for error in caught.value.errors():
        loc = ".".join(str(p) for p in error["loc"])
        for problem in (error.get("ctx") or {}).get("problems", []):
            found.append(
                (
                    f"{loc}.{problem['path']}" if loc else problem["path"],
                    f"[{problem['id']}] {problem['message']}",
                )
            )
        if "problems" not in (error.get("ctx") or {}):
            found.append((loc, error["msg"]))
    return found


def test_good_config_validates_and_reads_botocore() -> None:
    config = TrainingConfig.model_validate(GOOD)
    assert set(config.accelerated_groups) == {"gpu"}
    assert "ml.p5en.48xlarge" in sagemaker_shapes()["instance_types"]


@pytest.mark.parametrize(
    ("group", "path", "message"),
    [
        (
            {"instance_type": "ml.p9.48xlarge"},
            "groups.gpu.instance_type",
            "not an instance type HyperPod accepts",
        ),
        ({"count": 6759}, "groups.gpu.count", "instance count out of range"),
        ({"threads_per_core": 3}, "groups.gpu.threads_per_core", "threads per core out of range"),
        ({"ebs_volume_size_gb": 16385}, "groups.gpu.ebs_volume_size_gb", "EBS volume size (GB) out of range"),
        ({"partition": "-bad"}, "groups.gpu.partition", "not a partition name"),
        (
            {"training_plan_arn": "arn:aws:sagemaker:us-west-2:1:plan/x"},
            "groups.gpu.training_plan_arn",
            "not a training plan ARN",
        ),
        (
            {"deep_health_checks": ["Nope"]},
            "groups.gpu.deep_health_checks",
            "unknown deep health check 'Nope'",
        ),
        ({"partition": None}, "groups.gpu.partition", "[TRN-012] a compute group needs its partition"),
        (
            {"instance_type": "ml.g5.8xlarge", "deep_health_checks": []},
            "groups.gpu.instance_type",
            "[TRN-009] a multi-node compute group needs an EFA-capable type",
        ),
        (
            {"instance_type": "ml.c5.xlarge", "count": 1},
            "groups.gpu.deep_health_checks",
            "[TRN-011] deep health checks run only on accelerated groups",
        ),
    ],
)
def test_group_rules(group: dict[str, Any], path: str, message: str) -> None:
    found = errors(group=group)
    assert any(p == path and message in m for p, m in found), found


def test_exactly_one_controller() -> None:
    found = errors(group={"role": "controller", "partition": None, "deep_health_checks": []})
    assert ("groups", "[TRN-006] exactly one controller group") in found


def test_group_name_pattern() -> None:
    data = copy.deepcopy(GOOD)
    data["groups"]["bad_name"] = data["groups"].pop("gpu")
    with pytest.raises(ValidationError) as caught:
        TrainingConfig.model_validate(data)
    assert "not an instance group name" in str(caught.value)


def test_duplicate_uids_and_customer_ebs_key() -> None:
    found = errors(
        change={
            "users": [{"name": "alice", "uid": 2001}, {"name": "bob", "uid": 2001}],
            "ebs_kms_key_arn": "arn:aws:kms:us-west-2:111111111111:key/abc",
        }
    )
    assert ("users", "[HPP-008] user names and uids must be unique") in found
    assert any("[TRN-014] a customer EBS key is not supported on a Slurm cluster" in m for _, m in found)


def test_cross_layer_az_rules() -> None:
    config = TrainingConfig.model_validate(GOOD)
    fsx = SimpleNamespace(efa_enabled=True, az_id="usw2-az2")
    problems = training_rules(config, ("usw2-az1", "usw2-az2"), fsx)
    assert [(p["path"], p["id"]) for p in problems] == [("training.groups.gpu.az_id", "TRN-016")]
    assert training_rules(config, ("usw2-az1",), SimpleNamespace(efa_enabled=False, az_id="usw2-az2")) == []
    outside = training_rules(config, ("usw2-az3",), None)
    assert {p["id"] for p in outside} == {"TRN-015"} and len(outside) == 2

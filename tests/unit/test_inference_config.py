"""Rules of ``[inference.endpoints.<name>]`` (llm_infra/layers/inference/config.py): path, id and message."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from llm_infra.layers.inference.config import Endpoint, InferenceConfig, endpoint_problems, inf2_table, note

IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"


def endpoint(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "container": {"image": IMAGE, "framework": "lmi"},
        "model_data_url": "s3://llm-dev-models/stablelm-3b/",
        "parameters_billion": 3,
        "instance_type": "ml.inf2.xlarge",
        "tensor_parallel_degree": 2,
        "min_instances": 1,
        "max_instances": 2,
    }
    data.update(over)
    return data


def problems(name: str = "llm-dev", floor: int = 1, **over: Any) -> list[dict[str, Any]]:
    return endpoint_problems("chat", Endpoint.model_validate(endpoint(**over)), name=name, floor=floor)


def only(found: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(found) == 1, found
    return found[0]


def test_defaults_pass_and_the_table_matches_facts() -> None:
    assert problems() == []
    table = inf2_table()["instance_types"]
    assert {k: (v["neuron_cores"], v["accelerator_memory_gib"]) for k, v in table.items()} == {
        "ml.inf2.xlarge": (2, 32), "ml.inf2.8xlarge": (2, 32), "ml.inf2.24xlarge": (12, 192),
        "ml.inf2.48xlarge": (24, 384),
    }  # fmt: skip


def test_instance_type_outside_inf2_needs_explicit_allowance() -> None:
    p = only(problems(instance_type="ml.g5.xlarge"))
    assert (p["id"], p["path"]) == ("INF-003", "endpoints.chat.instance_type") and "ml.inf2.xlarge" in p[
        "allowed"
    ]
    assert problems(instance_type="ml.g5.xlarge", allow_instance_type=True) == []


@pytest.mark.parametrize(
    ("instance", "tp"), [("ml.inf2.48xlarge", 5), ("ml.inf2.xlarge", 4), ("ml.inf2.xlarge", 0)]
)
def test_tensor_parallel_must_divide_the_cores(instance: str, tp: int) -> None:
    p = only(problems(instance_type=instance, tensor_parallel_degree=tp))
    assert (p["id"], p["path"]) == ("INF-004", "endpoints.chat.tensor_parallel_degree")
    assert "must divide the" in p["message"]


def test_weights_must_fit_the_tensor_parallel_cores_with_headroom() -> None:
    # 70B bf16 = 130 GiB: 24 cores x 16 GiB fits; 8 cores (128 GiB, 102 GiB usable) does not.
    assert problems(parameters_billion=70, instance_type="ml.inf2.48xlarge", tensor_parallel_degree=24) == []
    p = only(problems(parameters_billion=70, instance_type="ml.inf2.48xlarge", tensor_parallel_degree=8))
    assert (p["id"], p["path"]) == ("INF-016", "endpoints.chat.parameters_billion")
    assert (
        "130 GiB of weights does not fit 8 cores" in p["message"]
        and p["allowed"] == "at most 102.4 GiB of weights"
    )
    # 13B bf16 = 24 GiB on one core pair (25.6 usable) fits, 14B (26 GiB) does not.
    assert problems(parameters_billion=13) == []
    assert only(problems(parameters_billion=14))["id"] == "INF-016"


def test_min_max_floor_and_rollout_sizes() -> None:
    assert only(problems(min_instances=0))["id"] == "INF-005"
    assert only(problems(min_instances=3, max_instances=2))["id"] == "INF-005"
    p = only(problems(floor=2))
    assert (p["id"], p["path"], p["allowed"]) == (
        "INF-018",
        "endpoints.chat.min_instances",
        "at least 2 (inference.min_instances_floor)",
    )
    p = only(problems(rollout={"type": "CANARY", "size_percent": 60}))
    assert (p["id"], p["path"], p["allowed"]) == ("INF-008", "endpoints.chat.rollout.size_percent", "1-50")
    assert only(problems(rollout={"type": "LINEAR", "size_percent": 5}))["allowed"] == "10-50"
    assert only(problems(rollout={"type": "ROLLING", "size_percent": 60}))["allowed"] == "5-50"


def test_name_prefix_length() -> None:
    p = only(problems(name="a-very-long-namespace-and-environment"))
    assert (p["id"], p["path"]) == ("INF-002", "endpoints.chat") and p["allowed"] == "at most 37"


def test_container_environment_agrees() -> None:
    p = only(
        problems(
            container={
                "image": IMAGE,
                "framework": "lmi",
                "environment": {"OPTION_TENSOR_PARALLEL_DEGREE": "1"},
            }
        )
    )
    assert (p["id"], p["path"]) == (
        "INF-017",
        "endpoints.chat.container.environment.OPTION_TENSOR_PARALLEL_DEGREE",
    )
    env = {"HF_NUM_CORES": "2", "MAX_INPUT_TOKENS": "4096", "MAX_TOTAL_TOKENS": "4096"}
    p = only(problems(container={"image": IMAGE, "framework": "tgi", "environment": env}))
    assert (p["id"], p["path"]) == ("INF-017", "endpoints.chat.container.environment.MAX_INPUT_TOKENS")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("container_startup_health_check_timeout_in_seconds", 59),
        ("model_data_download_timeout_in_seconds", 3601),
        ("rollout", {"maximum_execution_timeout_in_seconds": 3700}),
        ("rollout", {"type": "BLUE"}),
        ("data_capture_sampling_percent", 101),
    ],
)
def test_field_limits_are_refused_at_load(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as err:
        Endpoint.model_validate(endpoint(**{field: value}))
    assert err.value.errors()[0]["loc"][0] == field


def test_config_refuses_cross_field_problems_at_load() -> None:
    with pytest.raises(ValidationError, match="configuration rule"):
        InferenceConfig.model_validate({"min_instances_floor": 2, "endpoints": {"chat": endpoint()}})


def test_summary_line() -> None:
    ep = Endpoint.model_validate(
        endpoint(
            parameters_billion=70,
            instance_type="ml.inf2.48xlarge",
            tensor_parallel_degree=24,
            min_instances=2,
            max_instances=4,
        )
    )
    assert note("large", ep) == (
        "large: ml.inf2.48xlarge x 2-4, 24 NeuronCores, tp 24, 1 copy per instance, 70B bf16 = 130 GiB of 384 GiB, "
        "rollout CANARY 10% with auto-rollback"
    )
    assert "2 copies per instance, 6B bf16 = 11 GiB of 32 GiB" in note(
        "s", Endpoint.model_validate(endpoint(parameters_billion=6, tensor_parallel_degree=1))
    )

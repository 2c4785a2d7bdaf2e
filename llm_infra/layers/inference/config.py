"""Config of the inference layer: ``[inference]`` with ``[inference.endpoints.<name>]``.

Module rules (INF-002..INF-011) use the ids of ``modules/inference-fleet``; the numbers come from its
``inf2_instance_types.json``. Rules only the config can check: INF-016 (weights fit the accelerator memory of the
tensor-parallel cores with headroom: a heuristic of ~20 % for KV cache and activations), INF-017 (the container's
environment agrees with the tensor-parallel degree and its own token limits), INF-018 (min >= the environment's
floor of instances).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator

from llm_infra.config.types import Rule, rule, violations
from llm_infra.paths import MODULES_DIR

HEADROOM = 0.20  # share of each core's memory kept for KV cache and activations (heuristic, FACTS.md)
DTYPE_BYTES = {"bf16": 2, "fp16": 2, "fp32": 4, "int8": 1, "fp8": 1}
GIB = 1024**3


@cache
def inf2_table() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (MODULES_DIR / "inference-fleet" / "inf2_instance_types.json").read_text(encoding="utf-8")
    )
    return data


_T = inf2_table()
EndpointKey = Annotated[str, Field(pattern=r"^[a-z0-9](-?[a-z0-9])*$")]


class Container(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image: Annotated[
        str, Field(pattern=r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/[^:@]+[:@].+$")
    ]
    framework: Literal["lmi", "tgi"]
    environment: dict[str, str] = {}


class Rollout(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Annotated[Literal["CANARY", "LINEAR", "ALL_AT_ONCE", "ROLLING"], Rule("INF-007")] = "CANARY"
    size_percent: StrictInt = 10
    wait_in_seconds: Annotated[
        StrictInt, Field(ge=_T["wait_seconds"]["min"], le=_T["wait_seconds"]["max"])
    ] = 300
    maximum_execution_timeout_in_seconds: Annotated[
        StrictInt,
        Field(ge=_T["maximum_execution_timeout_seconds"]["min"], le=_T["provider_wait_seconds"]),
        Rule("INF-009"),
    ] = 3000
    error_5xx_threshold: Annotated[StrictInt, Field(ge=0)] = 5
    model_latency_p99_ms: Annotated[StrictInt, Field(gt=0)] = 5000


class Endpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    container: Container
    model_data_url: Annotated[str, Field(pattern=r"^s3://[a-z0-9.-]+/.+$")]
    parameters_billion: Annotated[float, Field(gt=0)]
    dtype: Literal["bf16", "fp16", "fp32", "int8", "fp8"] = "bf16"
    instance_type: Annotated[str, Rule("INF-003")]
    allow_instance_type: StrictBool = False
    tensor_parallel_degree: Annotated[StrictInt, Rule("INF-004")]
    min_instances: Annotated[StrictInt, Rule("INF-005")] = 1
    max_instances: StrictInt = 1
    target_value: Annotated[float, Field(gt=0), Rule("INF-010")] = 10
    scaling_metric: Literal[
        "SageMakerVariantInvocationsPerInstance", "SageMakerVariantConcurrentRequestsPerModelHighResolution"
    ] = "SageMakerVariantInvocationsPerInstance"
    container_startup_health_check_timeout_in_seconds: Annotated[
        StrictInt, Field(ge=_T["timeout_seconds"]["min"], le=_T["timeout_seconds"]["max"]), Rule("INF-006")
    ] = 900
    model_data_download_timeout_in_seconds: Annotated[
        StrictInt, Field(ge=_T["timeout_seconds"]["min"], le=_T["timeout_seconds"]["max"])
    ] = 900
    volume_size_in_gb: Annotated[StrictInt, Field(ge=1, le=512), Rule("INF-011")] = 64
    data_capture_sampling_percent: Annotated[StrictInt, Field(ge=0, le=100)] = 0
    rollout: Rollout = Rollout()
    # The smoke probe's optional test invocation (never sent at deploy time): body and its content type.
    smoke_payload: str | None = None
    smoke_content_type: str = "application/json"

    def weights_gib(self) -> float:
        return self.parameters_billion * 1e9 * DTYPE_BYTES[self.dtype] / GIB


def endpoint_problems(key: str, ep: Endpoint, *, name: str, floor: int) -> list[dict[str, Any]]:
    """Cross-field rules of one endpoint; paths relative to ``inference``."""
    base = f"endpoints.{key}"
    problems: list[dict[str, Any]] = []
    prefix = f"{name}-{key}-"
    if len(prefix) > _T["endpoint_config_name_prefix_max_length"]:
        problems.append(rule(base, f"name_prefix {prefix} is {len(prefix)} characters", key, id="INF-002",
                             allowed=f"at most {_T['endpoint_config_name_prefix_max_length']}"))  # fmt: skip
    spec = _T["instance_types"].get(ep.instance_type)
    if spec is None and not ep.allow_instance_type:
        problems.append(rule(f"{base}.instance_type", "not an Inferentia2 type (set allow_instance_type to opt in)",
                             ep.instance_type, id="INF-003", allowed=", ".join(_T["instance_types"])))  # fmt: skip
    tp = ep.tensor_parallel_degree
    if spec is not None:
        cores = int(spec["neuron_cores"])
        if tp < 1 or tp > cores or cores % tp:
            divisors = ", ".join(str(d) for d in range(1, cores + 1) if cores % d == 0)
            problems.append(rule(f"{base}.tensor_parallel_degree", f"must divide the {cores} NeuronCores of "
                                 f"{ep.instance_type}", tp, id="INF-004", allowed=divisors))  # fmt: skip
        elif ep.weights_gib() > tp * _T["memory_per_core_gib"] * (1 - HEADROOM):
            usable = tp * _T["memory_per_core_gib"] * (1 - HEADROOM)
            problems.append(rule(f"{base}.parameters_billion", f"{ep.parameters_billion:g}B {ep.dtype} = "
                                 f"{ep.weights_gib():.0f} GiB of weights does not fit {tp} cores x "
                                 f"{_T['memory_per_core_gib']} GiB with {HEADROOM:.0%} headroom",
                                 ep.parameters_billion, id="INF-016", allowed=f"at most {usable:.1f} GiB of weights"))  # fmt: skip
    if not 1 <= ep.min_instances <= ep.max_instances:
        problems.append(rule(f"{base}.min_instances", "needs 1 <= min_instances <= max_instances (scale to zero "
                             "needs inference components, not in aws 5.100)",
                             f"{ep.min_instances}-{ep.max_instances}", id="INF-005"))  # fmt: skip
    elif ep.min_instances < floor:
        problems.append(rule(f"{base}.min_instances", "below the environment's floor of instances",
                             ep.min_instances, id="INF-018", allowed=f"at least {floor} (inference.min_instances_floor)"))  # fmt: skip
    r = ep.rollout
    bounds = {"CANARY": (1, _T["canary_percent_max"]), "LINEAR": tuple(_T["linear_percent"].values()),
              "ROLLING": tuple(_T["rolling_batch_percent"].values())}  # fmt: skip
    if r.type in bounds and not bounds[r.type][0] <= r.size_percent <= bounds[r.type][1]:
        low, high = bounds[r.type]
        problems.append(rule(f"{base}.rollout.size_percent", f"out of range for {r.type}", r.size_percent,
                             id="INF-008", allowed=f"{low}-{high}"))  # fmt: skip
    problems += _container_problems(base, ep)
    return problems


def _container_problems(base: str, ep: Endpoint) -> list[dict[str, Any]]:
    env = ep.container.environment
    tp_var = "HF_NUM_CORES" if ep.container.framework == "tgi" else "OPTION_TENSOR_PARALLEL_DEGREE"
    problems = []
    if tp_var in env and env[tp_var] != str(ep.tensor_parallel_degree):
        problems.append(rule(f"{base}.container.environment.{tp_var}", "differs from tensor_parallel_degree",
                             env[tp_var], id="INF-017", allowed=str(ep.tensor_parallel_degree)))  # fmt: skip
    tokens = [env.get("MAX_INPUT_TOKENS", ""), env.get("MAX_TOTAL_TOKENS", "")]
    if (
        ep.container.framework == "tgi"
        and all(t.isdigit() for t in tokens)
        and int(tokens[0]) >= int(tokens[1])
    ):
        problems.append(rule(f"{base}.container.environment.MAX_INPUT_TOKENS", "must be below MAX_TOTAL_TOKENS",
                             tokens[0], id="INF-017", allowed=f"< {tokens[1]}"))  # fmt: skip
    return problems


class InferenceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: StrictBool = True
    # Keys of [storage.buckets]: the bucket the models are read from and the one data capture writes to
    # (INF-019, INF-020 in rules.py: cross-layer).
    model_bucket: Annotated[str, Rule("INF-019")] = "artifacts"
    capture_bucket: Annotated[str, Rule("INF-019")] = "artifacts"
    capture_prefix: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9/_-]*[a-z0-9]$")] = "data-capture"
    min_instances_floor: Annotated[StrictInt, Field(ge=1), Rule("INF-018")] = 1
    endpoints: Annotated[dict[EndpointKey, Endpoint], Field(min_length=1), Rule("INF-002")]

    def problems(self, name: str) -> list[dict[str, Any]]:
        return [
            p
            for k, e in self.endpoints.items()
            for p in endpoint_problems(k, e, name=name, floor=self.min_instances_floor)
        ]

    @model_validator(mode="after")
    def _floor(self) -> InferenceConfig:
        # Name-independent rules at load time; the name prefix (INF-002) needs the label: problems(name).
        found = [p for p in self.problems("x") if p["id"] != "INF-002"]
        if found:
            raise violations(found)
        return self


def note(key: str, ep: Endpoint) -> str:
    """Summary line, e.g. ``large: ml.inf2.48xlarge x 2-4, 24 NeuronCores, tp 24, 1 copy, 70B bf16 = 130 GiB of 384 GiB``."""
    spec = _T["instance_types"].get(ep.instance_type, {"neuron_cores": 0, "accelerator_memory_gib": 0})
    copies = spec["neuron_cores"] // ep.tensor_parallel_degree if spec["neuron_cores"] else 0
    r = ep.rollout
    policy = r.type if r.type in {"ALL_AT_ONCE"} else f"{r.type} {r.size_percent}%"
    return (f"{key}: {ep.instance_type} x {ep.min_instances}-{ep.max_instances}, {spec['neuron_cores']} NeuronCores, "
            f"tp {ep.tensor_parallel_degree}, {copies} cop{'y' if copies == 1 else 'ies'} per instance, "
            f"{ep.parameters_billion:g}B {ep.dtype} = {ep.weights_gib():.0f} GiB of {spec['accelerator_memory_gib']} GiB, "
            f"rollout {policy} with auto-rollback")  # fmt: skip

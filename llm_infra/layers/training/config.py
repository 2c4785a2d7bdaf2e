"""Training layer config ``[training]``: the HyperPod Slurm cluster (instance groups, node recovery, POSIX users,
an optional model description for the summary).

Limits and patterns come from the pinned botocore's SageMaker service model (``ClusterInstanceType``,
``ClusterInstanceGroupName``, ``ClusterPartitionName``, ``ClusterInstanceCount``, ``ClusterEbsVolumeSizeInGB``,
``TrainingPlanArn``, ``DeepHealthCheckType``), never a hand copy. Rule ids ``TRN-…``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.efa import ec2_type, max_efa_interfaces
from llm_infra.config.service_model import service_facts
from llm_infra.config.types import (
    AzId,
    FiniteFloat,
    Rule,
    StrictBool,
    StrictInt,
    invalid,
    rule,
    violations,
)

# Instance families HyperPod runs accelerators on (GPU p/g, Trainium trn): they get EFA, the FSx AZ, deep checks.
ACCELERATED_FAMILIES = ("p", "g", "trn")


def _extract_shapes(model: Any) -> dict[str, Any]:
    def meta(name: str) -> dict[str, Any]:
        return dict(model.shape_for(name).metadata)

    return {
        "instance_types": list(model.shape_for("ClusterInstanceType").enum),
        "group_name": meta("ClusterInstanceGroupName"),
        "partition": meta("ClusterPartitionName"),
        "count": meta("ClusterInstanceCount"),
        "threads": meta("ClusterThreadsPerCore"),
        "ebs": meta("ClusterEbsVolumeSizeInGB"),
        "plan_arn": meta("TrainingPlanArn"),
        "deep_health_checks": list(model.shape_for("DeepHealthCheckType").enum),
    }


@cache
def sagemaker_shapes() -> Mapping[str, Any]:
    """The SageMaker shapes the rules read, from the pinned botocore (boto3 pins it), through the per-botocore
    cache (llm_infra/config/service_model.py): loading the model costs ~0.4 s, on every synth otherwise."""
    shapes = service_facts("sagemaker", _extract_shapes, name="hyperpod-shapes", revision="1")
    return {
        **shapes,
        "instance_types": tuple(shapes["instance_types"]),
        "deep_health_checks": tuple(shapes["deep_health_checks"]),
    }


def is_accelerated(instance_type: str) -> bool:
    family = re.match(r"[a-z]+", ec2_type(instance_type))
    return family is not None and family.group(0) in ACCELERATED_FAMILIES


def _instance_type(value: str) -> str:
    allowed = sagemaker_shapes()["instance_types"]
    if value not in allowed:
        raise invalid(
            "instance_type", "not an instance type HyperPod accepts", "ml.* types of ClusterInstanceType"
        )
    return value


def _bounded(shape: str, what: str) -> AfterValidator:
    def check(value: int) -> int:
        spec = sagemaker_shapes()[shape]
        if not spec["min"] <= value <= spec["max"]:
            raise invalid("range", f"{what} out of range", f"{spec['min']}-{spec['max']}")
        return value

    return AfterValidator(check)


def _patterned(shape: str, what: str) -> AfterValidator:
    def check(value: str) -> str:
        spec = sagemaker_shapes()[shape]
        if not (spec.get("min", 0) <= len(value) <= spec["max"] and re.fullmatch(spec["pattern"], value)):
            raise invalid(
                "pattern", f"not {what}", f"{spec['pattern']}, {spec.get('min', 0)}-{spec['max']} chars"
            )
        return value

    return AfterValidator(check)


def _deep_checks(value: tuple[str, ...]) -> tuple[str, ...]:
    allowed = sagemaker_shapes()["deep_health_checks"]
    bad = [v for v in value if v not in allowed]
    if bad:
        raise invalid("deep_health_checks", f"unknown deep health check {bad[0]!r}", ", ".join(allowed))
    return value


InstanceType = Annotated[str, AfterValidator(_instance_type)]
GroupName = Annotated[str, _patterned("group_name", "an instance group name")]
PartitionName = Annotated[str, _patterned("partition", "a partition name")]
TrainingPlanArn = Annotated[str, _patterned("plan_arn", "a training plan ARN")]
PosixName = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_-]{0,31}$")]


class InstanceGroup(Model):
    role: Annotated[Literal["controller", "login", "compute"], Rule("TRN-010")]
    instance_type: Annotated[InstanceType, Rule("TRN-001")]
    count: Annotated[StrictInt, _bounded("count", "instance count"), Rule("TRN-002")] = 1
    az_id: AzId
    threads_per_core: Annotated[StrictInt, _bounded("threads", "threads per core"), Rule("TRN-005")] = 1
    ebs_volume_size_gb: Annotated[StrictInt, _bounded("ebs", "EBS volume size (GB)"), Rule("TRN-007")] = 500
    partition: Annotated[PartitionName | None, Rule("TRN-004")] = None
    training_plan_arn: Annotated[TrainingPlanArn | None, Rule("TRN-008")] = None
    spot: Annotated[StrictBool, Rule("TRN-018")] = False
    deep_health_checks: Annotated[tuple[str, ...], AfterValidator(_deep_checks), Rule("TRN-011")] = ()

    @model_validator(mode="after")
    def _rules(self) -> InstanceGroup:
        problems = []
        if self.role == "compute" and self.partition is None:
            problems.append(
                rule(
                    "partition",
                    "a compute group needs its partition",
                    None,
                    id="TRN-012",
                    allowed="a partition name",
                )
            )
        if self.role != "compute" and self.partition is not None:
            problems.append(
                rule(
                    "partition",
                    f"only compute groups have a partition (role {self.role})",
                    self.partition,
                    id="TRN-012",
                    allowed="no partition",
                )
            )
        if (
            self.role == "compute"
            and self.count > 1
            and ec2_type(self.instance_type) not in max_efa_interfaces()
        ):
            problems.append(
                rule(
                    "instance_type",
                    "a multi-node compute group needs an EFA-capable type",
                    self.instance_type,
                    id="TRN-009",
                    allowed=", ".join(f"ml.{t}" for t in max_efa_interfaces()),
                )
            )
        if self.spot and self.training_plan_arn is not None:
            problems.append(
                rule(
                    "spot",
                    "spot capacity and a training plan are mutually exclusive",
                    True,
                    id="TRN-018",
                    allowed="spot = false with training_plan_arn, or no training_plan_arn",
                )
            )
        if self.deep_health_checks and not is_accelerated(self.instance_type):
            problems.append(
                rule(
                    "deep_health_checks",
                    "deep health checks run only on accelerated groups",
                    list(self.deep_health_checks),
                    id="TRN-011",
                    allowed="[] on this type",
                )
            )
        if problems:
            raise violations(problems)
        return self


class PosixUser(Model):
    # The ids of modules/hyperpod-prerequisites' validations of its `users` input (test_rule_parity).
    name: Annotated[PosixName, Rule("HPP-007")]
    uid: Annotated[StrictInt, Field(ge=2000, le=60000), Rule("HPP-008")]
    groups: tuple[PosixName, ...] = ()


class ModelSpec(Model):
    parameters_billion: Annotated[FiniteFloat, Field(gt=0)]
    bytes_per_parameter: Annotated[FiniteFloat, Field(gt=0)] = (
        16.0  # bf16 weights+grads, fp32 Adam state+master
    )


class TrainingConfig(Model):
    enabled: StrictBool = True
    node_recovery: Annotated[Literal["Automatic", "None"], Rule("TRN-017")] = "Automatic"
    groups: Annotated[dict[GroupName, InstanceGroup], Rule("TRN-006", key="TRN-003")] = Field(
        default_factory=dict
    )
    users: tuple[PosixUser, ...] = ()
    # The storage layer's buckets (storage.buckets keys) the nodes read (datasets) and read and write
    # (checkpoints) through the execution role (rule TRN-020: each a configured bucket).
    read_buckets: tuple[str, ...] = ("datasets",)
    write_buckets: tuple[str, ...] = ("checkpoints",)
    ebs_kms_key_arn: str | None = None
    model: ModelSpec | None = None

    @model_validator(mode="after")
    def _rules(self) -> TrainingConfig:
        problems = []
        controllers = [name for name, g in self.groups.items() if g.role == "controller"]
        if len(controllers) != 1:
            problems.append(
                rule(
                    "groups",
                    "exactly one controller group",
                    controllers,
                    id="TRN-006",
                    allowed="one group with role = 'controller'",
                )
            )
        uids = [u.uid for u in self.users]
        names = [u.name for u in self.users]
        if len(set(uids)) != len(uids) or len(set(names)) != len(names):
            problems.append(
                rule(
                    "users",
                    "user names and uids must be unique",
                    names,
                    id="HPP-008",
                    allowed="distinct names and uids",
                )
            )
        if self.ebs_kms_key_arn is not None:
            # AWS ties customer keys on HyperPod instance-group EBS to the Continuous node-provisioning mode,
            # which botocore documents as EKS-only: on Slurm the volumes use the AWS-owned key.
            problems.append(
                rule(
                    "ebs_kms_key_arn",
                    "a customer EBS key is not supported on a Slurm cluster",
                    self.ebs_kms_key_arn,
                    id="TRN-014",
                    allowed="no key (AWS-owned key)",
                )
            )
        if problems:
            raise violations(problems)
        return self

    @property
    def accelerated_groups(self) -> dict[str, InstanceGroup]:
        return {n: g for n, g in self.groups.items() if is_accelerated(g.instance_type)}

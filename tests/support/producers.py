"""Stacks applied once per test session to one moto server, for every consumer and every test to plan against.

A consumer (a stack that reads another stack's state) is planned only after its producers were applied to the
same moto server; the producers' local state files are what terraform wrote there, and the consumer's override
file points its remote-state data sources at them, as the S3 backend would in AWS. A stack is applied as far as
moto can hold it (``MOTO_APPLY_TARGETS``), and only when a test first asks for it.

Tests must leave what was applied as they found it: they read a state, or work on a copy of it (``copy_state``:
``terraform state mv``, a flip applied as moves only), and delete what they create themselves. Tests that change
or delete resources outside Terraform (drift) or run the whole bootstrap-to-destroy path (the README path) keep
their own server.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llm_infra.config import Environment
from llm_infra.layers.training.names import lifecycle_bucket_prefix
from tests.support.aws import client_in_account
from tests.support.fsx import stand_in_outputs
from tests.support.layers import StackEntry, producers_of, remote_state_name, stack_order
from tests.support.moto import MotoServer
from tests.support.stack import DESTROY, PLAN_TIMEOUT_S, empty_bucket, managed, prepare
from tests.support.terraform import terraform
from tests.support.workflow import Delivered, deliver, env_files, make_env

# Layer -> the targets moto 5.2.5 can apply (no entry: the whole stack). moto's FSx returns no Lifecycle, so
# terraform's FSx waiter never finishes: storage is applied without the file system and its associations (tests
# that need a file system create it with boto3 and adopt it, tests/support/fsx.py).
#
# moto cannot hold the inference layer's endpoint configurations (it refuses ml.inf2.*), endpoints (no
# UpdateEndpoint, DeploymentConfig ignored) or scalable targets (no ListTagsForResource): what it can hold is applied
# (the execution role and its policy, the models' security group, the rollback alarms, the dashboard of modules/cloudwatch-dashboard), so dev's
# re-plan proves those read back clean; the rollout itself is tested from a crafted state
# (tests/terraform/test_inference_replacement.py).
#
# Training is applied without two things moto gets wrong: it has no AWS managed policies (attaching
# AmazonSageMakerClusterInstanceRolePolicy is NoSuchEntity), and it enforces the lifecycle bucket's TLS-only policy
# on the harness's plain-HTTP endpoint, so with that policy in place no scripts object could be read back (403).
_LIFECYCLE_BUCKET = "module.prerequisites.module.lifecycle_bucket"
MOTO_APPLY_TARGETS: dict[str, tuple[str, ...]] = {
    "inference": (
        "-target=module.fleet.aws_iam_role.execution",
        "-target=module.fleet.aws_iam_role_policy.execution",
        "-target=module.fleet.aws_security_group.this",
        "-target=module.fleet.aws_cloudwatch_metric_alarm.errors_5xx",
        "-target=module.fleet.aws_cloudwatch_metric_alarm.model_latency",
        "-target=module.dashboard",
    ),
    "training": (
        "-target=module.prerequisites.aws_iam_role.execution",
        "-target=module.prerequisites.aws_iam_role_policy.execution",
        "-target=module.prerequisites.aws_iam_policy.ssm_access",
        "-target=module.prerequisites.aws_s3_object.lifecycle",
        "-target=module.prerequisites.aws_s3_object.node_config",
        f"-target={_LIFECYCLE_BUCKET}.module.kms",
        *(
            f"-target={_LIFECYCLE_BUCKET}.{kind}.{name}"
            for kind in (
                "aws_s3_bucket",
                "aws_s3_bucket_lifecycle_configuration",
                "aws_s3_bucket_notification",
                "aws_s3_bucket_ownership_controls",
                "aws_s3_bucket_public_access_block",
                "aws_s3_bucket_server_side_encryption_configuration",
                "aws_s3_bucket_versioning",
            )
            for name in ("this", "access_logs")
        ),
        f"-target={_LIFECYCLE_BUCKET}.aws_s3_bucket_logging.this",
        f"-target={_LIFECYCLE_BUCKET}.aws_s3_bucket_policy.access_logs",
    ),
    "storage": (
        "-target=module.buckets",
        "-target=module.fsx.module.kms",
        "-target=module.fsx.aws_cloudwatch_log_group.this",
    ),
}


# Layer -> module folder -> a Terraform override file written into that module's copy in the work folder of the
# *applied* stack (override files work per module directory). What moto 5.2.5 cannot hold: it drops an AMP
# workspace's kms_key_arn (so the workspace would be replaced on every plan), has no Grafana (nor its role
# associations, which staging and prod configure) and no AMP alert
# manager backend, and answers Budgets' DescribeSubscribersForNotification with HTTP 500 (the budget is created,
# terraform cannot read it back). The shipped stacks keep all of it and are planned in full (test_plan_against_moto).
MOTO_MODULE_OVERRIDES: dict[str, dict[str, str]] = {
    "observability": {
        "observability": """
resource "aws_prometheus_workspace" "this" {
  kms_key_arn = null
}

resource "aws_prometheus_workspace" "protected" {
  kms_key_arn = null
}

resource "aws_grafana_workspace" "this" {
  count = 0
}

resource "aws_grafana_workspace" "protected" {
  count = 0
}

resource "aws_grafana_role_association" "this" {
  for_each = {}
}

resource "aws_prometheus_alert_manager_definition" "this" {
  count = 0
}

resource "aws_budgets_budget" "this" {
  count = 0
}
""",
    },
}


def write_moto_module_overrides(work: Path, layer: str) -> None:
    """Write MOTO_MODULE_OVERRIDES[layer] into ``work``'s module copies (no entry: nothing)."""
    for module, text in MOTO_MODULE_OVERRIDES.get(layer, {}).items():
        folder = work / "modules" / module
        assert folder.is_dir(), f"{work} has no module {module} to override"
        (folder / "moto_override.tf").write_text(text.lstrip(), encoding="utf-8")


def _empty_access_logs(work: Path, moto: MotoServer, env: Environment, tf_env: dict[str, str]) -> None:
    """Terraform never deletes a bucket that holds objects (no force_destroy anywhere), and the access-log bucket
    has received moto's server access logs: stop the logging and empty the log bucket first, as an operator
    tearing down dev would. moto enforces the TLS-only bucket policy and is reached over plain HTTP, so that
    policy goes first too."""
    first = [
        "-target=module.buckets.aws_s3_bucket_logging.this",
        "-target=module.buckets.aws_s3_bucket_policy.access_logs",
    ]
    terraform([*DESTROY, *first], work, tf_env, timeout=PLAN_TIMEOUT_S)
    empty_bucket(moto, env, f"{env.namespace}-{env.name}-storage-{env.account_id}-access-logs")


def _storage_outputs(producers: Producers, name: str, env: Environment) -> dict[str, str]:
    """The FSx outputs the targeted storage apply cannot write: a stand-in file system in the subnet the applied
    network made for the configured AZ ID (tests/support/fsx.stand_in_outputs)."""
    assert env.storage is not None and env.storage.fsx is not None
    network = producers.outputs(f"{env.name}-network")
    fsx = client_in_account(producers.moto, env.account_id, env.region, "fsx", session_name=name)
    return stand_in_outputs(
        fsx,
        network["private_subnet_ids"][env.storage.fsx.az_id],
        network["efa_security_group_id"],
        env.storage.fsx.storage_capacity_gib,
    )


# Layer -> the outputs its consumers read that moto cannot give (what MOTO_APPLY_TARGETS leaves out), supplied
# once here for every consumer: the producer's state as its consumers read it carries these values.
STAND_IN_OUTPUTS: dict[str, Callable[[Producers, str, Environment], dict[str, str]]] = {
    "storage": _storage_outputs,
}


def _empty_lifecycle_access_logs(
    work: Path, moto: MotoServer, env: Environment, tf_env: dict[str, str]
) -> None:
    """The lifecycle bucket (modules/hyperpod-prerequisites) logs to its own access-log bucket: as for storage.
    It is also versioned: destroying the scripts' objects leaves their versions and delete markers, and a bucket
    that holds any cannot be deleted (409). So the objects go first, then both buckets are emptied of every
    version, as an operator tearing down dev would."""
    module = "module.prerequisites.module.lifecycle_bucket"
    first = [
        f"-target={module}.aws_s3_bucket_logging.this",
        f"-target={module}.aws_s3_bucket_policy.access_logs",
        "-target=module.prerequisites.aws_s3_object.lifecycle",
        "-target=module.prerequisites.aws_s3_object.node_config",
    ]
    terraform([*DESTROY, *first], work, tf_env, timeout=PLAN_TIMEOUT_S)
    empty_bucket(moto, env, f"{lifecycle_bucket_prefix(env)}-access-logs")
    empty_bucket(moto, env, f"{lifecycle_bucket_prefix(env)}-lifecycle")


# Layer -> what must happen before its stack can be destroyed.
BEFORE_DESTROY: dict[str, Callable[[Path, MotoServer, Environment, dict[str, str]], None]] = {
    "storage": _empty_access_logs,
    "training": _empty_lifecycle_access_logs,
}


@dataclass
class Producers:
    moto: MotoServer
    outdir: Path  # the moto variant's synthesis (tests.support.stack.synth_moto_variant)
    environments: dict[str, Environment]
    tf_env: dict[str, str]
    workdir: (
        Path  # an output folder: workdir/stacks/<stack> are the applied work folders (CDKTF_OUTDIR for make)
    )
    applied: dict[str, Path] = field(default_factory=dict)  # stack name -> work folder, in apply order
    delivered: dict[str, Delivered] = field(
        default_factory=dict
    )  # stack name -> what make plan and gate said

    def entry(self, name: str) -> StackEntry:
        (found,) = [s for s in stack_order() if s.name == name]
        return found

    def targets(self, name: str) -> tuple[str, ...]:
        """The -target options stack ``name`` is applied with on moto (none: all of it)."""
        return MOTO_APPLY_TARGETS.get(self.entry(name).layer, ())

    def make_env(self) -> dict[str, str]:
        """The environment of the make targets on the applied work folders (tests/support/workflow.py)."""
        return make_env(self.tf_env, self.workdir, env_files(self.outdir))

    def work(self, name: str) -> Path:
        """The work folder of stack ``name``, applied on first use (after its producers), as far as moto can hold
        it, with the make targets CI runs: `make plan` (with MOTO_APPLY_TARGETS), `make gate`, `make apply`.
        Never change its state or its resources: plan it, or work on ``copy_state``."""
        if name not in self.applied:
            stack = self.entry(name)
            remote_states = self.remote_states(name)
            work = prepare(
                self.outdir / "stacks" / name,
                self.workdir / "stacks" / name,
                self.moto,
                self.environments[stack.environment],
                self.tf_env,
                remote_states=remote_states,
                init=False,
            )
            write_moto_module_overrides(work, stack.layer)
            self.delivered[name] = deliver(self.workdir, name, self.make_env(), self.targets(name))
            self.applied[name] = work
        return self.applied[name]

    def state_path(self, name: str) -> Path:
        return self.work(name) / "terraform.tfstate"

    def consumer_state_path(self, name: str) -> Path:
        """The state of stack ``name`` as its consumers read it: the applied state, plus the stand-in outputs of
        what moto cannot hold (``STAND_IN_OUTPUTS``), written once next to it. The applied state is untouched."""
        stand_in = STAND_IN_OUTPUTS.get(self.entry(name).layer)
        if stand_in is None:
            return self.state_path(name)
        path = self.work(name) / "consumers.tfstate"
        if not path.is_file():
            state = self.state(name)
            values = stand_in(self, name, self.environments[self.entry(name).environment])
            state["outputs"] = {
                **state.get("outputs", {}),
                **{key: {"value": value, "type": "string"} for key, value in values.items()},
            }
            path.write_text(json.dumps(state, indent=2), encoding="utf-8")
        return path

    def state(self, name: str) -> dict[str, Any]:
        """Stack ``name``'s local state, as terraform wrote it."""
        return dict(json.loads(self.state_path(name).read_text(encoding="utf-8")))

    def outputs(self, name: str) -> dict[str, Any]:
        """output name -> value of stack ``name``'s state."""
        return {key: value["value"] for key, value in self.state(name).get("outputs", {}).items()}

    def outputs_for_consumers(self, name: str) -> dict[str, Any]:
        """output name -> value of stack ``name``'s state as its consumers read it (with stand-in outputs)."""
        state = json.loads(self.consumer_state_path(name).read_text(encoding="utf-8"))
        return {key: value["value"] for key, value in state.get("outputs", {}).items()}

    def copy_state(self, name: str, work: Path) -> None:
        """Give ``work`` (a prepared work folder of the same stack) a copy of the applied state to change."""
        shutil.copyfile(self.state_path(name), work / "terraform.tfstate")

    def remote_states(self, consumer: str) -> dict[str, Path]:
        """The override of ``consumer``'s remote-state reads: data source name -> applied producer's state file
        (with the outputs moto cannot produce supplied, see STAND_IN_OUTPUTS).

        The consumer is named as synthesized (``<env>-<layer>``); its reads are taken from the moto variant."""
        return {
            remote_state_name(p.environment, p.layer): self.consumer_state_path(p.name)
            for p in producers_of(self.outdir, self.entry(consumer))
        }

    def destroy(self, environment: str) -> list[str]:
        """Destroy every applied stack of ``environment``, consumers first; returns what could not be destroyed.
        A destroyed stack is forgotten (a later ``work`` would apply it again); one that failed stays applied.
        (Stacks of other environments die with the server: a network destroy is ~50 s.)"""
        left = []
        for name, work in reversed(list(self.applied.items())):
            stack = self.entry(name)
            if stack.environment != environment:
                continue
            env = self.environments[environment]
            before = BEFORE_DESTROY.get(stack.layer)
            try:
                if before is not None:
                    before(work, self.moto, env, self.tf_env)
                terraform([*DESTROY, *self.targets(name)], work, self.tf_env, timeout=PLAN_TIMEOUT_S)
                if managed(work):
                    left.append(f"{name}: still in the state after destroy: {managed(work)}")
                else:
                    del self.applied[name]
            except AssertionError as error:
                left.append(f"{name}: {error}")
        return left

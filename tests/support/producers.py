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
from tests.support.layers import StackEntry, producers_of, remote_state_name, stack_order
from tests.support.moto import MotoServer
from tests.support.stack import APPLY, DESTROY, PLAN_TIMEOUT_S, empty_bucket, managed, prepare
from tests.support.terraform import terraform

# Layer -> the targets moto 5.2.5 can apply (no entry: the whole stack). moto's FSx returns no Lifecycle, so
# terraform's FSx waiter never finishes: storage is applied without the file system and its associations (tests
# that need a file system create it with boto3 and adopt it, tests/support/fsx.py).
MOTO_APPLY_TARGETS: dict[str, tuple[str, ...]] = {
    "storage": (
        "-target=module.buckets",
        "-target=module.fsx.module.kms",
        "-target=module.fsx.aws_cloudwatch_log_group.this",
    ),
}


# Layer -> module folder -> a Terraform override file written into that module's copy in the work folder of the
# *applied* stack (override files work per module directory). What moto 5.2.5 cannot hold: it drops an AMP
# workspace's kms_key_arn (so the workspace would be replaced on every plan), has no Grafana and no AMP alert
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


def _storage_outputs_moto_cannot_hold(_producers: Producers, _name: str) -> dict[str, Any]:
    """The file-system outputs of a storage stack applied without its file system (MOTO_APPLY_TARGETS): values of
    the shape AWS returns, for consumers that only pass them on (a dimension, a mount name). A test that needs a
    real file system on moto creates one (tests/support/fsx.py)."""
    return {
        "fsx_file_system_id": "fs-0123456789abcdef0",
        "fsx_dns_name": "fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com",
        "fsx_mount_name": "abcdefgh",
    }


# Layer -> the outputs its consumers read that the moto apply cannot produce (supplied once, for all consumers, in
# a copy of the producer's state that only the consumers' remote-state reads see; the producer's own state is
# never changed).
SUPPLIED_OUTPUTS: dict[str, Callable[[Producers, str], dict[str, Any]]] = {
    "storage": _storage_outputs_moto_cannot_hold,
}


# Layer -> what must happen before its stack can be destroyed.
BEFORE_DESTROY: dict[str, Callable[[Path, MotoServer, Environment, dict[str, str]], None]] = {
    "storage": _empty_access_logs,
}


@dataclass
class Producers:
    moto: MotoServer
    outdir: Path  # the moto variant's synthesis (tests.support.stack.synth_moto_variant)
    environments: dict[str, Environment]
    tf_env: dict[str, str]
    workdir: Path
    applied: dict[str, Path] = field(default_factory=dict)  # stack name -> work folder, in apply order

    def entry(self, name: str) -> StackEntry:
        (found,) = [s for s in stack_order() if s.name == name]
        return found

    def targets(self, name: str) -> tuple[str, ...]:
        """The -target options stack ``name`` is applied with on moto (none: all of it)."""
        return MOTO_APPLY_TARGETS.get(self.entry(name).layer, ())

    def work(self, name: str) -> Path:
        """The work folder of stack ``name``, applied on first use (after its producers), as far as moto can hold
        it. Never change its state or its resources: plan it, or work on ``copy_state``."""
        if name not in self.applied:
            stack = self.entry(name)
            remote_states = self.remote_states(name)
            work = prepare(
                self.outdir / "stacks" / name,
                self.workdir / name,
                self.moto,
                self.environments[stack.environment],
                self.tf_env,
                remote_states=remote_states,
            )
            write_moto_module_overrides(work, stack.layer)
            terraform([*APPLY, *self.targets(name)], work, self.tf_env, timeout=PLAN_TIMEOUT_S)
            self.applied[name] = work
        return self.applied[name]

    def state_path(self, name: str) -> Path:
        return self.work(name) / "terraform.tfstate"

    def state(self, name: str) -> dict[str, Any]:
        """Stack ``name``'s local state, as terraform wrote it."""
        return dict(json.loads(self.state_path(name).read_text(encoding="utf-8")))

    def outputs(self, name: str) -> dict[str, Any]:
        """output name -> value of stack ``name``'s state."""
        return {key: value["value"] for key, value in self.state(name).get("outputs", {}).items()}

    def copy_state(self, name: str, work: Path) -> None:
        """Give ``work`` (a prepared work folder of the same stack) a copy of the applied state to change."""
        shutil.copyfile(self.state_path(name), work / "terraform.tfstate")

    def remote_states(self, consumer: str) -> dict[str, Path]:
        """The override of ``consumer``'s remote-state reads: data source name -> applied producer's state file
        (with the outputs moto cannot produce supplied, see SUPPLIED_OUTPUTS).

        The consumer is named as synthesized (``<env>-<layer>``); its reads are taken from the moto variant."""
        return {
            remote_state_name(p.environment, p.layer): self.consumer_view(p.name)
            for p in producers_of(self.outdir, self.entry(consumer))
        }

    def outputs_for_consumers(self, name: str) -> dict[str, Any]:
        """output name -> value of stack ``name`` as its consumers read it (with SUPPLIED_OUTPUTS)."""
        state = json.loads(self.consumer_view(name).read_text(encoding="utf-8"))
        return {key: value["value"] for key, value in state.get("outputs", {}).items()}

    def consumer_view(self, name: str) -> Path:
        """The state file consumers of stack ``name`` read: its own, or a copy with SUPPLIED_OUTPUTS added."""
        supply = SUPPLIED_OUTPUTS.get(self.entry(name).layer)
        if supply is None:
            return self.state_path(name)
        view = self.work(name) / "consumer-view.tfstate.json"
        if not view.exists():
            state = self.state(name)
            outputs = state.setdefault("outputs", {})
            for key, value in supply(self, name).items():
                assert key not in outputs, (
                    f"{name}: moto produced output {key} after all: drop the supplied value"
                )
                outputs[key] = {"value": value, "type": "string"}
            view.write_text(json.dumps(state, indent=2), encoding="utf-8")
        return view

    def destroy(self, environment: str) -> list[str]:
        """Destroy every applied stack of ``environment``, consumers first; returns what could not be destroyed.
        (Stacks of other environments die with the server: a network destroy is ~50 s.)"""
        left = []
        for name, work in reversed(self.applied.items()):
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
            except AssertionError as error:
                left.append(f"{name}: {error}")
        return left

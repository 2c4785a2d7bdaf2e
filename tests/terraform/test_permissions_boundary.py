"""Adding a permissions boundary to an applied stack updates its role in place (no replacement): the dev network
the session applied to moto (tests/support/producers.py), planned again on a copy of its state with the boundary
set on the module, as `permissions_boundary_arn` in the environment file sets it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_infra.config import Environment
from tests.support.producers import Producers
from tests.support.stack import plan_json, prepare

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

ROLE = "module.network.aws_iam_role.this[0]"


def test_adding_a_boundary_updates_the_flow_logs_role_in_place(
    variant_outdir: Path,
    environments: dict[str, Environment],
    producers: Producers,
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = environments["dev"]
    boundary = f"arn:aws:iam::{env.account_id}:policy/github-llm-dev-boundary"
    work = prepare(
        variant_outdir / "stacks" / "dev-network", tmp_path / "network", producers.moto, env, tf_env
    )
    producers.copy_state("dev-network", work)
    stack_file = work / "cdk.tf.json"
    stack = json.loads(stack_file.read_text(encoding="utf-8"))
    assert stack["module"]["network"].get("permissions_boundary") is None  # the shipped dev sets none
    stack["module"]["network"]["permissions_boundary"] = boundary
    stack_file.write_text(json.dumps(stack), encoding="utf-8")
    _code, plan = plan_json(work, tf_env, f"-target={ROLE}")
    changes = {
        c["address"]: c["change"] for c in plan["resource_changes"] if c["change"]["actions"] != ["no-op"]
    }
    assert list(changes) == [ROLE], changes
    assert changes[ROLE]["actions"] == ["update"]
    assert changes[ROLE]["before"]["permissions_boundary"] in (None, "")
    assert changes[ROLE]["after"]["permissions_boundary"] == boundary

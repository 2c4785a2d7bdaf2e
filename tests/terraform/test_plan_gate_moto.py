"""The plan gate on a real plan against moto: dev storage as the session applied it (through `make plan`, `make gate`
and `make apply`), then a config change that forces replacements (a new namespace renames every bucket, and a
bucket's name cannot change in place), planned with `make plan` on a copy of the applied state and gated with
`make gate`: refused, naming each bucket; with ALLOW_REPLACE naming them, it passes and echoes the overrides.
Nothing is applied: the applied state is only copied. (HyperPod clusters and endpoint rollouts cannot be planned
here; their rules are tested on crafted plans in tests/unit/test_plan_gate.py.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_infra.config import Environment
from llm_infra.layers import STORAGE
from llm_infra.ops.plan_gate import ALWAYS_PROTECTED
from tests.support.producers import Producers
from tests.support.stack import prepare, synth_moto_variant
from tests.support.workflow import env_files, make, make_env

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

STACK = "dev-storage"
NAMESPACE = "llmgate"


def _renamed(name: str, data: dict[str, Any]) -> None:
    """A new namespace; without inference, whose model URLs name the old artifacts bucket (rule INF-020)."""
    assert name == "dev"
    data["namespace"] = NAMESPACE
    data.pop("inference", None)


def test_gate_refuses_bucket_replacements_planned_against_moto(
    producers: Producers, environments: dict[str, Environment], tf_env: dict[str, str], tmp_path: Path
) -> None:
    producers.work(STACK)
    applied = {
        f"{r['module']}.{r['type']}.{r['name']}"
        + (f"[{json.dumps(i['index_key'])}]" if "index_key" in i else "")
        for r in producers.state(STACK)["resources"]
        if r["mode"] == "managed" and r["type"] == "aws_s3_bucket"
        for i in r["instances"]
    }
    assert applied, "the applied dev storage holds no bucket"
    changed = synth_moto_variant(tmp_path / "envs", ["dev"], edit=_renamed)
    outdir = tmp_path / "out"
    work = prepare(
        changed / "stacks" / STACK,
        outdir / "stacks" / STACK,
        producers.moto,
        environments["dev"],
        tf_env,
        remote_states=producers.remote_states(STACK),
    )  # initialized before the state is copied in: a first init would "migrate" that file onto itself, empty
    producers.copy_state(STACK, work)
    env = make_env(tf_env, outdir, env_files(changed))
    make("plan", env, STACK=STACK)
    assert (work / "plan.exitcode").read_text(encoding="utf-8") == "2\n"
    plan = json.loads((work / "plan.json").read_text(encoding="utf-8"))
    replaced = {
        c["address"]
        for c in plan["resource_changes"]
        if sorted(c["change"]["actions"]) == ["create", "delete"]
        and c["type"] in {*ALWAYS_PROTECTED, *STORAGE.protected_types}
    }
    assert applied <= replaced, "the new namespace did not replace every applied bucket"

    refused = make("gate", env, check=False, STACK=STACK)
    # make exits 2 for any failed recipe; scripts/plan_gate.py's own 1 is in the table's last line and gate.json
    assert refused.returncode != 0, refused.stdout + refused.stderr
    gate = json.loads((work / "gate.json").read_text(encoding="utf-8"))
    assert gate["verdict"] == "refused"
    rows = {row["address"]: row for row in gate["changes"] if row["verdict"] == "refused"}
    assert set(rows) == replaced
    for address in applied:
        assert (rows[address]["action"], rows[address]["reason"]) == (
            "replace",
            "replace of a protected aws_s3_bucket (replace_because_cannot_update)",
        )
        line = next(line for line in refused.stdout.splitlines() if line.startswith(address + " "))
        assert line.split()[1:3] == ["replace", "refused"]
    assert "verdict: REFUSED" in refused.stdout

    allowed = make("gate", env, STACK=STACK, ALLOW_REPLACE=" ".join(sorted(replaced)))
    assert allowed.stdout.rstrip().endswith("verdict: pass")
    for address in replaced:
        assert f"override --allow-replace {address}\n" in allowed.stdout
    gate = json.loads((work / "gate.json").read_text(encoding="utf-8"))
    assert (gate["verdict"], gate["unused_overrides"]) == ("pass", [])
    assert {row["address"] for row in gate["changes"] if row["verdict"] == "allowed"} == replaced

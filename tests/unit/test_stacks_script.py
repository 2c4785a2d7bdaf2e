"""scripts/stacks.py (what `make plan`, `make apply` and `make destroy` run) with a stand-in terraform that records
its calls and answers with the plan it is given: what is run, in which order, what is written and what is refused.
The same commands against real terraform and moto: tests/terraform/test_workflow_dev.py, test_plan_gate_moto.py."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts import stacks as script
from tests.support.layers import stack_order

FAKE = """\
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
with open(os.environ["FAKE_TF_LOG"], "a") as log:
    log.write(json.dumps([Path.cwd().name, *args]) + "\\n")
here = Path.cwd()
if args[0] == "plan":
    out = next(a.split("=", 1)[1] for a in args if a.startswith("-out="))
    (here / out).write_text("saved plan")
    code = here / "fake_plan_rc"
    detailed = "-detailed-exitcode" in args  # else 0 on success, as terraform
    sys.exit(int(code.read_text()) if code.exists() else 2 if detailed else 0)
if args[0] == "show":
    name = "fake_destroy.json" if args[-1] == "destroy.tfplan" else "fake_plan.json"
    print((here / name).read_text() if (here / name).exists() else json.dumps(EMPTY))
sys.exit(0)
"""
EMPTY = {"format_version": "1.2", "planned_values": {}, "resource_changes": []}
DEV = [s.name for s in stack_order() if s.environment == "dev"]


@pytest.fixture
def outdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    binary = tmp_path / "terraform"
    binary.write_text(f"#!{sys.executable}\nEMPTY = {EMPTY!r}\n{FAKE}", encoding="utf-8")
    binary.chmod(0o755)
    monkeypatch.setenv("FAKE_TF_LOG", str(tmp_path / "calls.jsonl"))
    monkeypatch.delenv("LLM_INFRA_ENV_FILES", raising=False)
    root = tmp_path / "out"
    for name in DEV:
        (root / "stacks" / name).mkdir(parents=True)
        (root / "stacks" / name / "cdk.tf.json").write_text("{}", encoding="utf-8")
    return root


def calls(outdir: Path) -> list[list[str]]:
    log = outdir.parent / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def run(outdir: Path, *args: str) -> int:
    return script.main([*args, "--outdir", str(outdir), "--terraform", str(outdir.parent / "terraform")])


def test_plan_writes_the_plan_its_json_and_the_exit_code(
    outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = outdir / "stacks" / "dev-network"
    assert run(outdir, "plan", "--stack", "dev-network", "--plan-arg=-var=x=1") == 0
    assert (folder / "plan.exitcode").read_text() == "2\n"
    assert json.loads((folder / "plan.json").read_text()) == EMPTY
    assert "dev-network: changes (terraform plan exit 2)" in capsys.readouterr().out
    assert [c[1] for c in calls(outdir)] == ["init", "plan", "show"]
    assert calls(outdir)[1][2:] == [
        "-input=false",
        "-no-color",
        "-detailed-exitcode",
        "-out=plan.tfplan",
        "-var=x=1",
    ]
    (folder / "fake_plan_rc").write_text("0")
    assert run(outdir, "plan", "--stack", "dev-network") == 0
    assert (folder / "plan.exitcode").read_text() == "0\n"
    assert "dev-network: no changes (terraform plan exit 0)" in capsys.readouterr().out


def test_a_failed_plan_leaves_no_older_plan_to_apply(
    outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = outdir / "stacks" / "dev-storage"
    assert run(outdir, "plan", "--stack", "dev-storage") == 0
    (folder / "fake_plan_rc").write_text("1")
    assert run(outdir, "plan", "--stack", "dev-storage") == 1
    assert "error: terraform plan failed in" in capsys.readouterr().err
    assert not any((folder / name).exists() for name in ("plan.tfplan", "plan.json", "plan.exitcode"))
    assert run(outdir, "apply", "--stack", "dev-storage") == 2
    assert "no plan.tfplan in" in capsys.readouterr().err
    assert [c[1] for c in calls(outdir)][-1] == "plan"  # apply ran nothing


def test_apply_applies_the_saved_plan_and_never_plans(outdir: Path) -> None:
    assert run(outdir, "plan", "--stack", "dev-network") == 0
    assert run(outdir, "apply", "--stack", "dev-network") == 0
    assert calls(outdir)[-2:] == [
        ["dev-network", "init", "-input=false", "-no-color"],
        ["dev-network", "apply", "-input=false", "-no-color", "plan.tfplan"],
    ]


def test_bad_arguments_are_one_line_errors(outdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(outdir, "plan", "--stack", "dev-nothing") == 2
    assert "no stack 'dev-nothing' in the environment files" in capsys.readouterr().err
    (outdir / "stacks" / "dev-network" / "cdk.tf.json").unlink()
    assert run(outdir, "plan", "--stack", "dev-network") == 2
    assert "no synthesized stack dev-network" in capsys.readouterr().err
    assert run(outdir, "plan", "--stack", "dev-storage", "--backend-config", "nope.hcl") == 2
    assert "BACKEND_CONFIG: no such file (got nope.hcl)" in capsys.readouterr().err
    assert calls(outdir) == []


def destroy_plan(*changes: tuple[str, str]) -> dict[str, Any]:
    return {
        **EMPTY,
        "resource_changes": [
            {"address": a, "mode": "managed", "type": t, "change": {"actions": ["delete"]}}
            for a, t in changes
        ],
    }


def test_destroy_gates_every_stack_first_and_refuses_protected(
    outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = 'module.buckets.aws_s3_bucket.this["datasets"]'
    (outdir / "stacks" / "dev-storage" / "fake_destroy.json").write_text(
        json.dumps(
            destroy_plan(
                (bucket, "aws_s3_bucket"), ("module.x.aws_cloudwatch_log_group.y", "aws_cloudwatch_log_group")
            )
        )
    )
    assert run(outdir, "destroy", "--env", "dev") == 1
    out = capsys.readouterr().out
    assert "refused: dev-storage would delete protected resources; nothing was destroyed" in out
    assert not [c for c in calls(outdir) if c[1] == "apply"]
    planned = [c[0] for c in calls(outdir) if c[1] == "plan"]
    assert planned == DEV[::-1]  # consumers first: inference and the cluster before storage and network
    os.remove(outdir.parent / "calls.jsonl")
    assert run(outdir, "destroy", "--env", "dev", "--allow-replace", bucket) == 0
    assert [c[0] for c in calls(outdir) if c[1] == "apply"] == DEV[::-1]
    assert all(c[-1] == "destroy.tfplan" for c in calls(outdir) if c[1] == "apply")
    assert run(outdir, "destroy", "--env", "dev", "--allow-protected", "prod") == 2
    assert (
        "--allow-protected must repeat the environment's name (got 'prod'; allowed 'dev')"
        in capsys.readouterr().err
    )
    assert run(outdir, "destroy", "--env", "dev", "--allow-protected", "dev") == 0
    assert "allowed by DESTROY_PROTECTED=dev" in capsys.readouterr().out


def test_order_is_the_listed_order(outdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(outdir, "order", "--env", "dev") == 0
    assert capsys.readouterr().out.split() == DEV
    assert run(outdir, "order", "--env", "dev", "--reverse") == 0
    assert capsys.readouterr().out.split() == DEV[::-1]
    assert run(outdir, "order", "--env", "qa") == 2
    assert "no environment 'qa' (allowed: dev, prod, staging)" in capsys.readouterr().err


def test_drift_env_checks_the_listed_stacks_of_that_environment_only(
    outdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`make drift ENV=dev` is scripts/drift.py --env dev: the environment's stacks in the listed order."""
    from scripts import drift  # noqa: PLC0415

    fake = ["--outdir", str(outdir), "--terraform", str(outdir.parent / "terraform")]
    assert drift.main(["--env", "dev", "--stack", "prod-network", *fake]) == 2
    assert "--stack: not a stack of dev (got prod-network; allowed dev-network," in capsys.readouterr().err
    assert drift.main(["--env", "dev", *fake]) == 0
    assert [c[0] for c in calls(outdir) if c[1] == "plan"] == DEV
    assert all("-refresh-only" in c and "-lock=false" in c for c in calls(outdir) if c[1] == "plan")
    assert drift.main(["--env", "dev", "--stack", "dev-storage", *fake]) == 0
    assert [c[0] for c in calls(outdir) if c[1] == "plan"][-1] == "dev-storage"

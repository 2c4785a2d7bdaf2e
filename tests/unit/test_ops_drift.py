"""Drift bookkeeping: stack discovery, reading the plan JSON, exit codes, bounded terraform runs (fake binary)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from llm_infra.ops.drift import (
    Drift,
    StackDrift,
    _tail,
    discover_stacks,
    drifted_addresses,
    exit_code,
    render,
    run_bounded,
)
from llm_infra.ops.errors import OpsError


def test_drift_is_read_from_resource_drift_and_output_changes() -> None:
    plan = {
        "resource_drift": [
            {"address": "module.network.aws_vpc.this[0]", "change": {"actions": ["update"]}},
            {"address": 'module.network.aws_eip.this["usw2-az1"]', "change": {"actions": ["delete"]}},
            {"address": 'module.network.aws_subnet.private["usw2-az1"]', "change": {"actions": ["no-op"]}},
        ],
        "output_changes": {"vpc_id": {"actions": ["no-op"]}, "extra": {"actions": ["create"]}},
    }
    assert drifted_addresses(plan) == [
        "module.network.aws_vpc.this[0] (update)",
        'module.network.aws_eip.this["usw2-az1"] (delete)',
        "output.extra (create)",
    ]
    # terraform can exit 2 for a refresh-only plan that reports nothing (hashicorp/terraform#36403)
    assert drifted_addresses({"output_changes": {"vpc_id": {"actions": ["no-op"]}}}) == []


def test_exit_code_drift_wins_then_errors() -> None:
    clean = StackDrift("dev-network", "clean")
    drifted = StackDrift("dev-storage", "drifted", ("x (update)",))
    error = StackDrift("prod-network", "error", detail="terraform init failed")
    assert exit_code([clean]) == 0
    assert exit_code([clean, error]) == 1
    assert exit_code([clean, error, drifted]) == 2


def test_summary_lists_the_first_changes() -> None:
    many = StackDrift("dev-network", "drifted", tuple(f"r{i} (update)" for i in range(10)), seconds=12.4)
    table = render([StackDrift("dev-storage", "clean", seconds=3), many])
    assert table.splitlines() == [
        "stack        status    time  summary",
        "-----------  -------  -----  -------",
        "dev-storage  clean       3s  no drift",
        "dev-network  drifted    12s  10 changed outside Terraform: r0 (update), r1 (update), r2 (update), "
        "r3 (update), r4 (update), r5 (update), r6 (update), r7 (update) and 2 more",
        "",
        "2 stack(s): 1 drifted, 0 could not be checked",
    ]


def _stacks(root: Path, *names: str) -> Path:
    for name in names:
        (root / "stacks" / name).mkdir(parents=True)
        (root / "stacks" / name / "cdk.tf.json").write_text("{}", encoding="utf-8")
    return root


def test_discover_all_or_selected_stacks(tmp_path: Path) -> None:
    out = _stacks(tmp_path / "out", "dev-network", "dev-storage")
    (out / "stacks" / "not-a-stack").mkdir()
    assert [p.name for p in discover_stacks(out)] == ["dev-network", "dev-storage"]
    assert [p.name for p in discover_stacks(out, ["dev-storage"])] == ["dev-storage"]
    with pytest.raises(
        OpsError, match=r"no stack prod-network in .* \(available: dev-network, dev-storage\)"
    ):
        discover_stacks(out, ["prod-network"])
    with pytest.raises(OpsError, match=r"no synthesized stacks in .*: run `make synth`"):
        discover_stacks(tmp_path / "empty")


def test_terraform_errors_are_summarised_on_one_line() -> None:
    output = """
Planning failed.

Error: Invalid index

  on assets/__cdktf_module_asset_26CE565C/8EF15422/network/kms.tf line 7, in locals:
   7:   kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
    ├────────────────
    │ aws_kms_key.this is empty tuple

The given key does not identify an element in this collection value: the
collection has no elements.

Error: Invalid index

  on assets/x/y/network/main.tf line 26, in locals:
"""
    assert _tail(output) == (
        "Error: Invalid index (on network/kms.tf line 7; The given key does not identify an element in this "
        "collection value: the collection has no elements.) (+1 more error(s))"
    )
    assert _tail("a\nb\n\nc\n") == "a | b | c"


def _fake_terraform(directory: Path, body: str) -> str:
    path = directory / "terraform"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_hanging_command_is_killed_at_the_timeout(tmp_path: Path) -> None:
    binary = _fake_terraform(tmp_path, 'echo "starting"; sleep 30 & wait')
    beats: list[float] = []
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"timed out after 2s: starting"):
        run_bounded([binary, "plan"], tmp_path, dict(os.environ), 2, heartbeat=beats.append, heartbeat_s=0.5)
    assert time.monotonic() - started < 15
    assert len(beats) >= 2


def test_drift_reports_init_failure_and_timeout_per_stack(tmp_path: Path) -> None:
    out = _stacks(tmp_path / "out", "dev-network", "dev-storage")
    script = (
        'case "$(basename "$PWD")/$1" in\n'
        '  dev-network/init) echo "Error: Failed to get existing workspaces"; echo; echo "AccessDenied"; exit 1;;\n'
        "  dev-storage/init) exit 0;;\n"
        "  dev-storage/plan) sleep 30;;\n"
        "esac"
    )
    progress: list[str] = []
    drift = Drift(
        env=dict(os.environ), terraform=_fake_terraform(tmp_path, script), timeout=1, progress=progress.append
    )
    results = drift.run(discover_stacks(out))
    assert [(r.stack, r.status) for r in results] == [("dev-network", "error"), ("dev-storage", "error")]
    assert (
        results[0].detail == "terraform init failed: Error: Failed to get existing workspaces (AccessDenied)"
    )
    assert results[1].detail.startswith("terraform plan timed out after 1s")
    assert progress[:2] == ["[dev-network] terraform init", "[dev-network] error (0s)"]
    assert exit_code(results) == 1


def test_exit_code_2_without_reported_changes_is_clean(tmp_path: Path) -> None:
    out = _stacks(tmp_path / "out", "dev-network")
    script = (
        'case "$1" in\n'
        "  init) exit 0;;\n"
        "  plan) exit 2;;\n"
        '  show) echo \'{"format_version":"1.2","resource_drift":[],"output_changes":{}}\';;\n'
        "esac"
    )
    [result] = Drift(env=dict(os.environ), terraform=_fake_terraform(tmp_path, script)).run(
        discover_stacks(out)
    )
    assert (result.status, result.summary()) == (
        "clean",
        "no drift (terraform exit code 2 without any reported change)",
    )

"""llm_infra/ops/ci_report.py and scripts/ci_report.py: the workflows' matrix, stack order and PR comment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llm_infra import layers
from llm_infra.ops import ci_report
from llm_infra.paths import PROJECT_ROOT
from tests.support.layers import shipped_environments

SCRIPT = PROJECT_ROOT / "scripts" / "ci_report.py"


@pytest.fixture(scope="module")
def listing_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `python main.py --list` prints for the shipped environments."""
    rows = layers.stack_list(list(shipped_environments().values()))
    path = tmp_path_factory.mktemp("listing") / "listing.json"
    path.write_text(json.dumps({"stacks": rows}), encoding="utf-8")
    return path


def change(address: str, *actions: str) -> dict[str, Any]:
    return {"address": address, "change": {"actions": list(actions)}}


def write_stack(
    stacks: Path, name: str, plan_code: int | None, gate: int | None, *changes: dict[str, Any]
) -> None:
    folder = stacks / name
    folder.mkdir(parents=True)
    if plan_code is not None:
        (folder / "plan.exitcode").write_text(f"{plan_code}\n", encoding="utf-8")
        (folder / "plan.json").write_text(json.dumps({"resource_changes": list(changes)}), encoding="utf-8")
    if gate is not None:  # as the workflow and `make gate` leave them (make exits 2 when the gate refuses)
        (folder / "gate.exitcode").write_text(f"{gate}\n", encoding="utf-8")
        if gate in (0, 2):
            verdict = "pass" if gate == 0 else "refused"
            (folder / "gate.json").write_text(json.dumps({"verdict": verdict}), encoding="utf-8")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60, check=False
    )


def test_environments_and_stacks_follow_the_registry(listing_file: Path) -> None:
    rows = ci_report.listing(listing_file.read_text(encoding="utf-8"))
    assert ci_report.environments(rows) == list(dict.fromkeys(row["environment"] for row in rows))
    dev = ci_report.stacks(rows, "dev")
    for row in rows:
        if row["environment"] == "dev":
            for producer in row["depends_on"]:
                assert dev.index(producer) < dev.index(row["stack"])
    done = run("stacks", "--listing", str(listing_file), "--env", "dev")
    assert done.returncode == 0 and done.stdout.split() == dev
    done = run("environments", "--listing", str(listing_file))
    assert json.loads(done.stdout) == ci_report.environments(rows)


def test_counts_a_replacement_as_one_add_and_one_destroy() -> None:
    plan = {
        "resource_changes": [
            change("a", "create"),
            change("b", "update"),
            change("c", "delete", "create"),
            change("d", "create", "delete"),
            change("e", "delete"),
            change("f", "no-op"),
            change("g", "read"),
        ]
    }
    assert ci_report.counts(plan) == (3, 1, 3)


def test_comment_table_marks_consumers_of_changing_producers(listing_file: Path, tmp_path: Path) -> None:
    rows = [
        row
        for row in ci_report.listing(listing_file.read_text(encoding="utf-8"))
        if row["environment"] == "dev"
    ]
    stacks = tmp_path / "stacks"
    write_stack(stacks, "dev-network", 2, 0, change("module.network.aws_subnet.x", "update"))
    write_stack(
        stacks, "dev-storage", 2, 2, change("module.fsx.aws_fsx_lustre_file_system.this", "delete", "create")
    )
    for row in rows[2:]:
        write_stack(stacks, row["stack"], 0, 0)
    found = ci_report.results(rows, stacks)
    text = ci_report.render_comment(found, commit="0123456789abcdef")
    assert text.startswith(ci_report.MARKER + "\n")
    table = {
        line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| dev-")
    }
    assert list(table) == [row["stack"] for row in rows]
    assert table["dev-network"] == "| dev-network | changes | 0 | 1 | 0 | passed |  |"
    assert table["dev-storage"].startswith(
        "| dev-storage | changes | 1 | 0 | 1 | **refused** | advisory: producer dev-network"
    )
    for row in rows[2:]:
        changing = [p for p in row["depends_on"] if p in ("dev-network", "dev-storage")]
        assert ("advisory" in table[row["stack"]]) == bool(changing), row["stack"]
    assert "resource_changes" not in text and "aws_fsx_lustre_file_system" not in text  # no plan JSON
    assert "refused dev-storage" in text
    done = run("refused", "--listing", str(listing_file), "--stacks", str(stacks))
    assert done.returncode == 1 and done.stdout.split() == ["dev-storage"]


def test_a_stack_that_failed_to_plan_is_marked_and_makes_its_consumers_advisory(
    listing_file: Path, tmp_path: Path
) -> None:
    rows = [
        row
        for row in ci_report.listing(listing_file.read_text(encoding="utf-8"))
        if row["environment"] == "dev"
    ]
    stacks = tmp_path / "stacks"
    (stacks / "dev-network").mkdir(parents=True)  # planned, but terraform failed: no exit code written
    (stacks / "dev-network" / "plan.failed").touch()
    found = {result.stack: result for result in ci_report.results(rows, stacks)}
    assert found["dev-network"].plan == "failed"
    assert found["dev-storage"].plan == "not planned"
    text = ci_report.render_comment(list(found.values()))
    assert "| dev-network | failed | - | - | - | not run |" in text


def test_a_gate_that_failed_without_a_verdict_is_an_error_not_a_refusal(
    listing_file: Path, tmp_path: Path
) -> None:
    # make exits 2 both when the gate refuses and when it cannot read the plan: only gate.json tells them apart.
    rows = [
        r for r in ci_report.listing(listing_file.read_text(encoding="utf-8")) if r["environment"] == "dev"
    ]
    stacks = tmp_path / "stacks"
    write_stack(stacks, "dev-network", 2, 1, change("module.network.aws_subnet.x", "update"))  # no gate.json
    found = {result.stack: result for result in ci_report.results(rows, stacks)}
    assert found["dev-network"].gate == "error"
    assert "| dev-network | changes | 0 | 1 | 0 | **error** |" in ci_report.render_comment(
        list(found.values())
    )
    done = run("refused", "--listing", str(listing_file), "--stacks", str(stacks))
    assert done.returncode == 1 and done.stdout.split() == ["dev-network"]


def test_bad_input_is_one_line(tmp_path: Path, listing_file: Path) -> None:
    bad = tmp_path / "listing.json"
    bad.write_text("[]", encoding="utf-8")
    done = run("environments", "--listing", str(bad))
    assert done.returncode == 2 and done.stderr.startswith(f"ci_report.py: {bad}: not the output of")
    assert len(done.stderr.splitlines()) == 1
    done = run("stacks", "--listing", str(listing_file), "--env", "qa")
    assert done.returncode == 2 and "no stacks for environment 'qa' (allowed: dev" in done.stderr
    stacks = tmp_path / "stacks"
    (stacks / "dev-network").mkdir(parents=True)
    (stacks / "dev-network" / "plan.exitcode").write_text("1", encoding="utf-8")
    done = run("comment", "--listing", str(listing_file), "--stacks", str(stacks))
    assert done.returncode == 2 and "plan.exitcode: unexpected exit code (got 1; allowed 0, 2)" in done.stderr

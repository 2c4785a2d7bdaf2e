"""What the GitHub workflows need from ``python main.py --list`` and the plan folders, rendered here (tested)
instead of in YAML: the environments and their stacks in apply order, and the pull-request comment.

Standard library only: the comment job runs it without installing the project's dependencies.

The comment is one table per pull request, found again by ``MARKER`` and updated on every push: per stack its
plan result (adds / changes / destroys counted from ``terraform show -json``, never the plan itself) and the gate's
verdict. A stack whose producer changes in the same pull request (or could not be planned) is marked advisory: its
plan read the producer's current state, and on merge it is planned again after that producer was applied.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

MARKER = "<!-- llm-infra:plan-table -->"
PLAN_JSON = "plan.json"
PLAN_EXITCODE = "plan.exitcode"  # written by `make plan`: 0 no changes, 2 changes
GATE_EXITCODE = "gate.exitcode"  # written by the workflow after `make gate`: 0 passed, else failed (make: 2)
GATE_JSON = "gate.json"  # written by `make gate` for a verdict only ("pass" | "refused"); absent on bad input
PLAN_FAILED = "plan.failed"  # written by the workflow when `make plan` failed
NO_CHANGES = 0
CHANGES = 2


class ReportError(ValueError):
    """Input the report cannot read: the message names the file and what was wrong."""


@dataclass(frozen=True)
class StackResult:
    stack: str
    environment: str
    depends_on: tuple[str, ...]
    plan: str  # "no changes" | "changes" | "failed" | "not planned"
    adds: int = 0
    changes: int = 0
    destroys: int = 0
    gate: str = "not run"  # "passed" | "refused" | "error" | "not run"

    @property
    def changing(self) -> bool:
        return self.plan != "no changes"


def listing(text: str, source: str = "<stdin>") -> list[dict[str, Any]]:
    """The rows of ``python main.py --list``."""
    try:
        rows = json.loads(text)["stacks"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ReportError(f"{source}: not the output of `python main.py --list` ({error})") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) and "stack" in row for row in rows):
        raise ReportError(f"{source}: not the output of `python main.py --list` (no list of stacks)")
    return rows


def environments(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The environments, in the order their stacks come (the order of the environment files)."""
    return list(dict.fromkeys(str(row["environment"]) for row in rows))


def stacks(rows: Sequence[Mapping[str, Any]], environment: str) -> list[str]:
    """One environment's stacks in apply order (producers before consumers)."""
    found = [str(row["stack"]) for row in rows if row["environment"] == environment]
    if not found:
        raise ReportError(
            f"--env: no stacks for environment {environment!r} (allowed: {', '.join(environments(rows))})"
        )
    return found


def _read_code(path: Path) -> int | None:
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8").strip()
    try:
        return int(text)
    except ValueError:
        raise ReportError(f"{path}: not an exit code (got {text!r})") from None


def counts(plan: Mapping[str, Any]) -> tuple[int, int, int]:
    """Adds, changes, destroys as ``terraform plan`` counts them (a replacement is one add and one destroy)."""
    adds = changes = destroys = 0
    for change in plan.get("resource_changes", []):
        actions = change.get("change", {}).get("actions", [])
        adds += "create" in actions
        destroys += "delete" in actions
        changes += actions == ["update"]
    return adds, changes, destroys


def _gate_verdict(folder: Path) -> str:
    """What `make gate` decided for the stack in ``folder``. make exits 2 for a refusal and for bad input alike,
    so the verdict is read from gate.json; a failed run without one (unreadable plan, a crash) is an error."""
    code = _read_code(folder / GATE_EXITCODE)
    if code is None:
        return "not run"
    try:
        verdict = json.loads((folder / GATE_JSON).read_text(encoding="utf-8")).get("verdict")
    except (OSError, json.JSONDecodeError, AttributeError):
        verdict = None
    if verdict == "pass" and code == 0:
        return "passed"
    if verdict == "refused" and code != 0:
        return "refused"
    return "error"


def stack_result(row: Mapping[str, Any], stacks_dir: Path) -> StackResult:
    folder = stacks_dir / str(row["stack"])
    base = StackResult(
        stack=str(row["stack"]),
        environment=str(row["environment"]),
        depends_on=tuple(str(name) for name in row.get("depends_on", [])),
        plan="not planned",
    )
    code = _read_code(folder / PLAN_EXITCODE)
    gate = _gate_verdict(folder)
    if code is None:
        return replace(base, plan="failed" if (folder / PLAN_FAILED).exists() else "not planned", gate=gate)
    if code not in (NO_CHANGES, CHANGES):
        raise ReportError(f"{folder / PLAN_EXITCODE}: unexpected exit code (got {code}; allowed 0, 2)")
    plan_file = folder / PLAN_JSON
    try:
        plan = json.loads(plan_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ReportError(f"{plan_file}: cannot read the plan JSON ({error})") from None
    adds, changes, destroys = counts(plan)
    return replace(
        base,
        plan="changes" if code == CHANGES else "no changes",
        adds=adds,
        changes=changes,
        destroys=destroys,
        gate=gate,
    )


def results(rows: Sequence[Mapping[str, Any]], stacks_dir: Path) -> list[StackResult]:
    return [stack_result(row, stacks_dir) for row in rows]


def _note(result: StackResult, by_stack: Mapping[str, StackResult]) -> str:
    producers = [name for name in result.depends_on if name in by_stack and by_stack[name].changing]
    if not producers:
        return ""
    return f"advisory: producer {', '.join(producers)} changes in this PR; planned again after it is applied"


def render_comment(found: Sequence[StackResult], *, commit: str = "") -> str:
    """The pull-request comment (Markdown), starting with ``MARKER``."""
    by_stack = {result.stack: result for result in found}
    lines = [MARKER, "### Terraform plans" + (f" for {commit[:12]}" if commit else ""), ""]
    lines += ["| stack | plan | add | change | destroy | gate | note |", "|---|---|--:|--:|--:|---|---|"]
    for result in found:
        numbers = (
            (str(result.adds), str(result.changes), str(result.destroys))
            if result.plan in ("changes", "no changes")
            else ("-", "-", "-")
        )
        gate = f"**{result.gate}**" if result.gate in ("refused", "error") else result.gate
        lines.append(
            f"| {result.stack} | {result.plan} | {' | '.join(numbers)} | {gate} | {_note(result, by_stack)} |"
        )
    refused = [result.stack for result in found if result.gate == "refused"]
    lines.append("")
    if refused:
        lines.append(
            f"The plan gate refused {', '.join(refused)}: a protected resource would be destroyed or replaced. "
            'See the job log; README "From CI" says how to allow one address.'
        )
    lines.append(
        "Pull-request plans are advisory: on merge every stack is planned again, after its producers were "
        "applied, and gated before its environment's approval. Plan JSON is in the run's artifacts (5 days)."
    )
    return "\n".join(lines) + "\n"

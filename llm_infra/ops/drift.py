"""Drift: has anyone changed, outside Terraform, what a synthesized stack manages?

For each ``<outdir>/stacks/<stack>``: ``terraform init`` then ``terraform plan -refresh-only -detailed-exitcode
-lock=false`` (read-only: no lock, no state write; the saved plan goes to a temporary folder), each bounded by
a timeout. Exit code 2 of the plan is confirmed against the plan's JSON (``resource_drift`` and output
changes): terraform also answers 2 when the refreshed state differs only in ways it does not report
(hashicorp/terraform#36403), which is not drift.

What counts as drift is decided in ``llm_infra.ops.drift_plan`` (which reads the plan's JSON).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from llm_infra.ops.drift_plan import read_plan
from llm_infra.ops.errors import OpsError

StackStatus = Literal["clean", "drifted", "error"]
DEFAULT_TIMEOUT_S = 900.0
HEARTBEAT_S = 30.0
_TAIL_LINES = 12
_LISTED = 8

EXIT_CLEAN = 0
EXIT_ERROR = 1
EXIT_DRIFT = 2


@dataclass(frozen=True)
class Completed:
    returncode: int
    output: str
    seconds: float


@dataclass(frozen=True)
class StackDrift:
    stack: str
    status: StackStatus
    changes: tuple[str, ...] = ()
    detail: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        if self.status == "clean":
            return self.detail or "no drift"
        if self.status == "error":
            return self.detail
        listed = ", ".join(self.changes[:_LISTED])
        more = f" and {len(self.changes) - _LISTED} more" if len(self.changes) > _LISTED else ""
        return f"{len(self.changes)} changed outside Terraform: {listed}{more}"


Runner = Callable[[Sequence[str], Path, Mapping[str, str], float], Completed]


def run_bounded(
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    *,
    heartbeat: Callable[[float], None] | None = None,
    heartbeat_s: float = HEARTBEAT_S,
) -> Completed:
    """Run a command with its output in a temporary file; kill its whole process group after ``timeout``."""
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as sink:
        try:
            process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # terraform's provider plugins die with it
            )
        except FileNotFoundError:
            raise OpsError(f"{command[0]} not found: install it or put it on PATH") from None
        while True:
            elapsed = time.monotonic() - started
            try:
                process.wait(timeout=max(0.0, min(heartbeat_s, timeout - elapsed)))
                break
            except subprocess.TimeoutExpired:
                elapsed = time.monotonic() - started
                if elapsed >= timeout:
                    _kill_group(process)
                    sink.seek(0)
                    step = " ".join([Path(command[0]).name, *command[1:2]])
                    raise TimeoutError(
                        f"{step} timed out after {timeout:.0f}s: {_tail(sink.read())}"
                    ) from None
                if heartbeat is not None:
                    heartbeat(elapsed)
        sink.seek(0)
        return Completed(process.returncode, sink.read(), time.monotonic() - started)


def _kill_group(process: subprocess.Popen[Any]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


_ASSET_PREFIX = re.compile(r"assets/__cdktf_module_asset_[^/]+/[^/]+/")


def _error_summary(block: list[str]) -> str:
    """``Error: <summary> (on <file> line <n>; <explanation>)`` from one terraform error block."""
    text = "\n".join(line.strip("│ ").rstrip() for line in block)
    paragraphs = [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]
    summary = paragraphs[0].splitlines()[0]
    location = next((p.splitlines()[0] for p in paragraphs[1:] if p.startswith("on ")), "")
    last = paragraphs[-1] if len(paragraphs) > 1 else ""
    explanation = "" if not last or last.startswith("on ") else " ".join(last.split())
    where = _ASSET_PREFIX.sub("", location.split(",")[0])
    inner = "; ".join(part for part in (where, explanation) if part)
    return f"{summary} ({inner})" if inner else summary


def _tail(output: str) -> str:
    """The first terraform error, readable on one line; else the last lines of the output."""
    lines = output.rstrip().splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip("│ ").startswith("Error:")]
    if starts:
        first = lines[starts[0] : starts[1] if len(starts) > 1 else len(lines)]
        more = f" (+{len(starts) - 1} more error(s))" if len(starts) > 1 else ""
        return (_error_summary(first) + more)[:600]
    kept = [line.strip() for line in lines if line.strip()][-_TAIL_LINES:]
    return " | ".join(kept)[:600] or "(no output)"


def discover_stacks(outdir: Path, selected: Sequence[str] = ()) -> list[Path]:
    """``outdir/stacks/*`` holding a ``cdk.tf.json``; ``selected`` names must all exist."""
    root = outdir / "stacks"
    available = (
        sorted(p.name for p in root.glob("*") if (p / "cdk.tf.json").is_file()) if root.is_dir() else []
    )
    if not available:
        raise OpsError(f"no synthesized stacks in {root}: run `make synth` (or python main.py) first")
    unknown = [name for name in selected if name not in available]
    if unknown:
        raise OpsError(f"no stack {', '.join(unknown)} in {root} (available: {', '.join(available)})")
    return [root / name for name in (selected or available)]


@dataclass
class Drift:
    """Runs terraform for each stack; ``env`` is terraform's whole environment (credentials, CLI config)."""

    env: Mapping[str, str]
    terraform: str = "terraform"
    timeout: float = DEFAULT_TIMEOUT_S
    progress: Callable[[str], None] | None = None
    results: list[StackDrift] = field(default_factory=list)

    def _say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def _run(self, stack: str, arguments: Sequence[str], cwd: Path) -> Completed:
        step = f"terraform {arguments[0]}"

        def heartbeat(elapsed: float) -> None:
            self._say(
                f"[{stack}] {step} still running after {elapsed:.0f}s (gives up at {self.timeout:.0f}s)"
            )

        self._say(f"[{stack}] {step}")
        env = {**self.env, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}
        return run_bounded([self.terraform, *arguments], cwd, env, self.timeout, heartbeat=heartbeat)

    def check(self, stack_dir: Path) -> StackDrift:
        stack = stack_dir.name
        started = time.monotonic()
        try:
            result = self._check(stack, stack_dir)
        except TimeoutError as error:
            result = StackDrift(stack, "error", detail=str(error))
        result = StackDrift(
            result.stack, result.status, result.changes, result.detail, time.monotonic() - started
        )
        self._say(f"[{stack}] {result.status} ({result.seconds:.0f}s)")
        return result

    def _check(self, stack: str, stack_dir: Path) -> StackDrift:
        init = self._run(stack, ["init", "-input=false", "-no-color"], stack_dir)
        if init.returncode != 0:
            return StackDrift(stack, "error", detail=f"terraform init failed: {_tail(init.output)}")
        with tempfile.TemporaryDirectory(prefix="llm-infra-drift-") as scratch:
            plan_file = str(Path(scratch) / "drift.tfplan")
            plan = self._run(
                stack,
                [
                    "plan",
                    "-refresh-only",
                    "-detailed-exitcode",
                    "-lock=false",
                    "-input=false",
                    "-no-color",
                    f"-out={plan_file}",
                ],
                stack_dir,
            )
            if plan.returncode == 0:
                return StackDrift(stack, "clean")
            if plan.returncode != EXIT_DRIFT:
                return StackDrift(stack, "error", detail=f"terraform plan failed: {_tail(plan.output)}")
            shown = self._run(stack, ["show", "-json", "-no-color", plan_file], stack_dir)
        if shown.returncode != 0:
            return StackDrift(
                stack, "drifted", ("(terraform show failed; see the plan output)",), _tail(shown.output)
            )
        read = read_plan(json.loads(shown.output))
        if read.changes:
            return StackDrift(stack, "drifted", read.changes)
        discounted = [
            f"{len(read.mirrored)} refreshed attribute(s) only mirror resources this state manages"
            if read.mirrored
            else "",
            f"{len(read.null_to_empty)} only went from null to empty" if read.null_to_empty else "",
        ]
        if any(discounted):
            return StackDrift(stack, "clean", detail=f"no drift ({', '.join(d for d in discounted if d)})")
        return StackDrift(
            stack, "clean", detail="no drift (terraform exit code 2 without any reported change)"
        )

    def run(self, stack_dirs: Sequence[Path]) -> list[StackDrift]:
        self.results = [self.check(stack_dir) for stack_dir in stack_dirs]
        return self.results


def exit_code(results: Sequence[StackDrift]) -> int:
    """2 when any stack drifted, else 1 when any stack could not be checked, else 0."""
    if any(result.status == "drifted" for result in results):
        return EXIT_DRIFT
    if any(result.status == "error" for result in results):
        return EXIT_ERROR
    return EXIT_CLEAN


def render(results: Sequence[StackDrift]) -> str:
    width = max([len("stack"), *(len(result.stack) for result in results)])
    lines = [
        f"{'stack':<{width}}  {'status':<7}  {'time':>5}  summary",
        f"{'-' * width}  -------  -----  -------",
    ]
    for result in results:
        lines.append(
            f"{result.stack:<{width}}  {result.status:<7}  {result.seconds:>4.0f}s  {result.summary()}"
        )
    drifted = sum(result.status == "drifted" for result in results)
    errors = sum(result.status == "error" for result in results)
    lines.append("")
    lines.append(f"{len(results)} stack(s): {drifted} drifted, {errors} could not be checked")
    return "\n".join(lines)

"""What `make plan`, `make apply` and `make destroy` run (scripts/stacks.py): terraform inside
``<outdir>/stacks/<stack>``, in the order ``python main.py --list`` gives (never a list kept elsewhere).

- ``plan``: ``terraform init`` (with an optional ``-backend-config`` file), ``terraform plan -detailed-exitcode
  -out=plan.tfplan``, then ``terraform show -json plan.tfplan > plan.json`` and terraform's 0/2 in ``plan.exitcode``.
  The previous plan files are removed first, so a failed plan never leaves an older plan behind to apply.
- ``apply``: exactly ``plan.tfplan`` (terraform refuses a plan whose state has moved on); never plans again.
- ``destroy``: every stack of an environment, consumers first. All destroy plans are made and gated before anything
  is destroyed: one refused stack and nothing is. Deleting a protected resource needs ``--allow-replace ADDRESS``
  or ``--allow-protected ENV`` (the environment's name, typed again). The compute stacks (inference, hyperpod) come
  last in the apply order, so they go first: the endpoints and cluster nodes are gone before the file system,
  buckets and network they use are touched (this is the "scale to zero" step: an endpoint cannot scale below one
  instance, and emptying a cluster's groups first would be one more apply that the delete does anyway).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_infra.ops.errors import OpsError
from llm_infra.ops.plan_gate import GateResult, Rules, evaluate, render_table, rules_for

PLAN_FILE = "plan.tfplan"
PLAN_JSON = "plan.json"
PLAN_EXITCODE = "plan.exitcode"
GATE_JSON = "gate.json"  # `make gate` writes the verdict on plan.json here
DESTROY_PLAN = "destroy.tfplan"


@dataclass(frozen=True)
class StackRow:
    name: str
    environment: str
    layer: str
    depends_on: tuple[str, ...]


def listing(env_files: str | None = None) -> list[StackRow]:
    """Every stack of the environment files, in apply order: what ``python main.py --list`` prints."""
    from llm_infra import layers  # noqa: PLC0415
    from llm_infra.cli import select_files  # noqa: PLC0415
    from llm_infra.config import load_environments  # noqa: PLC0415
    from llm_infra.config.loader import defaults_file_for  # noqa: PLC0415
    from llm_infra.paths import ENVIRONMENTS_DIR  # noqa: PLC0415

    files, _selected = select_files((), env_files)
    environments = load_environments(files, defaults_file_for(files, ENVIRONMENTS_DIR))
    return [
        StackRow(row["stack"], row["environment"], row["layer"], tuple(row["depends_on"]))
        for row in layers.stack_list(environments)
    ]


def order(environment: str, rows: Sequence[StackRow]) -> list[StackRow]:
    """The environment's stacks in apply order; an unknown environment is an error naming the known ones."""
    chosen = [row for row in rows if row.environment == environment]
    if not chosen:
        known = ", ".join(dict.fromkeys(row.environment for row in rows)) or "none"
        raise OpsError(f"no environment {environment!r} (allowed: {known})", exit_code=2)
    return chosen


def find(stack: str, rows: Sequence[StackRow]) -> StackRow:
    for row in rows:
        if row.name == stack:
            return row
    known = ", ".join(row.name for row in rows)
    raise OpsError(f"no stack {stack!r} in the environment files (allowed: {known})", exit_code=2)


def gate_rules(stack: str | None, layer: str | None, env_files: str | None = None) -> Rules:
    """The gate's rules for one stack's (or one layer's) plans; with neither, every layer's."""
    from llm_infra import layers  # noqa: PLC0415

    if stack is not None:
        layer = find(stack, listing(env_files)).layer
    if layer is None:
        return rules_for(layers.registry())
    try:
        return rules_for([layers.lookup(layer)])
    except KeyError as error:
        raise OpsError(str(error.args[0]), exit_code=2) from None


@dataclass
class Terraform:
    """terraform in one stack folder; its output goes to this process's stdout (the CI log)."""

    binary: str = "terraform"
    env: Mapping[str, str] | None = None

    def _environment(self) -> dict[str, str]:
        return {
            **(self.env if self.env is not None else os.environ),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
        }

    def run(self, stack_dir: Path, *arguments: str) -> int:
        sys.stdout.flush()
        try:
            return subprocess.run(
                [self.binary, *arguments], cwd=stack_dir, env=self._environment(), check=False
            ).returncode
        except FileNotFoundError:
            raise OpsError(f"{self.binary} not found: install terraform or put it on PATH") from None

    def show_json(self, stack_dir: Path, plan_file: str) -> str:
        result = subprocess.run(
            [self.binary, "show", "-json", "-no-color", plan_file],
            cwd=stack_dir,
            env=self._environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise OpsError(f"terraform show -json {plan_file} failed in {stack_dir}: {result.stderr.strip()}")
        return result.stdout

    def init(self, stack_dir: Path, backend_config: Path | None) -> None:
        extra = [f"-backend-config={backend_config.resolve()}"] if backend_config is not None else []
        if backend_config is not None and not backend_config.is_file():
            raise OpsError(f"BACKEND_CONFIG: no such file (got {backend_config})", exit_code=2)
        code = self.run(stack_dir, "init", "-input=false", "-no-color", *extra)
        if code != 0:
            raise OpsError(f"terraform init failed in {stack_dir} (exit {code})")


def stack_dir(outdir: Path, stack: str) -> Path:
    folder = outdir / "stacks" / stack
    if not (folder / "cdk.tf.json").is_file():
        raise OpsError(
            f"no synthesized stack {stack} in {outdir / 'stacks'}: run `make synth` first", exit_code=2
        )
    return folder


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def plan(
    folder: Path, tf: Terraform, *, backend_config: Path | None = None, extra: Sequence[str] = ()
) -> int:
    """Plan one stack folder; returns terraform's detailed exit code (0 no changes, 2 changes)."""
    for name in (PLAN_FILE, PLAN_JSON, PLAN_EXITCODE, GATE_JSON):
        (folder / name).unlink(missing_ok=True)
    tf.init(folder, backend_config)
    code = tf.run(
        folder, "plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={PLAN_FILE}", *extra
    )
    if code not in (0, 2):
        (folder / PLAN_FILE).unlink(missing_ok=True)
        raise OpsError(f"terraform plan failed in {folder} (exit {code}); no plan written")
    shown = tf.show_json(folder, PLAN_FILE)
    json.loads(shown)  # a plan JSON that does not parse is an error here, not at the gate
    _write_atomic(folder / PLAN_JSON, shown)
    _write_atomic(folder / PLAN_EXITCODE, f"{code}\n")
    what = "no changes" if code == 0 else "changes"
    print(
        f"{folder.name}: {what} (terraform plan exit {code}); wrote {PLAN_FILE}, {PLAN_JSON}, {PLAN_EXITCODE}"
    )
    return code


def apply(folder: Path, tf: Terraform, *, backend_config: Path | None = None) -> None:
    """Apply exactly the saved plan of one stack folder."""
    if not (folder / PLAN_FILE).is_file():
        raise OpsError(
            f"no {PLAN_FILE} in {folder}: run `make plan STACK={folder.name}` (and `make gate`) first; "
            "apply never plans",
            exit_code=2,
        )
    tf.init(folder, backend_config)
    code = tf.run(folder, "apply", "-input=false", "-no-color", PLAN_FILE)
    if code != 0:
        raise OpsError(f"terraform apply {PLAN_FILE} failed in {folder} (exit {code})")


@dataclass(frozen=True)
class DestroyPlan:
    stack: StackRow
    folder: Path
    gate: GateResult


def destroy(
    outdir: Path,
    environment: str,
    rows: Sequence[StackRow],
    tf: Terraform,
    *,
    allow: Sequence[str] = (),
    allow_protected: str | None = None,
    backend_config: Path | None = None,
) -> int:
    """Destroy the environment's stacks, consumers first, after gating every destroy plan; 0 done, 1 refused."""
    from llm_infra import layers  # noqa: PLC0415

    if allow_protected is not None and allow_protected != environment:
        raise OpsError(
            f"--allow-protected must repeat the environment's name (got {allow_protected!r}; allowed "
            f"{environment!r})",
            exit_code=2,
        )
    chosen = list(reversed(order(environment, rows)))
    folders = [stack_dir(outdir, row.name) for row in chosen]
    planned: list[DestroyPlan] = []
    for row, folder in zip(chosen, folders, strict=True):
        (folder / DESTROY_PLAN).unlink(missing_ok=True)
        tf.init(folder, backend_config)
        code = tf.run(folder, "plan", "-destroy", "-input=false", "-no-color", f"-out={DESTROY_PLAN}")
        if code != 0:
            raise OpsError(f"terraform plan -destroy failed in {folder} (exit {code}); nothing was destroyed")
        document: Any = json.loads(tf.show_json(folder, DESTROY_PLAN))
        rules = rules_for([layers.lookup(row.layer)])
        everything = f"DESTROY_PROTECTED={environment}" if allow_protected else ""
        planned.append(DestroyPlan(row, folder, evaluate(document, rules, allow, allow_all=everything)))
    for item in planned:
        print(render_table(item.gate, title=f"destroy {item.stack.name}"))
    refused = [item.stack.name for item in planned if not item.gate.passed]
    if refused:
        print(
            f"refused: {', '.join(refused)} would delete protected resources; nothing was destroyed "
            f"(name them with ALLOW_REPLACE, or set DESTROY_PROTECTED={environment})"
        )
        return 1
    for item in planned:
        code = tf.run(item.folder, "apply", "-input=false", "-no-color", DESTROY_PLAN)
        if code != 0:
            raise OpsError(
                f"destroying {item.stack.name} failed (exit {code}); the stacks after it are intact"
            )
        print(f"{item.stack.name}: destroyed")
    return 0

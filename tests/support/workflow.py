"""The make targets CI runs (`make plan`, `make gate`, `make apply`, `make drift`), driven from tests against moto.

A test points them at a work output folder (``CDKTF_OUTDIR``) whose stack folders carry the harness's moto override
(tests/support/terraform.write_moto_override: local backend, providers at moto), and at the environment files the
stacks were synthesized from (``LLM_INFRA_ENV_FILES``: the stack order and each stack's layer come from them).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.synth import ROOT

MAKE_TIMEOUT_S = 900


def env_files(outdir: Path) -> list[Path]:
    """The environment files a synthesis output (tests.support.stack.synth_moto_variant) was made from."""
    return sorted(p for p in outdir.parent.glob("*.toml") if not p.name.startswith("_"))


def make_env(tf_env: Mapping[str, str], outdir: Path, files: Sequence[Path]) -> dict[str, str]:
    """terraform's environment (moto, mirror) plus what the make targets read: the output folder, the env files."""
    return {
        **tf_env,
        "CDKTF_OUTDIR": str(outdir),
        "LLM_INFRA_ENV_FILES": ",".join(str(path) for path in files),
    }


def make(
    target: str, env: Mapping[str, str], check: bool = True, **variables: str
) -> subprocess.CompletedProcess[str]:
    """``make -C <repo> <target> NAME=value...``; with ``check``, a non-zero exit fails with make's output."""
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            target,
            *(f"{k}={v}" for k, v in variables.items()),
        ],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT_S,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"make {target} {variables} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


@dataclass(frozen=True)
class Delivered:
    """One stack taken through `make plan`, `make gate` and `make apply`: what the plan and the gate said."""

    stack: str
    plan_exitcode: int
    gate: dict[str, Any]  # gate.json
    plan_output: str


def deliver(outdir: Path, stack: str, env: Mapping[str, str], plan_args: Sequence[str] = ()) -> Delivered:
    """Plan, gate and apply one stack with the make targets, as the merge workflow does; fails when one fails."""
    folder = outdir / "stacks" / stack
    planned = make("plan", env, STACK=stack, PLAN_ARGS=" ".join(plan_args))
    make("gate", env, STACK=stack)
    gate = json.loads((folder / "gate.json").read_text(encoding="utf-8"))
    code = int((folder / "plan.exitcode").read_text(encoding="utf-8"))
    if code == 2:
        make("apply", env, STACK=stack)
    return Delivered(stack, code, gate, planned.stdout)

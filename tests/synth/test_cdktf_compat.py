"""The package also synthesizes on CDKTF 0.21 (archived), for teams whose apps still run on it."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.synth import ROOT, SYNTH_TIMEOUT_S


def _cdktf_python() -> Path:
    configured = os.environ.get("LLM_INFRA_CDKTF_PYTHON")
    python = Path(configured) if configured else ROOT / ".venv-cdktf" / "bin" / "python"
    if not python.exists():
        pytest.skip("no CDKTF 0.21 environment (make test creates .venv-cdktf)")
    return python


def _normalized(stack: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(stack)
    data.pop("//", None)
    for module in data.get("module", {}).values():
        module.pop("//", None)
    # CDKTF 0.21's S3Backend has no use_lockfile: the backend gets it by override (asserted below), and the
    # remote-state reads it copies from the backend lack it, which is harmless: reads take no lock.
    for remote in data.get("data", {}).get("terraform_remote_state", {}).values():
        remote["config"].pop("use_lockfile", None)
    return data


def test_cdktf_021_synthesizes_the_same_stacks(outdir: Path, tmp_path: Path) -> None:
    python = _cdktf_python()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_INFRA_", "CDKTF_"))}
    env.update({"PYTHONPATH": str(ROOT), "CDKTF_OUTDIR": str(tmp_path / "out"), "CHECKPOINT_DISABLE": "1"})
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    probe = subprocess.run(
        [str(python), "-c", "import llm_infra.cdk as c; print(c.ENGINE)"],
        env=env, capture_output=True, text=True, timeout=SYNTH_TIMEOUT_S, check=True, cwd=ROOT,
    )  # fmt: skip
    assert probe.stdout.strip() == "cdktf"
    result = subprocess.run(
        [str(python), "main.py"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_S,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    cdktn_stacks = sorted(p.name for p in (outdir / "stacks").iterdir())
    cdktf_stacks = sorted(p.name for p in (tmp_path / "out" / "stacks").iterdir())
    assert cdktf_stacks == cdktn_stacks
    for name in cdktn_stacks:
        ours = json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text(encoding="utf-8"))
        theirs = json.loads((tmp_path / "out" / "stacks" / name / "cdk.tf.json").read_text(encoding="utf-8"))
        assert theirs["terraform"]["backend"]["s3"]["use_lockfile"] is True
        assert _normalized(theirs) == _normalized(ours), name
        # The same module copies in the stack folder: the app, not the engine, puts them there.
        assert _files(tmp_path / "out" / "stacks" / name / "modules") == _files(
            outdir / "stacks" / name / "modules"
        ), name


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

"""Run `python main.py` the way `make synth` does, into a chosen output folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SYNTH_TIMEOUT_S = 120


def main_env(outdir: Path | None, env_files: Sequence[Path] | None = None) -> dict[str, str]:
    """This process's environment without the variables main.py reads, plus the ones a test chooses."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_INFRA_", "CDKTF_"))}
    if outdir is not None:
        env["CDKTF_OUTDIR"] = str(outdir)
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    if env_files is not None:
        env["LLM_INFRA_ENV_FILES"] = ",".join(str(path) for path in env_files)
    return env


def run_main(
    outdir: Path | None,
    env_files: Sequence[Path] | None = None,
    *,
    args: Sequence[str] = (),
    extra_env: Mapping[str, str] | None = None,
    python: str = sys.executable,
) -> subprocess.CompletedProcess[str]:
    env = main_env(outdir, env_files)
    env.update(extra_env or {})
    return subprocess.run(
        [python, "main.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_S,
        check=False,
    )

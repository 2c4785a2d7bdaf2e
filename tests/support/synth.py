"""Run `python main.py` the way `make synth` does, into a chosen output folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SYNTH_TIMEOUT_S = 120


def run_main(outdir: Path, env_files: Sequence[Path] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_INFRA_", "CDKTF_"))}
    env["CDKTF_OUTDIR"] = str(outdir)
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    if env_files is not None:
        env["LLM_INFRA_ENV_FILES"] = ",".join(str(path) for path in env_files)
    return subprocess.run(
        [sys.executable, "main.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_S,
        check=False,
    )

"""``python main.py``: validate every environment file, then synthesize. Environment variables are read here.

- ``LLM_INFRA_ENV_FILES``: comma-separated environment files (default: ``environments/*.toml``).
- ``CDKTF_OUTDIR``: output folder (default ``cdktf.out``; the cdktn/cdktf CLIs set it).
Exit codes: 0 written, 2 invalid configuration (nothing written), 1 synthesis failed (nothing written).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from llm_infra.config import ConfigError, environment_files, load_environments
from llm_infra.config.loader import defaults_file_for, display_path
from llm_infra.paths import ENVIRONMENTS_DIR

EXIT_CONFIG = 2
EXIT_SYNTH = 1


def main() -> int:
    files = environment_files(ENVIRONMENTS_DIR, os.environ.get("LLM_INFRA_ENV_FILES"))
    try:
        environments = load_environments(files, defaults_file_for(files, ENVIRONMENTS_DIR))
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"{len(error.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return EXIT_CONFIG
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    outdir = Path(os.environ.get("CDKTF_OUTDIR") or "cdktf.out")
    # Imported here so that a configuration error never pays for starting the CDK's node process.
    from llm_infra.app import synth  # noqa: PLC0415
    from llm_infra.summary import render  # noqa: PLC0415

    try:
        stacks = synth(environments, outdir)
    except RuntimeError as error:  # jsii surfaces the CDK's validation errors as RuntimeError
        print(f"synthesis failed; nothing was written:\n{error}", file=sys.stderr)
        return EXIT_SYNTH
    print(render(stacks, display_path(outdir)))
    return 0

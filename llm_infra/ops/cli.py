"""What the four ``scripts/`` entry points share: argument helpers, loading one environment, error handling."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from llm_infra import identity
from llm_infra.config import ConfigError, Environment, load_environments
from llm_infra.config.loader import defaults_file_for, display_path
from llm_infra.ops.errors import AWS_ERRORS, EXIT_CONFIG, EXIT_FAILURE, EXIT_INTERRUPTED, OpsError, describe
from llm_infra.paths import ENVIRONMENTS_DIR

CREDENTIALS_HELP = (
    "AWS credentials, region and endpoints resolve as in boto3 (AWS_PROFILE or --profile, SSO, instance and "
    "container roles, AWS_ENDPOINT_URL); when the environment sets role_arn, that role is assumed, unless "
    "LLM_INFRA_STACK_IDENTITY=ambient (CI: the OIDC role already assumed is the identity)."
)


def parser(prog: str, description: str, epilog: str = "") -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_outdir_argument(arguments: argparse.ArgumentParser) -> None:
    """``--outdir``: the synth output folder whose ``stacks/<stack>`` folders the tool works in."""
    arguments.add_argument(
        "--outdir",
        type=Path,
        default=Path(os.environ.get("CDKTF_OUTDIR") or "cdktf.out"),
        metavar="DIR",
        help="synth output folder (default: $CDKTF_OUTDIR or cdktf.out)",
    )


def add_environment_arguments(arguments: argparse.ArgumentParser) -> None:
    arguments.add_argument(
        "--env",
        required=True,
        metavar="NAME",
        help="environment name: reads <env-dir>/NAME.toml over <env-dir>/_defaults.toml",
    )
    arguments.add_argument(
        "--env-dir",
        type=Path,
        default=ENVIRONMENTS_DIR,
        metavar="DIR",
        help="folder of the environment files (default: the project's environments/)",
    )
    arguments.add_argument(
        "--profile", metavar="PROFILE", help="AWS profile to start from (default: the standard chain)"
    )


def load_environment(name: str, directory: Path) -> Environment:
    """``directory/NAME.toml`` merged over ``directory/_defaults.toml`` and validated; raises ConfigError."""
    path = directory / f"{name}.toml"
    if not path.is_file():
        available = sorted(p.stem for p in directory.glob("*.toml") if not p.name.startswith("_"))
        listed = ", ".join(available) or "none"
        raise ConfigError([f"{display_path(path)}: no such environment (available: {listed})"])
    try:
        stack_identity = identity.parse(os.environ.get(identity.VARIABLE))
    except identity.IdentityError as error:
        raise ConfigError([str(error)]) from None
    return identity.apply(load_environments([path], defaults_file_for([path], directory)), stack_identity)[0]


def run(main: Callable[[], int]) -> int:
    """Run a tool's ``main``; expected failures become one ``error:`` line on stderr and an exit code."""
    try:
        return main()
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_CONFIG
    except OpsError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except AWS_ERRORS as error:  # described in one line, never a traceback
        print(f"error: {describe(error)}", file=sys.stderr)
        return EXIT_FAILURE


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)

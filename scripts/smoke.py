"""After an apply: check that what the environment's stacks created is healthy, waiting (bounded) if needed."""

from __future__ import annotations

import sys
import time

from llm_infra.ops import cli
from llm_infra.ops.report import print_checks
from llm_infra.ops.session import open_session
from llm_infra.ops.smoke import PROBES, SmokeContext, smoke
from llm_infra.ops.wait import Deadline, Progress

DEFAULT_TIMEOUT_S = 1800

DESCRIPTION = f"""\
Check, after an apply, that the environment's resources exist and are healthy. Resources are found by the
tags every stack sets (Namespace, Environment, Layer). Probes, in order: {", ".join(name for name, _ in PROBES)}.
  - network: the VPC is available, with an available private subnet in each configured AZ ID;
  - fsx: each FSx for Lustre file system of the storage layer is AVAILABLE and in the configured AZ.
A resource that is still CREATING or UPDATING is polled with backoff until --timeout (progress on stderr).
"""

EPILOG = f"""\
{cli.CREDENTIALS_HELP}

exit codes: 0 no check failed, 1 a check failed or AWS could not be asked, 2 invalid configuration
example: python scripts/smoke.py --env dev --timeout 900
"""


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser("smoke.py", DESCRIPTION, EPILOG)
    cli.add_environment_arguments(parser)
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"longest total wait for resources that are still converging (default: {DEFAULT_TIMEOUT_S})",
    )
    parser.add_argument("--json", action="store_true", help="print the checks as JSON instead of a table")
    arguments = parser.parse_args(argv)

    def progress(report: Progress) -> None:
        cli.stderr_progress(report.line())

    def run() -> int:
        environment = cli.load_environment(arguments.env, arguments.env_dir)
        aws = open_session(environment, tool="smoke", profile=arguments.profile)
        context = SmokeContext(
            environment, aws, Deadline(arguments.timeout), sleep=time.sleep, progress=progress
        )
        return print_checks(
            smoke(context),
            as_json=arguments.json,
            title=f"Smoke test of {environment.name} ({environment.region})",
            environment=environment.name,
            region=environment.region,
        )

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())

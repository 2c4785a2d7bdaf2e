"""Detect drift: a read-only, refresh-only terraform plan in each synthesized stack, summarized per stack."""

from __future__ import annotations

import os
import sys

from llm_infra.ops import cli
from llm_infra.ops.drift import DEFAULT_TIMEOUT_S, Drift, discover_stacks, exit_code, render
from llm_infra.ops.errors import OpsError
from llm_infra.ops.stacks import listing, order

DESCRIPTION = """\
For each synthesized stack in <outdir>/stacks (or only those given with --stack; with --env, the environment's
stacks in apply order, as `python main.py --list` gives them), run
  terraform init -input=false
  terraform plan -refresh-only -detailed-exitcode -lock=false -input=false
and print one line per stack: clean, drifted (with the resources changed outside Terraform), or error.
The plan takes no lock and writes no state, so a read-only role is enough. Each terraform command is killed
after --timeout seconds; progress goes to stderr.
"""

EPILOG = """\
terraform reads credentials as it always does (the synthesized backend and provider assume the environment's
role_arn); its CLI configuration comes from TF_CLI_CONFIG_FILE as usual.

exit codes: 0 no drift, 2 at least one stack drifted, 1 otherwise a stack could not be checked
example: python scripts/drift.py --env dev          (make drift ENV=dev)
         python scripts/drift.py --stack dev-network --stack dev-storage
"""


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser("drift.py", DESCRIPTION, EPILOG)
    parser.add_argument(
        "--stack",
        action="append",
        default=[],
        metavar="NAME",
        help="a stack to check, e.g. dev-network (repeatable; default: every stack)",
    )
    parser.add_argument(
        "--env",
        metavar="NAME",
        help="check this environment's stacks (with --stack: only those, which must be the environment's)",
    )
    cli.add_outdir_argument(parser)
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"limit for each terraform command (default: {DEFAULT_TIMEOUT_S:.0f})",
    )
    parser.add_argument("--terraform", default="terraform", metavar="PATH", help="terraform binary")
    arguments = parser.parse_args(argv)

    def run() -> int:
        selected = arguments.stack
        if arguments.env is not None:
            names = [row.name for row in order(arguments.env, listing(os.environ.get("LLM_INFRA_ENV_FILES")))]
            foreign = [name for name in selected if name not in names]
            if foreign:
                raise OpsError(
                    f"--stack: not a stack of {arguments.env} (got {', '.join(foreign)}; allowed {', '.join(names)})",
                    exit_code=2,
                )
            selected = selected or names
        stacks = discover_stacks(arguments.outdir, selected)
        drift = Drift(
            env=dict(os.environ),
            terraform=arguments.terraform,
            timeout=arguments.timeout,
            progress=cli.stderr_progress,
        )
        results = drift.run(stacks)
        print(render(results))
        return exit_code(results)

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())

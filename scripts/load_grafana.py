"""After the observability apply: load the shipped Grafana dashboards and their data sources into the workspace."""

from __future__ import annotations

import sys

from llm_infra.ops import cli
from llm_infra.ops.grafana import DASHBOARDS_DIR, TOKEN_SECONDS, shipped_dashboards
from llm_infra.ops.report import print_checks
from llm_infra.ops.session import open_session

DESCRIPTION = f"""\
Load the Grafana dashboards shipped in the repository ({", ".join(sorted(shipped_dashboards()))}) into the
environment's Amazon Managed Grafana workspace, with the AMP and CloudWatch data sources they use, through the
Grafana HTTP API. A service account and a token that lives {TOKEN_SECONDS} s are created for the run and deleted
afterwards. Loading again overwrites the same dashboards and data sources.
"""

EPILOG = f"""\
{cli.CREDENTIALS_HELP}

dashboards: {DASHBOARDS_DIR.name}/*.json under llm_infra/layers/observability
exit codes: 0 everything loaded, 1 something failed or AWS could not be asked, 2 invalid configuration
example: python scripts/load_grafana.py --env dev
"""


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser("load_grafana.py", DESCRIPTION, EPILOG)
    cli.add_environment_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the checks as JSON instead of a table")
    arguments = parser.parse_args(argv)

    def run() -> int:
        from llm_infra.ops.grafana import load  # noqa: PLC0415

        environment = cli.load_environment(arguments.env, arguments.env_dir)
        aws = open_session(environment, tool="load-grafana", profile=arguments.profile)
        return print_checks(
            load(aws, environment),
            as_json=arguments.json,
            title=f"Grafana load of {environment.name} ({environment.region})",
            environment=environment.name,
            region=environment.region,
        )

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())

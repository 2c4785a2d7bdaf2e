"""Before an apply: check the account, AZs, instance types, EFA, quotas and state backend of an environment."""

from __future__ import annotations

import sys

from llm_infra.ops import cli
from llm_infra.ops.preflight import preflight
from llm_infra.ops.report import print_checks
from llm_infra.ops.session import open_session

DESCRIPTION = """\
Check, before a plan/apply, that AWS matches what the environment file asks for:
  - the credentials are for the environment's account_id (after assuming role_arn, if set),
  - every AZ ID the environment uses exists in its region and is available,
  - every configured instance type is offered in the AZ it must run in (the FSx AZ when storage is on),
  - EC2 reports EFA support and the same maximum EFA interfaces as the shipped table
    (modules/network/efa_instance_types.json),
  - the On-Demand vCPU service quota fits at least one instance of each family,
  - placement groups that already exist have the configured strategy,
  - the state bucket exists with versioning Enabled, and the state KMS key is enabled.
Each check is pass, fail or unknown (with the reason: e.g. an API the endpoint does not offer). Only a fail
makes the exit code non-zero.
"""

EPILOG = f"""\
{cli.CREDENTIALS_HELP}

exit codes: 0 no check failed, 1 a check failed or AWS could not be asked, 2 invalid configuration
example: python scripts/preflight.py --env dev --json
"""


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser("preflight.py", DESCRIPTION, EPILOG)
    cli.add_environment_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the checks as JSON instead of a table")
    arguments = parser.parse_args(argv)

    def run() -> int:
        environment = cli.load_environment(arguments.env, arguments.env_dir)
        aws = open_session(environment, tool="preflight", profile=arguments.profile)
        return print_checks(
            preflight(aws, environment),
            as_json=arguments.json,
            title=f"Preflight of {environment.name} (account {environment.account_id}, {environment.region})",
            environment=environment.name,
            region=environment.region,
        )

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())

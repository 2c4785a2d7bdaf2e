"""Create, if missing, an environment's Terraform state bucket and KMS key, and harden them. Safe to re-run."""

from __future__ import annotations

import sys

from llm_infra.ops import cli
from llm_infra.ops.bootstrap import bootstrap
from llm_infra.ops.session import open_session

DESCRIPTION = """\
Create, if missing, the Terraform state backend of one environment (its [state] table): a KMS key (created
under the alias of state.kms_key_arn when that is an alias ARN; a key ARN must already exist), with yearly
rotation, and an S3 bucket in the state region with
  - object ownership BucketOwnerEnforced (ACLs off) and all four public access blocks,
  - versioning, default encryption SSE-KMS with that key and S3 Bucket Keys,
  - a bucket policy statement that denies every request without TLS,
  - a lifecycle rule that expires noncurrent versions after state.noncurrent_version_expiration_days.
Each item is read first and written only if it differs: the output says created, updated or unchanged, and a
second run changes nothing. Other policy statements and lifecycle rules on the bucket are kept.
"""

EPILOG = f"""\
{cli.CREDENTIALS_HELP}
Refuses to act when the credentials are for another account than the environment's account_id.

exit codes: 0 done (or nothing to do), 1 AWS error, 2 invalid configuration
example: python scripts/bootstrap_state.py --env dev --dry-run
"""


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser("bootstrap_state.py", DESCRIPTION, EPILOG)
    cli.add_environment_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
    arguments = parser.parse_args(argv)

    def run() -> int:
        environment = cli.load_environment(arguments.env, arguments.env_dir)
        aws = open_session(environment, tool="bootstrap", profile=arguments.profile)
        print(bootstrap(aws, environment, dry_run=arguments.dry_run).render())
        return 0

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())

"""The stacks of an environment, in apply order, and terraform on them: what `make plan`, `make apply` and
`make destroy` run (logic: llm_infra/ops/stacks.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from llm_infra.ops import cli
from llm_infra.ops.stacks import Terraform, apply, destroy, find, listing, order, plan, stack_dir

DESCRIPTION = """\
  order --env NAME [--reverse]   the environment's stacks, one per line, in apply order (python main.py --list)
  plan --stack NAME              terraform init, plan -detailed-exitcode -out=plan.tfplan, show -json > plan.json
                                 and terraform's 0/2 in plan.exitcode, inside <outdir>/stacks/NAME
  apply --stack NAME             terraform init, then apply exactly plan.tfplan (never plans)
  destroy --env NAME             plan -destroy every stack of the environment, consumers first, gate each plan,
                                 then destroy them all, or none when one would delete a protected resource
"""

EPILOG = """\
The stacks come from the environment files (LLM_INFRA_ENV_FILES, else environments/*.toml); the output folder is
--outdir, else $CDKTF_OUTDIR, else cdktf.out. terraform reads credentials and its CLI configuration as usual.

exit codes: 0 done (plan: with or without changes), 1 terraform failed or the destroy was refused, 2 bad input
"""


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser("stacks.py", DESCRIPTION, EPILOG)
    parser.add_argument("command", choices=("order", "plan", "apply", "destroy"))
    parser.add_argument("--env", metavar="NAME", help="environment (order, destroy)")
    parser.add_argument("--stack", metavar="NAME", help="stack, e.g. dev-network (plan, apply)")
    parser.add_argument("--reverse", action="store_true", help="order: consumers first")
    cli.add_outdir_argument(parser)
    parser.add_argument("--backend-config", type=Path, metavar="FILE", help="terraform init -backend-config")
    parser.add_argument(
        "--plan-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="one more argument for terraform plan (repeatable), e.g. -var=... or, to break glass, -target=...",
    )
    parser.add_argument(
        "--allow-replace", action="append", default=[], metavar="ADDRESS", help="destroy: let this address go"
    )
    parser.add_argument(
        "--allow-protected", metavar="ENV", help="destroy: let every protected resource go (repeat the name)"
    )
    parser.add_argument("--terraform", default="terraform", metavar="PATH", help="terraform binary")
    arguments = parser.parse_args(argv)
    needs = {"order": "env", "destroy": "env", "plan": "stack", "apply": "stack"}[arguments.command]
    if getattr(arguments, needs) is None:
        parser.error(f"{arguments.command} needs --{needs}")

    def run() -> int:
        tf = Terraform(arguments.terraform)
        env_files = os.environ.get("LLM_INFRA_ENV_FILES")
        if arguments.command == "order":
            rows = order(arguments.env, listing(env_files))
            print("\n".join(row.name for row in (reversed(rows) if arguments.reverse else rows)))
            return 0
        if arguments.command == "destroy":
            return destroy(
                arguments.outdir,
                arguments.env,
                listing(env_files),
                tf,
                allow=arguments.allow_replace,
                allow_protected=arguments.allow_protected,
                backend_config=arguments.backend_config,
            )
        find(arguments.stack, listing(env_files))
        folder = stack_dir(arguments.outdir, arguments.stack)
        if arguments.command == "plan":
            plan(folder, tf, backend_config=arguments.backend_config, extra=arguments.plan_arg)
        else:
            apply(folder, tf, backend_config=arguments.backend_config)
        return 0

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())

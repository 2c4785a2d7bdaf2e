"""The plan gate: refuse a plan that deletes or replaces a protected resource (logic: llm_infra/ops/plan_gate.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from llm_infra.ops import cli
from llm_infra.ops.errors import OpsError
from llm_infra.ops.plan_gate import PlanFormatError, evaluate, render_json, render_table
from llm_infra.ops.stacks import gate_rules

EXIT_BAD_INPUT = 2

DESCRIPTION = """\
Read the JSON of a saved plan (terraform show -json plan.tfplan; a file, or - for stdin) and refuse it when it
  - deletes or replaces a protected resource: FSx file systems, S3 buckets, KMS keys, HyperPod clusters, SageMaker
    endpoints, and the resource types the stack's layer declares protected (Layer.protected_types), or
  - updates a resource in place in a way its layer declares risky (Layer.risky_updates): HyperPod instance-group
    changes that replace or re-image nodes, a cluster's vpc_config, an endpoint's new configuration (which resets
    its instance count, provider #48990),
unless the resource's address is named with --allow-replace. Prints a table (address, action, verdict, reason).
"""

EPILOG = """\
--stack NAME uses that stack's layer (resolved from the environment files, as `python main.py --list`, honouring
LLM_INFRA_ENV_FILES); --layer NAME names the layer directly; with neither, every layer's declarations apply.
An override that names nothing the gate refuses is reported as unused and changes nothing.

exit codes: 0 pass, 1 refused, 2 bad input (unreadable or not a plan's JSON, unknown stack or layer)
example: terraform show -json plan.tfplan | python scripts/plan_gate.py - --stack dev-storage \\
           --allow-replace 'module.buckets.aws_s3_bucket.this["datasets"]'
"""


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser("plan_gate.py", DESCRIPTION, EPILOG)
    parser.add_argument("plan", metavar="PLAN_JSON", help="terraform show -json output, or - for stdin")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--stack", metavar="NAME", help="the plan's stack, e.g. dev-storage")
    where.add_argument("--layer", metavar="NAME", help="the plan's layer, e.g. storage")
    parser.add_argument(
        "--allow-replace",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="let this address be deleted, replaced or updated riskily (repeatable; echoed in the output)",
    )
    parser.add_argument("--json", action="store_true", help="print the verdicts as JSON instead of a table")
    parser.add_argument(
        "--json-out", type=Path, metavar="FILE", help="also write the verdicts as JSON to FILE"
    )
    arguments = parser.parse_args(argv)

    def run() -> int:
        source = "stdin" if arguments.plan == "-" else arguments.plan
        if arguments.json_out is not None:  # never leave an older verdict behind for a plan that is not read
            arguments.json_out.unlink(missing_ok=True)
        try:
            text = (
                sys.stdin.read()
                if arguments.plan == "-"
                else Path(arguments.plan).read_text(encoding="utf-8")
            )
            document = json.loads(text)
        except (OSError, UnicodeDecodeError) as error:
            raise OpsError(f"{source}: cannot read the plan: {error}", EXIT_BAD_INPUT) from None
        except json.JSONDecodeError as error:
            raise OpsError(f"{source}: not JSON ({error})", EXIT_BAD_INPUT) from None
        rules = gate_rules(arguments.stack, arguments.layer, os.environ.get("LLM_INFRA_ENV_FILES"))
        try:
            result = evaluate(document, rules, arguments.allow_replace)
        except PlanFormatError as error:
            raise OpsError(f"{source}: {error}", EXIT_BAD_INPUT) from None
        title = arguments.stack or arguments.layer or source
        if arguments.json_out is not None:
            partial = arguments.json_out.with_name(arguments.json_out.name + ".partial")
            partial.write_text(render_json(result, title) + "\n", encoding="utf-8")
            partial.replace(arguments.json_out)
        print(render_json(result, title) if arguments.json else render_table(result, title))
        return 0 if result.passed else 1

    return cli.run(run)


if __name__ == "__main__":
    sys.exit(main())

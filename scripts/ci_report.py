#!/usr/bin/env python3
"""What the GitHub workflows ask of ``python main.py --list`` and the plan folders (llm_infra/ops/ci_report.py).

  ci_report.py environments --listing FILE          JSON array of the environments (a matrix)
  ci_report.py stacks --listing FILE --env NAME     that environment's stacks in apply order, one a line
  ci_report.py comment --listing FILE --stacks DIR  the pull-request comment (Markdown) on stdout
  ci_report.py refused --listing FILE --stacks DIR  the stacks whose gate refused or failed, one a line (exit 1 if any)

FILE is the output of ``python main.py --list``; DIR holds ``<stack>/plan.json``, ``plan.exitcode`` and
``gate.exitcode``. Exit codes: 0 done, 1 a gate refused (``refused``), 2 bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llm_infra.ops import ci_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ci_report.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("environments", "stacks", "comment", "refused"))
    parser.add_argument("--listing", type=Path, required=True, metavar="FILE")
    parser.add_argument("--env", metavar="NAME")
    parser.add_argument("--stacks", type=Path, metavar="DIR")
    parser.add_argument("--commit", default="", metavar="SHA")
    args = parser.parse_args(argv)
    try:
        rows = ci_report.listing(args.listing.read_text(encoding="utf-8"), str(args.listing))
        if args.command == "environments":
            print(json.dumps(ci_report.environments(rows)))
            return 0
        if args.command == "stacks":
            if not args.env:
                raise ci_report.ReportError("stacks: --env NAME is required")
            print("\n".join(ci_report.stacks(rows, args.env)))
            return 0
        if args.stacks is None:
            raise ci_report.ReportError(f"{args.command}: --stacks DIR is required")
        found = ci_report.results(rows, args.stacks)
        if args.command == "comment":
            print(ci_report.render_comment(found, commit=args.commit), end="")
            return 0
        refused = [result.stack for result in found if result.gate in ("refused", "error")]
        print("\n".join(refused))
        return 1 if refused else 0
    except (OSError, ci_report.ReportError) as error:
        print(f"ci_report.py: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

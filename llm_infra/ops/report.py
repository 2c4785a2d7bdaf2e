"""Checks and their rendering: a table for people, JSON for pipelines."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

from llm_infra.ops.errors import AWS_ERRORS, classify, describe, is_fatal

Status = Literal["pass", "fail", "unknown"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "unknown")


@dataclass(frozen=True)
class Check:
    """One verdict: ``unknown`` means it could not be established (the reason says why); it does not fail."""

    name: str
    status: Status
    reason: str


def passed(name: str, reason: str) -> Check:
    return Check(name, "pass", reason)


def failed(name: str, reason: str) -> Check:
    return Check(name, "fail", reason)


def unknown(name: str, reason: str) -> Check:
    return Check(name, "unknown", reason)


def guarded(name: str, run: Callable[[], list[Check]], *, required: bool = True) -> list[Check]:
    """Run one check; an AWS error becomes its verdict instead of ending the run.

    Missing credentials and unreachable endpoints end the whole run (they would fail every check). An API that
    the endpoint does not implement (emulators), or that keeps throttling, gives ``unknown``; any other error
    (access denied included) fails a required check and leaves an optional one ``unknown``.
    """
    try:
        return run()
    except Exception as error:
        if is_fatal(error) or not isinstance(error, AWS_ERRORS):
            raise
        kind = classify(error)
        if kind in ("unavailable", "throttled") or not required:
            return [unknown(name, describe(error))]
        return [failed(name, describe(error))]


def counts(checks: Sequence[Check]) -> dict[Status, int]:
    return {status: sum(1 for check in checks if check.status == status) for status in STATUSES}


def all_passed(checks: Sequence[Check]) -> bool:
    """No failure (``unknown`` does not fail)."""
    return not any(check.status == "fail" for check in checks)


def render_table(checks: Sequence[Check], *, title: str) -> str:
    headers = ("check", "status", "reason")
    rows = [(check.name, check.status, check.reason) for check in checks]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(2)]
    lines = [title, ""]
    lines.append(f"{headers[0]:<{widths[0]}}  {headers[1]:<{widths[1]}}  {headers[2]}")
    lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(headers[2])}")
    lines.extend(f"{name:<{widths[0]}}  {status:<{widths[1]}}  {reason}" for name, status, reason in rows)
    tally = counts(checks)
    lines.append("")
    lines.append(f"{tally['pass']} passed, {tally['fail']} failed, {tally['unknown']} unknown")
    return "\n".join(lines)


def render_json(checks: Sequence[Check], **context: str) -> str:
    document = {
        **context,
        "ok": all_passed(checks),
        "counts": counts(checks),
        "checks": [asdict(check) for check in checks],
    }
    return json.dumps(document, indent=2)


def print_checks(checks: Sequence[Check], *, as_json: bool, title: str, environment: str, region: str) -> int:
    """What every check tool (preflight, smoke, the Grafana loader) ends with: the checks as a table under
    ``title``, or as JSON; the exit code, 0 when no check failed, else 1."""
    if as_json:
        print(render_json(checks, environment=environment, region=region))
    else:
        print(render_table(checks, title=title))
    return 0 if all_passed(checks) else 1

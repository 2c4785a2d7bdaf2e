"""Audit IAM policy documents offline; runs in the IAM tools' environment (``.venv-iam``, Makefile ``IAM_PINS``).

``python iam_audit.py POLICIES.json`` reads ``{name: policy document}`` and prints, per name, as JSON:
``parliament`` (its findings: issue, severity, detail), ``cloudsplaining`` (the risk categories it reports:
privilege escalation, resource exposure, infrastructure modification, data exfiltration, credentials exposure)
and ``access_levels`` (every action the policy allows, expanded with policy_sentry's IAM database, grouped by
IAM access level: List, Read, Write, Permissions management, Tagging, or Unknown). Standard library + those tools only.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import parliament
from cloudsplaining.scan.policy_document import PolicyDocument
from policy_sentry.querying.actions import get_action_data

LEVELS = ("List", "Read", "Write", "Permissions management", "Tagging")


def parliament_findings(document: dict[str, Any]) -> list[dict[str, Any]]:
    policy = parliament.analyze_policy_string(json.dumps(document), include_community_auditors=False)
    return [
        {"issue": f.issue, "severity": f.severity, "detail": f.detail, "location": f.location}
        for f in policy.findings
    ]


def cloudsplaining_findings(document: dict[str, Any]) -> dict[str, Any]:
    scanned = PolicyDocument(document)
    return {
        "privilege_escalation": scanned.allows_privilege_escalation,
        "resource_exposure": scanned.permissions_management_without_constraints,
        "infrastructure_modification": scanned.infrastructure_modification,
        "data_exfiltration": scanned.allows_data_exfiltration_actions,
        "credentials_exposure": scanned.credentials_exposure,
    }


def access_level(action: str) -> str:
    """The IAM access level of ``service:Action`` in policy_sentry's database; ``Unknown`` if it has none."""
    service, name = action.split(":", 1)
    data = get_action_data(service, name) or {}
    levels = {entry.get("access_level") for entry in data.get(service, []) if isinstance(entry, dict)}
    return levels.pop() if len(levels) == 1 else "Unknown"


def access_levels(document: dict[str, Any]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {level: [] for level in (*LEVELS, "Unknown")}
    for action in sorted(PolicyDocument(document).all_allowed_actions):
        grouped.setdefault(access_level(action), []).append(action)
    return grouped


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        policies: dict[str, dict[str, Any]] = json.load(handle)
    report = {
        name: {
            "parliament": parliament_findings(document),
            "cloudsplaining": cloudsplaining_findings(document),
            "access_levels": access_levels(document),
        }
        for name, document in policies.items()
    }
    print(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

"""What a hardened state backend looks like, as pure comparisons (no AWS calls): bootstrap reads each setting,
asks these functions whether it is already in place, and writes the merged result only when it is not.

Merges keep what other tools put there: foreign bucket-policy statements and lifecycle rules survive; only the
statement with ``TLS_STATEMENT_SID`` and the rule with ``LIFECYCLE_RULE_ID`` are managed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from llm_infra.ops.errors import OpsError

TLS_STATEMENT_SID = "DenyInsecureTransport"
LIFECYCLE_RULE_ID = "llm-infra-state-noncurrent-versions"
ABORT_INCOMPLETE_UPLOAD_DAYS = 7
OWNERSHIP = "BucketOwnerEnforced"
PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
_KMS_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):"
    r"(?:alias/(?P<alias>[\w/-]+)|key/(?P<key>[0-9a-f-]+))"
)


@dataclass(frozen=True)
class KmsRef:
    """The environment's ``state.kms_key_arn``: an alias ARN (bootstrap may create it) or a key ARN."""

    arn: str
    partition: str
    region: str
    account: str
    alias: str | None
    key_id: str | None

    @property
    def alias_name(self) -> str | None:
        return f"alias/{self.alias}" if self.alias else None


def parse_kms_arn(arn: str) -> KmsRef:
    match = _KMS_ARN.fullmatch(arn)
    if match is None:
        raise OpsError(f"state.kms_key_arn is not a KMS key or alias ARN: {arn}", exit_code=2)
    return KmsRef(arn, match["partition"], match["region"], match["account"], match["alias"], match["key"])


def tls_only_statement(bucket: str, partition: str = "aws") -> dict[str, Any]:
    return {
        "Sid": TLS_STATEMENT_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:{partition}:s3:::{bucket}", f"arn:{partition}:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _normal(statement: dict[str, Any]) -> dict[str, Any]:
    """Compare statements as AWS treats them: one-element lists equal scalars, order does not matter."""
    normal = dict(statement)
    for key in ("Action", "Resource"):
        value = normal.get(key)
        normal[key] = sorted([value] if isinstance(value, str) else list(value or []))
    if normal.get("Principal") in ("*", {"AWS": "*"}):
        normal["Principal"] = "*"
    return normal


def merge_policy(current: str | None, statement: dict[str, Any]) -> tuple[bool, str]:
    """(already in place, policy to write): ``statement`` replaces the one with its Sid; others stay."""
    policy: dict[str, Any] = json.loads(current) if current else {"Version": "2012-10-17", "Statement": []}
    statements = policy.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else list(statements)
    ours = [s for s in statements if s.get("Sid") == statement["Sid"]]
    if len(ours) == 1 and _normal(ours[0]) == _normal(statement):
        return True, json.dumps(policy)
    others = [s for s in statements if s.get("Sid") != statement["Sid"]]
    policy["Statement"] = [*others, statement]
    policy.setdefault("Version", "2012-10-17")
    return False, json.dumps(policy)


def lifecycle_rule(noncurrent_days: int) -> dict[str, Any]:
    return {
        "ID": LIFECYCLE_RULE_ID,
        "Status": "Enabled",
        "Filter": {},
        "NoncurrentVersionExpiration": {"NoncurrentDays": noncurrent_days},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_INCOMPLETE_UPLOAD_DAYS},
    }


def _whole_bucket(rule: dict[str, Any]) -> bool:
    return rule.get("Filter", {}) in ({}, {"Prefix": ""}) and rule.get("Prefix", "") == ""


def _rule_matches(existing: dict[str, Any], desired: dict[str, Any]) -> bool:
    return (
        existing.get("Status") == desired["Status"]
        and _whole_bucket(existing)
        and existing.get("NoncurrentVersionExpiration") == desired["NoncurrentVersionExpiration"]
        and existing.get("AbortIncompleteMultipartUpload") == desired["AbortIncompleteMultipartUpload"]
    )


def merge_lifecycle(current: list[dict[str, Any]] | None, rule: dict[str, Any]) -> tuple[bool, list[Any]]:
    """(already in place, rules to write): ``rule`` replaces the rule with its ID; other rules stay."""
    rules = list(current or [])
    ours = [r for r in rules if r.get("ID") == rule["ID"]]
    if len(ours) == 1 and _rule_matches(ours[0], rule):
        return True, rules
    return False, [*(r for r in rules if r.get("ID") != rule["ID"]), rule]


def encryption_matches(configuration: dict[str, Any] | None, key_ids: set[str]) -> bool:
    """SSE-KMS with one of ``key_ids`` (ARN, id, alias) and S3 Bucket Keys on."""
    for rule in (configuration or {}).get("Rules", []):
        default = rule.get("ApplyServerSideEncryptionByDefault", {})
        if (
            default.get("SSEAlgorithm") == "aws:kms"
            and default.get("KMSMasterKeyID") in key_ids
            and rule.get("BucketKeyEnabled") is True
        ):
            return True
    return False

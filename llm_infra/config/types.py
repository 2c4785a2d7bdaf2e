"""Constrained scalar types shared by the config models. Messages say what is allowed."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# CloudWatch Logs accepts only these retention values (PutRetentionPolicy).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


def rule(path: str, message: str, got: Any) -> dict[str, Any]:
    """One cross-field problem, addressed by a dotted path relative to the model that found it."""
    return {"path": path, "message": message, "got": got}


def violations(problems: list[dict[str, Any]]) -> PydanticCustomError:
    """Raised by model validators; the loader reports each problem under its own dotted path."""
    return PydanticCustomError(
        "config_rules",
        "{count} configuration rule(s) violated",
        {"count": len(problems), "problems": problems},
    )


def _pattern(regex: str, what: str, example: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError("pattern", f"not {what} (allowed: {example})")
        return value

    return AfterValidator(check)


def _cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise PydanticCustomError(
            "cidr", f"not a valid IPv4 network in CIDR notation: {error} (allowed: e.g. '10.0.0.0/16')"
        ) from None
    return str(network)


AzId = Annotated[str, _pattern(r"[a-z]{2,4}[0-9]-az[0-9]+", "an AZ ID", "an AZ ID such as 'usw2-az1'")]
Region = Annotated[
    str, _pattern(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]", "an AWS region", "a region such as 'us-west-2'")
]
AccountId = Annotated[str, _pattern(r"[0-9]{12}", "a 12-digit AWS account id", "12 digits")]
RoleArn = Annotated[
    str,
    _pattern(
        r"arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+", "an IAM role ARN", "arn:aws:iam::<acct>:role/<n>"
    ),
]
KmsKeyArn = Annotated[
    str,
    _pattern(
        r"arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key/[0-9a-f-]+|alias/[\w/-]+)",
        "a KMS key or alias ARN",
        "arn:aws:kms:<region>:<acct>:key/<id> or :alias/<name>",
    ),
]
BucketName = Annotated[
    str,
    _pattern(
        r"(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
        "a valid S3 bucket name",
        "3-63 lowercase letters, digits, '.', '-'",
    ),
]
Key = Annotated[
    str, _pattern(r"[a-z][a-z0-9-]{0,22}[a-z0-9]|[a-z]", "a valid key", "lowercase letters, digits, '-'")
]
Cidr = Annotated[str, AfterValidator(_cidr)]
VpcId = Annotated[str, _pattern(r"vpc-[0-9a-f]{8,17}", "a VPC id", "'vpc-' and 8-17 hex digits")]
SubnetId = Annotated[str, _pattern(r"subnet-[0-9a-f]{8,17}", "a subnet id", "'subnet-' and 8-17 hex digits")]


def _retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise PydanticCustomError(
            "retention",
            f"not a CloudWatch Logs retention (allowed: {', '.join(map(str, LOG_RETENTION_DAYS))})",
        )
    return value


RetentionDays = Annotated[int, AfterValidator(_retention)]
PositiveInt = Annotated[int, Field(gt=0)]

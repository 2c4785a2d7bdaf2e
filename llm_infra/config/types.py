"""Constrained scalar types shared by the config models. Messages say what is allowed.

Every rule has an id (``NET-…``, ``FSX-…``, ``S3-…`` for rules the modules enforce too, ``CFG-…`` for rules only
the config can check). A field-level rule carries its id as ``Rule`` metadata on the field; a cross-field rule
passes it to ``rule()``. The loader prints the id in front of the message.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Field, Strict
from pydantic_core import PydanticCustomError

from llm_infra.config.limits import AWS_MAX_INT, fsx_limits, network_limits


@dataclass(frozen=True)
class Rule:
    """Field metadata: the id of the rule a field's own constraints implement (``key`` for a mapping's keys)."""

    id: str
    key: str | None = None


def rule(path: str, message: str, got: Any, *, id: str, allowed: str | None = None) -> dict[str, Any]:
    """One cross-field problem, addressed by a dotted path relative to the model that found it."""
    return {"path": path, "message": message, "got": got, "id": id, "allowed": allowed}


def violations(problems: list[dict[str, Any]]) -> PydanticCustomError:
    """Raised by model validators; the loader reports each problem under its own dotted path."""
    return PydanticCustomError(
        "config_rules",
        "{count} configuration rule(s) violated",
        {"count": len(problems), "problems": problems},
    )


def invalid(kind: str, message: str, allowed: str) -> PydanticCustomError:
    """A field-level problem; the loader shows ``allowed`` after the value that was given."""
    return PydanticCustomError(kind, message, {"allowed": allowed})


def _pattern(regex: str, what: str, example: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise invalid("pattern", f"not {what}", example)
        return value

    return AfterValidator(check)


def _cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise invalid(
            "cidr", f"not a valid IPv4 network in CIDR notation: {error}", "e.g. '10.0.0.0/16'"
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
# An IAM customer managed policy (a permissions boundary): modules' `permissions_boundary` (CFG-014).
PolicyArn = Annotated[
    str,
    _pattern(
        r"arn:aws[a-z-]*:iam::[0-9]{12}:policy/[\w+=,.@/-]+",
        "an IAM policy ARN",
        "arn:aws:iam::<acct>:policy/<name>",
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

# Strict scalars: TOML gives real booleans, integers and floats, so a string (or a boolean for a number) is a
# mistake, never something to coerce ("no" is not false). Every integer has an upper bound: the field's own
# AWS limit, or AWS_MAX_INT, so a 70-bit TOML integer is an error with the allowed range, not an overflow.
StrictBool = Annotated[bool, Strict()]
StrictInt = Annotated[int, Strict(), Field(le=AWS_MAX_INT)]
# Floats additionally reject inf and nan; an int (``1000``) is a valid float.
FiniteFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]


def _retention(module_limits: Callable[[], dict[str, Any]]) -> AfterValidator:
    def check(value: int) -> int:
        allowed = tuple(module_limits()["log_retention_days"])
        if value not in allowed:
            raise invalid("retention", "not a CloudWatch Logs retention", ", ".join(map(str, allowed)))
        return value

    return AfterValidator(check)


# CloudWatch Logs retention values (0 = never expire), each from its own module's limits file.
NetworkRetentionDays = Annotated[int, Strict(), _retention(network_limits)]
FsxRetentionDays = Annotated[int, Strict(), _retention(fsx_limits)]

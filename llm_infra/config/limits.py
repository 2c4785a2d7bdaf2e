"""AWS limits as data: each module's ``limits.json``, read here and by the module's HCL validations.

A module stays self-contained (a team may copy one module folder), so each module has its own file; where two
modules share a constant (CloudWatch Logs retention values), a test keeps the copies equal.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from llm_infra.paths import MODULES_DIR

# Largest value of the AWS APIs' Integer type (32-bit signed): the upper bound of every integer without a
# narrower documented limit.
AWS_MAX_INT = 2**31 - 1


@cache
def module_limits(module: str) -> dict[str, Any]:
    """The parsed ``modules/<module>/limits.json``."""
    data: dict[str, Any] = json.loads((MODULES_DIR / module / "limits.json").read_text(encoding="utf-8"))
    return data


def network_limits() -> dict[str, Any]:
    return module_limits("network")


def fsx_limits() -> dict[str, Any]:
    return module_limits("fsx-lustre")


def s3_limits() -> dict[str, Any]:
    return module_limits("s3-buckets")


def metadata_iops_values() -> tuple[int, ...]:
    """USER_PROVISIONED metadata IOPS FSx accepts: the fixed values, then multiples of the step up to the max."""
    spec = fsx_limits()["metadata_iops"]
    return (*spec["fixed"], *range(spec["step"], spec["max"] + 1, spec["step"]))


def automatic_metadata_iops(capacity_gib: int) -> int:
    """Metadata IOPS that AUTOMATIC mode provisions for ``capacity_gib`` (the USER_PROVISIONED floor)."""
    spec = fsx_limits()["automatic_metadata_iops"]
    for step in spec["steps"]:
        if capacity_gib <= step["up_to_gib"]:
            return int(step["iops"])
    above = spec["above"]
    return int(capacity_gib // above["per_gib"] * above["iops"])

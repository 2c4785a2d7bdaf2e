"""The EFA table: maximum EFA interfaces per EC2 instance type.

The single source is ``modules/network/efa_instance_types.json``: the network module builds its launch
templates from it, the config rules reject EFA for types absent from it, and preflight compares it with
``ec2:DescribeInstanceTypes``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from llm_infra.paths import MODULES_DIR

EFA_TABLE_FILE = MODULES_DIR / "network" / "efa_instance_types.json"


@cache
def max_efa_interfaces() -> Mapping[str, int]:
    """EC2 instance type -> maximum EFA interfaces (network cards used for EFA)."""
    data = json.loads(EFA_TABLE_FILE.read_text(encoding="utf-8"))
    table = {str(k): int(v) for k, v in data["max_efa_interfaces"].items()}
    return MappingProxyType(table)


def ec2_type(instance_type: str) -> str:
    """``ml.p5e.48xlarge`` (SageMaker) -> ``p5e.48xlarge`` (EC2); EC2 names pass through."""
    return instance_type.removeprefix("ml.")

"""Read module contracts with python-hcl2 (the real parser, not a regex)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)


@dataclass(frozen=True)
class Variable:
    name: str
    required: bool
    nullable: bool
    body: dict[str, Any]


def load_hcl(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return dict(hcl2.load(handle, serialization_options=OPTIONS))


def module_variables(module_dir: Path) -> dict[str, Variable]:
    """Every ``variable`` block of every ``*.tf`` file of the module."""
    found: dict[str, Variable] = {}
    for path in sorted(module_dir.glob("*.tf")):
        for block in load_hcl(path).get("variable", []):
            for name, body in block.items():
                found[name] = Variable(
                    name, "default" not in body, body.get("nullable", True) is not False, body
                )
    return found

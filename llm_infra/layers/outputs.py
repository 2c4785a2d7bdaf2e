"""What every layer's outputs dataclass shares (no CDK import: the registry loads it without a node process).

A layer's outputs are a frozen dataclass; each field is one documented Terraform output of the layer's stack,
named after the field. The names are public API: a consumer layer, plain-Terraform users, the ops tools and the
tests read them from the producer's state (``data.terraform_remote_state.<layer>.outputs.<field>``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

# A Terraform expression as the CDK carries it, a string: a CDK token on the producer's side, a reference by
# name (`${data.terraform_remote_state.<layer>.outputs.<field>}`) on a consumer's.
Expression = str
# A map-valued output: an expression, or a mapping the producer builds in Python from expressions.
MapExpression = Expression | Mapping[str, Expression]

# The data source a consumer reads a producer's outputs through: `data.terraform_remote_state.<layer>`.
REMOTE_STATE = "terraform_remote_state"


def described(description: str) -> dict[str, str]:
    """The metadata of a field of a layer's outputs dataclass (``field(metadata=described("VPC id"))``): the
    field's Terraform output carries ``description``."""
    return {"description": description}


def output_fields(outputs_type: type[Any]) -> dict[str, str]:
    """Name -> description of each field of a layer's outputs dataclass (one Terraform output each)."""
    if not (dataclasses.is_dataclass(outputs_type) and isinstance(outputs_type, type)):
        raise TypeError(f"{outputs_type!r} is not a dataclass of a layer's outputs")
    fields = {}
    for item in dataclasses.fields(outputs_type):
        description = item.metadata.get("description")
        if not description:
            raise TypeError(
                f"{outputs_type.__name__}.{item.name}: no description "
                "(declare it with field(metadata=described(...)))"
            )
        fields[item.name] = str(description)
    return fields


def remote_reference(layer: str, field: str) -> Expression:
    """The expression that reads output ``field`` of ``layer`` by name, from its state."""
    return f"${{data.{REMOTE_STATE}.{layer}.outputs.{field}}}"

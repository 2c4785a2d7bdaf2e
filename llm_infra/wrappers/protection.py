"""The protection flip without a destroy: ``moved`` statements between a module's twin resource blocks.

``lifecycle.prevent_destroy`` takes only a literal, so a module declares each stateful resource twice (an
unprotected block and a protected one, selected by ``var.prevent_destroy`` through ``count``/``for_each``).
Flipping the variable changes the resource's address; a root-level ``moved`` statement per instance carries
the existing object over instead of a destroy and create.

Terraform applies a ``moved`` statement whose ``from`` is not in state as a no-op, so the statements for the
direction in use are always safe to emit. The other direction must not be emitted: a ``from`` instance that
the configuration still declares is an error ("Moved object still exists").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Twin:
    """One stateful resource declared twice in a module: ``unprotected`` and ``protected`` (``type.name``)."""

    unprotected: str
    protected: str


@dataclass(frozen=True)
class Move:
    """A ``moved`` statement: absolute resource-instance addresses as Terraform writes them."""

    source: str
    target: str

    def to_json(self) -> dict[str, str]:
        """The ``*.tf.json`` form of one ``moved`` block (``from``/``to`` hold address strings)."""
        return {"from": self.source, "to": self.target}


def instance_key(key: str | int) -> str:
    """``["datasets"]`` for a ``for_each`` key, ``[0]`` for a ``count`` index."""
    return f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key)}]"


def twin_moves(*, module: str, twin: Twin, keys: Iterable[str | int], protect: bool) -> tuple[Move, ...]:
    """The moves of one twin pair, for every instance key, towards the block that ``protect`` selects."""
    source, target = (twin.unprotected, twin.protected) if protect else (twin.protected, twin.unprotected)
    prefix = f"module.{module}."
    return tuple(
        Move(f"{prefix}{source}{instance_key(key)}", f"{prefix}{target}{instance_key(key)}") for key in keys
    )


def moved_blocks(moves: Sequence[Move]) -> list[dict[str, str]]:
    return [move.to_json() for move in moves]

"""Network rules that need more than the ``[network]`` table: the AZ IDs belong to the environment's region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.config.types import rule
from llm_infra.layers.spec import Problems

if TYPE_CHECKING:
    from llm_infra.config import Environment

_DIRECTIONS = {
    "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip


def az_id_prefix(region: str) -> str | None:
    """``us-west-2`` -> ``usw2``, ``ap-southeast-1`` -> ``apse1``, ``us-gov-west-1`` -> ``usgw1``; None if unknown."""
    parts = region.split("-")
    country, number, middle = parts[0], parts[-1], parts[1:-1]
    letters = ["g" if part == "gov" else _DIRECTIONS.get(part, "") for part in middle]
    return None if "" in letters else country + "".join(letters) + number


def rules(environment: Environment) -> Problems:
    from llm_infra.layers.network import LAYER  # noqa: PLC0415 - the package imports this module lazily

    problems: Problems = []
    prefix = az_id_prefix(environment.region)
    for az_id in LAYER.require(environment).az_ids:
        if prefix is not None and not az_id.startswith(f"{prefix}-"):
            problems.append(
                rule(
                    "network",
                    f"AZ ID {az_id} is not in region {environment.region}",
                    az_id,
                    id="CFG-002",
                    allowed=f"{prefix}-az<N>",
                )
            )
    return problems

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


# Meta-arguments in which the two blocks of a protection twin may differ (and must: count/for_each select one,
# lifecycle carries prevent_destroy). Everything else must be identical.
TWIN_META_KEYS = frozenset({"count", "for_each", "lifecycle"})


@dataclass(frozen=True)
class Resource:
    type: str
    name: str
    file: str
    body: dict[str, Any]

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


def module_resources(module_dir: Path) -> dict[str, Resource]:
    """Every managed ``resource`` block of every ``*.tf`` file of the module, by ``type.name``."""
    found: dict[str, Resource] = {}
    for path in sorted(module_dir.glob("*.tf")):
        for block in load_hcl(path).get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    found[f"{kind}.{name}"] = Resource(kind, name, path.name, body)
    return found


def twin_partner(name: str) -> str | None:
    """The unprotected sibling a protected block is named after: ``protected`` -> ``this``, ``x_protected`` -> ``x``."""
    if name == "protected":
        return "this"
    if name.endswith("_protected"):
        return name.removesuffix("_protected")
    return None


def without_twin_meta(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in TWIN_META_KEYS}


def protection_twins(module_dir: Path) -> list[tuple[Resource, Resource]]:
    """(unprotected, protected) pairs of the module.

    A pair is either named as one (``X`` and ``X_protected``, ``this`` and ``protected``) or looks like one: two
    blocks of one type whose bodies are identical apart from count/for_each/lifecycle. Both kinds are returned,
    so a twin that breaks the naming convention is still found (and then fails the naming check).
    """
    resources = module_resources(module_dir)
    pairs: dict[tuple[str, str], tuple[Resource, Resource]] = {}
    for resource in resources.values():
        partner = twin_partner(resource.name)
        if partner is not None and f"{resource.type}.{partner}" in resources:
            unprotected = resources[f"{resource.type}.{partner}"]
            pairs[(unprotected.address, resource.address)] = (unprotected, resource)
    ordered = sorted(resources.values(), key=lambda r: r.address)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if first.type == second.type and without_twin_meta(first.body) == without_twin_meta(second.body):
                protected = first if _prevents_destroy(first) else second
                unprotected = second if protected is first else first
                pairs.setdefault((unprotected.address, protected.address), (unprotected, protected))
    return [pairs[key] for key in sorted(pairs)]


def _prevents_destroy(resource: Resource) -> bool:
    return any(block.get("prevent_destroy") is True for block in resource.body.get("lifecycle", []))

"""The one layer registry. A new layer is a folder here whose ``__init__.py`` exports ``LAYER``, added to ``LAYERS``.

Everything else derives from this list, read when needed (so a test may replace it): the environment model (one
table per layer), the stacks and their order, the modules to stage, the summary, the smoke probes, the preflight
inputs and ``python main.py --list``. Reading the registry imports neither the CDK nor boto3.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from llm_infra.label import Label, short_layer
from llm_infra.layers.hyperpod import LAYER as HYPERPOD
from llm_infra.layers.inference import LAYER as INFERENCE
from llm_infra.layers.network import LAYER as NETWORK
from llm_infra.layers.observability import LAYER as OBSERVABILITY
from llm_infra.layers.spec import Layer, PreflightInputs, state_key
from llm_infra.layers.storage import LAYER as STORAGE
from llm_infra.layers.training import LAYER as TRAINING

if TYPE_CHECKING:
    from llm_infra.config import Environment

# In dependency order (``ordered`` checks and, for layers added out of order, restores it).
AnyLayer = Layer[Any]
LAYERS: tuple[AnyLayer, ...] = (NETWORK, STORAGE, OBSERVABILITY, TRAINING, HYPERPOD, INFERENCE)

__all__ = [
    "HYPERPOD",
    "INFERENCE",
    "LAYERS",
    "NETWORK",
    "OBSERVABILITY",
    "STORAGE",
    "TRAINING",
    "AnyLayer",
    "Layer",
    "PreflightInputs",
    "lookup",
    "module_names",
    "ordered",
]


class RegistryError(ValueError):
    """The registry itself is inconsistent (a programming error, not a config error)."""


def ordered(layers: Iterable[AnyLayer] | None = None) -> tuple[AnyLayer, ...]:
    """The layers in dependency order: each after the layers it requires or uses (stable otherwise)."""
    pending = list(LAYERS if layers is None else layers)
    names = [layer.name for layer in pending]
    if len(set(names)) != len(names):
        raise RegistryError(f"layer names must be unique (got {', '.join(names)})")
    tables = [layer.table for layer in pending if layer.table_from is None]
    if len(set(tables)) != len(tables):
        raise RegistryError(f"layer tables must be unique (got {', '.join(tables)})")
    for layer in pending:
        if layer.table_from is not None:
            _check_shared_table(layer, {other.name: other for other in pending})
    shorts = [short_layer(name) for name in names]
    if len(set(shorts)) != len(shorts):
        raise RegistryError(f"layer short forms (Label.short) must be unique (got {', '.join(shorts)})")
    known = set(names)
    for layer in pending:
        unknown = sorted(set(layer.requires + layer.uses) - known)
        if unknown:
            raise RegistryError(f"layer {layer.name} depends on unknown layer(s) {', '.join(unknown)}")
    done: list[AnyLayer] = []
    placed: set[str] = set()
    while pending:
        ready = next(
            (layer for layer in pending if set(layer.requires + layer.uses) <= placed),
            None,
        )
        if ready is None:
            raise RegistryError(f"dependency cycle among layers {', '.join(layer.name for layer in pending)}")
        pending.remove(ready)
        done.append(ready)
        placed.add(ready.name)
    return tuple(done)


def _check_shared_table(layer: AnyLayer, by_name: dict[str, AnyLayer]) -> None:
    """A layer that reads another layer's table (``table_from``) reads it exactly as its owner does."""
    owner = by_name.get(layer.table_from or "")
    problem = None
    if owner is None or owner.table_from is not None:
        problem = f"names no layer that owns a table (got {layer.table_from!r})"
    elif layer.table_from not in layer.requires:
        problem = f"must require {owner.name}, whose table it reads"
    elif (layer.table, layer.config_model, layer.enabled) != (owner.table, owner.config_model, owner.enabled):
        problem = f"must have the table, config model and enabled function of {owner.name}"
    if problem:
        raise RegistryError(f"layer {layer.name}: table_from {problem}")


def registry() -> tuple[AnyLayer, ...]:
    """The registered layers in dependency order (read at call time)."""
    return ordered(LAYERS)


def lookup(name: str) -> AnyLayer:
    """The layer called ``name``; KeyError names the registered ones."""
    for layer in registry():
        if layer.name == name:
            return layer
    raise KeyError(f"unknown layer {name!r} (allowed: {', '.join(layer.name for layer in registry())})")


def names() -> tuple[str, ...]:
    return tuple(layer.name for layer in registry())


def module_names(layers: Sequence[AnyLayer] | None = None) -> tuple[str, ...]:
    """Every HCL module the layers stage, once each, in layer order."""
    return tuple(dict.fromkeys(name for layer in (layers or registry()) for name in layer.modules))


def stack_list(
    environments: Sequence[Environment], selected: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """What ``python main.py --list`` prints: per environment, its enabled layers' stacks in apply order."""
    rows: list[dict[str, Any]] = []
    for environment in environments:
        on = [layer for layer in registry() if layer.is_on(environment)]
        on_names = {layer.name for layer in on}
        for layer in on:
            if selected is not None and layer.name not in selected:
                continue
            depends = [name for name in (*layer.requires, *layer.uses) if name in on_names]
            rows.append(
                {
                    "stack": Label.for_layer(environment, layer.name).stack_id,
                    "environment": environment.name,
                    "layer": layer.name,
                    "state_key": state_key(environment.name, layer.name),
                    "depends_on": [Label.for_layer(environment, name).stack_id for name in depends],
                    "providers": list(layer.providers),
                    "protected_types": list(layer.protected_types),
                    "post_apply": list(layer.post_apply),
                }
            )
    return rows

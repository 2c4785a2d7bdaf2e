"""What every module wrapper shares: a local module source that resolves inside each stack folder."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from llm_infra import layers
from llm_infra.cdk import Construct, Provider, null_value
from llm_infra.paths import MODULES_DIR

# Every HCL module the registered layers use (each layer's ``modules``, folders under its ``modules_dir``).
MODULE_NAMES: tuple[str, ...] = layers.module_names()
# Where a stack folder holds its modules: cdktf.out/stacks/<stack>/modules/<name>. The app copies there the
# modules the stack calls and the modules those call (app.ModuleCopies), so each stack folder is
# self-contained; the CDK's module asset (a hashed copy of every module into every stack) is not used.
STACK_MODULES_FOLDER = "modules"
# A module calls a sibling as `source = "../<name>"` (modules/network -> modules/kms-key); in a stack folder
# the siblings sit side by side under modules/ just as in the repository.
_SIBLING_SOURCE = re.compile(r'^\s*source\s*=\s*"\.\./([A-Za-z0-9_-]+)"\s*$', re.MULTILINE)


# A map key Terraform accepts in attribute form (``map.key``); others are indexed (``map["key"]``).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class ModuleSourceError(Exception):
    """A module source names no module folder; the message is one line naming the file."""


def module_source(name: str) -> str:
    """The source of module ``name`` in a stack's cdk.tf.json, relative to the stack folder."""
    return f"./{STACK_MODULES_FOLDER}/{name}"


def module_name_of(source: str) -> str | None:
    """The module a stack-relative source names (``./modules/network`` -> ``network``), else None."""
    prefix = f"./{STACK_MODULES_FOLDER}/"
    name = source.removeprefix(prefix)
    return name if source.startswith(prefix) and name and "/" not in name else None


@functools.cache
def sibling_modules(name: str, modules_root: Path = MODULES_DIR) -> frozenset[str]:
    """The modules that module ``name`` calls by ``source = "../<sibling>"`` in its own ``*.tf`` files."""
    found: set[str] = set()
    for path in sorted((modules_root / name).glob("*.tf")):
        for sibling in _SIBLING_SOURCE.findall(path.read_text(encoding="utf-8")):
            if not (modules_root / sibling).is_dir():
                raise ModuleSourceError(
                    f"{path.relative_to(modules_root.parent)}: module source '../{sibling}' names no module "
                    f"folder (got '{sibling}'; allowed {', '.join(module_folders(modules_root))})"
                )
            found.add(sibling)
    return frozenset(found)


def module_folders(modules_root: Path = MODULES_DIR) -> list[str]:
    """The module folders of the repository, sorted."""
    return sorted(p.name for p in modules_root.iterdir() if p.is_dir())


def module_closure(names: Iterable[str], modules_root: Path = MODULES_DIR) -> list[str]:
    """``names`` and every module they call, directly or through another module, sorted."""
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(sibling_modules(name, modules_root))
    return sorted(seen)


class ModuleWrapper:
    """A typed front for one HCL module: the module's ``variables.tf`` is the contract.

    The module block is plain data written into the stack's ``module`` block, not a ``TerraformHclModule``
    construct: a construct costs a round trip to the CDK's node process to create it (with the CDK's runtime
    type checks of its arguments in Python) and one per later change, while the JSON Terraform reads is the same
    (only the CDK's ``"//"`` metadata of the module is not written). A ``LayerStack`` writes all of its module
    blocks in one override with its other root blocks; any other stack gets one override per module block.
    """

    module_name: ClassVar[str]

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        variables: Mapping[str, Any],
        providers: Mapping[str, Provider] | None = None,
    ) -> None:
        if not callable(getattr(scope, "add_override", None)):
            raise TypeError(
                f"module {construct_id}: its scope must be a stack (got {type(scope).__name__}): the module "
                "block is written into the stack's own module block"
            )
        self._scope = scope
        # None becomes an explicit null (jsii would drop a None): a module default must never stand in for
        # "none" (for a variable with nullable = false, Terraform itself substitutes the default).
        self.block: dict[str, Any] = {
            "source": module_source(self.module_name),
            **{key: null_value() if value is None else value for key, value in variables.items()},
        }
        if providers:
            # The module's provider map (module-side address, `aws` or `aws.replica` -> the stack's provider).
            self.block["providers"] = {name: provider.reference for name, provider in providers.items()}
        # The module's address in the stack: a module block of the stack is named by its construct id.
        # References are written as Terraform expressions here, without a round trip to the CDK per output.
        self.address = f"module.{construct_id}"
        self.construct_id = construct_id
        self._write()

    def set(self, variable: str, value: Any) -> None:
        """Set (or replace) one of the module's arguments after construction."""
        self.block[variable] = null_value() if value is None else value
        self._write()

    def _write(self) -> None:
        add_module = getattr(self._scope, "add_module_block", None)
        if callable(add_module):
            add_module(self.construct_id, self.block)
        else:  # a stack of the caller's own app: overriding the path again replaces the block
            add_override: Any = getattr(self._scope, "add_override")  # noqa: B009 - checked in __init__
            add_override(self.address, dict(self.block))

    def output(self, name: str) -> str:
        """A reference to one output of the module, e.g. ``${module.network.vpc_id}``."""
        return f"${{{self.address}.{name}}}"

    def output_value(self, name: str) -> Any:
        """An output of any type (a map, a list): the same reference (Terraform keeps its type)."""
        return self.output(name)

    def output_lookup(self, name: str, key: str) -> str:
        """One entry of a map output, e.g. the subnet id of an AZ ID (the plan fails when the key is missing)."""
        entry = f".{key}" if _IDENTIFIER.fullmatch(key) else f"[{json.dumps(key)}]"
        return f"${{{self.address}.{name}{entry}}}"


def expression(reference: str) -> str:
    """The bare expression of a ``${...}`` reference (to nest it in a function call)."""
    if not (reference.startswith("${") and reference.endswith("}")):
        raise ValueError(f"not a Terraform reference: {reference!r}")
    return reference[2:-1]

"""What every module wrapper shares: a local module source that resolves wherever ``cdktf.out`` is used."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from llm_infra import layers
from llm_infra.cdk import Construct, Fn, TerraformHclModule, TerraformModuleProvider, Token
from llm_infra.paths import MODULES_DIR

# Every HCL module the registered layers stage (each layer's ``modules``); the app lists them in the
# cdktfRelativeModules context so that the CDK copies them into each stack folder as an asset (each
# cdktf.out/stacks/<stack> is self-contained). The app reads the registry itself when it runs.
MODULE_NAMES: tuple[str, ...] = layers.module_names()
# Context key naming the folder the modules are copied from (the app stages a clean copy there).
MODULES_ROOT_CONTEXT = "llmInfraModulesRoot"


def module_source(name: str, root: Path = MODULES_DIR) -> str:
    """The module folder relative to the working directory, in the ``./`` or ``../`` form the CDK expects."""
    relative = os.path.relpath(root / name)
    return relative if relative.startswith("..") else f"./{relative}"


class ModuleWrapper:
    """A typed front for one HCL module: the module's ``variables.tf`` is the contract."""

    module_name: ClassVar[str]

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        variables: Mapping[str, Any],
        providers: Sequence[TerraformModuleProvider] = (),
    ) -> None:
        root = scope.node.try_get_context(MODULES_ROOT_CONTEXT)
        self.module = TerraformHclModule(
            scope,
            construct_id,
            source=module_source(self.module_name, Path(root) if root else MODULES_DIR),
            # None becomes an explicit null: a module default must never stand in for "none" (for a variable
            # with nullable = false, Terraform itself substitutes the default).
            variables={
                key: Token.null_value() if value is None else value for key, value in variables.items()
            },
            providers=list(providers) or None,
        )

    def output(self, name: str) -> str:
        return str(self.module.get_string(name))

    def output_lookup(self, name: str, key: str) -> str:
        """One entry of a map output, e.g. the subnet id of an AZ ID."""
        return str(Token.as_string(Fn.lookup(self.module.get(name), key)))

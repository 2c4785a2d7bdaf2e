"""Each module's variables.tf is the contract: wrappers pass every required variable and nothing unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llm_infra.paths import MODULES_DIR
from llm_infra.wrappers.base import MODULE_NAMES
from tests.support.hcl import load_hcl, module_variables

META_KEYS = {"//", "source", "providers", "depends_on", "for_each", "count", "version"}


def _module_blocks(stacks: dict[str, dict[str, Any]], module: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{stack_name}.{block_name}", block)
        for stack_name, stack in stacks.items()
        for block_name, block in stack.get("module", {}).items()
        if block["source"].rstrip("/").endswith(f"/{module}")
    ]


def _module_calls_in_modules(module: str) -> list[tuple[str, dict[str, Any]]]:
    """Calls of a module that only other modules use (kms-key): `module` blocks with `source = "../<module>"`."""
    calls: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(MODULES_DIR.glob("*/*.tf")):
        for block in load_hcl(path).get("module", []):
            for name, body in block.items():
                if str(body.get("source", "")).rstrip("/") == f"../{module}":
                    calls.append((f"{path.parent.name}/{path.name}: module.{name}", body))
    return calls


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_wrapper_honours_the_module_contract(module: str, stacks: dict[str, dict[str, Any]]) -> None:
    declared = module_variables(MODULES_DIR / module)
    assert declared, f"modules/{module} declares no variables"
    required = {name for name, variable in declared.items() if variable.required}
    blocks = _module_blocks(stacks, module) or _module_calls_in_modules(module)
    assert blocks, f"no stack or module uses modules/{module}"
    for where, block in blocks:
        passed = set(block) - META_KEYS
        assert passed <= set(declared), f"{where} passes unknown variables {sorted(passed - set(declared))}"
        assert required <= passed, f"{where} misses required variables {sorted(required - passed)}"


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_module_variables_follow_the_style(module: str) -> None:
    """Every variable is described and typed; collections and booleans are not nullable."""
    for name, variable in module_variables(MODULES_DIR / module).items():
        assert variable.body.get("description"), f"modules/{module}: variable {name} has no description"
        kind = str(variable.body.get("type", ""))
        assert kind and kind != "any" and "${any}" not in kind, (
            f"modules/{module}: variable {name} type {kind!r}"
        )
        if kind.startswith(("${map(", "${list(", "${set(", "bool")):
            assert variable.body.get("nullable") is False, (
                f"modules/{module}: {name} ({kind}) must be nullable = false"
            )


def test_every_module_has_readme_and_versions(root: Path) -> None:
    for module in MODULE_NAMES:
        folder = root / "modules" / module
        for required in ("README.md", "versions.tf", "variables.tf", "outputs.tf"):
            assert (folder / required).is_file(), f"modules/{module}/{required} is missing"

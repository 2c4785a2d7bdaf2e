"""Rung 3: `terraform validate` (and the modules' own `terraform test`) with the local provider mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_infra.wrappers.base import MODULE_NAMES
from tests.support.stack import copy_tree
from tests.support.terraform import terraform

pytestmark = pytest.mark.terraform


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_module_validates_and_its_tests_pass(
    module: str, root: Path, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    # Modules call siblings by relative path (`../kms-key`): copy them side by side, as synth stages them.
    work = copy_tree(root / "modules", tmp_path / "modules") / module
    # A module that needs an aliased provider (configuration_aliases) cannot be a root: validate its example.
    example = work / "examples" / "complete"
    validate_root = example if example.is_dir() else work
    terraform(["init", "-backend=false", "-input=false", "-no-color"], validate_root, tf_env)
    result = terraform(["validate", "-no-color"], validate_root, tf_env)
    assert "The configuration is valid" in result.stdout
    if validate_root != work:
        terraform(["init", "-backend=false", "-input=false", "-no-color"], work, tf_env)
    assert list(work.glob("tests/*.tftest.hcl")), f"modules/{module} has no terraform tests"
    tested = terraform(["test", "-no-color"], work, tf_env)
    assert " 0 failed" in tested.stdout, tested.stdout[-3000:]
    assert "passed" in tested.stdout


def test_every_synthesized_stack_validates(outdir: Path, tmp_path: Path, tf_env: dict[str, str]) -> None:
    stack_dirs = sorted((outdir / "stacks").iterdir())
    assert len(stack_dirs) >= 6
    for stack_dir in stack_dirs:
        work = copy_tree(stack_dir, tmp_path / stack_dir.name)
        terraform(["init", "-backend=false", "-input=false", "-no-color"], work, tf_env)
        result = terraform(["validate", "-no-color"], work, tf_env)
        assert "The configuration is valid" in result.stdout, stack_dir.name

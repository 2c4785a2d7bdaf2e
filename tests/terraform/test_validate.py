"""Rung 3: `terraform validate` (and the modules' own `terraform test`) with the local provider mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_infra.paths import MODULES_DIR
from llm_infra.wrappers.base import MODULE_NAMES
from tests.support.hcl import load_hcl
from tests.support.layers import MIRRORED_PROVIDERS, terraform_stacks
from tests.support.stack import copy_tree
from tests.support.terraform import find_mirror, terraform

pytestmark = pytest.mark.terraform

# Every module of the repository, used by a registered layer or not yet (a module lands with its tests before the
# layer that calls it): each is validated and its `terraform test` run here, unless it needs a provider the
# offline mirror lacks (then it cannot even be `terraform init`ed on this machine) — those are listed with the test
# that checks them instead, and test_modules_that_cannot_init_here_are_exactly_the_listed_ones keeps the list true.
REPOSITORY_MODULES = tuple(sorted(path.parent.name for path in MODULES_DIR.glob("*/versions.tf")))
CHECKED_ELSEWHERE = {
    "hyperpod-cluster": "awscc is not in the offline mirror; its provider-free body/ submodule is evaluated, "
    "`terraform test`ed and linted against the CloudFormation schema in tests/terraform/test_hyperpod_schema.py",
}
VALIDATED = tuple(m for m in REPOSITORY_MODULES if m not in CHECKED_ELSEWHERE)


def _providers(module: str) -> set[str]:
    found: set[str] = set()
    for block in load_hcl(MODULES_DIR / module / "versions.tf").get("terraform", []):
        for required in block.get("required_providers", []):
            found |= {str(name) for name in required}
    return found


def test_modules_that_cannot_init_here_are_exactly_the_listed_ones() -> None:
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no local provider mirror (set LLM_INFRA_TF_MIRROR)")
    mirrored = {path.name for path in (mirror / "registry.terraform.io" / "hashicorp").iterdir()}
    cannot = {m for m in REPOSITORY_MODULES if not _providers(m) <= mirrored}
    assert cannot == set(CHECKED_ELSEWHERE)
    assert set(MODULE_NAMES) <= set(REPOSITORY_MODULES)


@pytest.mark.parametrize("module", VALIDATED)
def test_module_validates_and_its_tests_pass(
    module: str, root: Path, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    # Modules call siblings by relative path (`../kms-key`): copy them side by side, as synth stages them.
    work = copy_tree(root / "modules", tmp_path / "modules") / module
    # A module that needs an aliased provider (configuration_aliases) cannot be a root: validate its example
    # (every module's examples are planned in test_module_examples.py).
    aliased = "configuration_aliases" in (work / "versions.tf").read_text(encoding="utf-8")
    validate_root = work / "examples" / "complete" if aliased else work
    terraform(["init", "-backend=false", "-input=false", "-no-color"], validate_root, tf_env)
    result = terraform(["validate", "-no-color"], validate_root, tf_env)
    assert "The configuration is valid" in result.stdout
    if validate_root != work:
        terraform(["init", "-backend=false", "-input=false", "-no-color"], work, tf_env)
    assert list(work.glob("tests/*.tftest.hcl")), f"modules/{module} has no terraform tests"
    tested = terraform(["test", "-no-color"], work, tf_env)
    assert " 0 failed" in tested.stdout, tested.stdout[-3000:]
    assert "passed" in tested.stdout


def test_the_harness_mirrored_providers_are_the_mirrors() -> None:
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no local provider mirror (set LLM_INFRA_TF_MIRROR)")
    mirrored = {path.name for path in (mirror / "registry.terraform.io" / "hashicorp").iterdir()}
    assert mirrored == MIRRORED_PROVIDERS


def test_every_synthesized_stack_validates(outdir: Path, tmp_path: Path, tf_env: dict[str, str]) -> None:
    stack_dirs = [outdir / "stacks" / stack.name for stack in terraform_stacks()]
    assert len(stack_dirs) >= 6
    for stack_dir in stack_dirs:
        work = copy_tree(stack_dir, tmp_path / stack_dir.name)
        terraform(["init", "-backend=false", "-input=false", "-no-color"], work, tf_env)
        result = terraform(["validate", "-no-color"], work, tf_env)
        assert "The configuration is valid" in result.stdout, stack_dir.name

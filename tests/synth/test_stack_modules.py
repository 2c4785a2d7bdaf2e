"""The modules a stack folder gets: the ones its module blocks call, and the ones those call in turn."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from llm_infra.app import ModuleCopies, stack_module_names
from llm_infra.paths import MODULES_DIR
from llm_infra.wrappers.base import (
    MODULE_NAMES,
    ModuleSourceError,
    module_closure,
    module_folders,
    module_name_of,
    module_source,
    sibling_modules,
)
from tests.support.hcl import load_hcl


def hcl_sibling_calls(module_dir: Path) -> set[str]:
    """What the real HCL parser sees: the ``source`` of every ``module`` block that names a sibling."""
    calls = set()
    for path in module_dir.glob("*.tf"):
        for block in load_hcl(path).get("module", []):
            for body in block.values():
                if body["source"].startswith("../"):
                    calls.add(body["source"].removeprefix("../"))
    return calls


@pytest.mark.parametrize("module", module_folders())
def test_the_sibling_scan_agrees_with_the_hcl_parser(module: str) -> None:
    assert sibling_modules(module) == hcl_sibling_calls(MODULES_DIR / module)


def test_the_modules_that_make_a_key_call_kms_key() -> None:
    for module in ("network", "fsx-lustre", "s3-buckets"):
        assert "kms-key" in sibling_modules(module), module
    assert sibling_modules("kms-key") == frozenset()
    assert module_closure(["network"]) == ["kms-key", "network"]
    assert module_closure(["s3-buckets", "fsx-lustre"]) == ["fsx-lustre", "kms-key", "s3-buckets"]
    assert set(module_closure(MODULE_NAMES)) == set(MODULE_NAMES)


def test_the_closure_follows_calls_through_a_module(tmp_path: Path) -> None:
    for name, calls in {"a": "b", "b": "c", "c": None, "d": None}.items():
        (tmp_path / name).mkdir()
        body = f'module "x" {{\n  source = "../{calls}"\n}}\n' if calls else "# no calls\n"
        (tmp_path / name / "main.tf").write_text(body, encoding="utf-8")
    assert module_closure(["a"], tmp_path) == ["a", "b", "c"]
    assert module_closure(["d"], tmp_path) == ["d"]


def test_a_call_to_a_missing_sibling_is_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "modules" / "a").mkdir(parents=True)
    (tmp_path / "modules" / "a" / "main.tf").write_text(
        'module "k" {\n  source = "../nope"\n}\n', encoding="utf-8"
    )
    with pytest.raises(ModuleSourceError) as raised:
        sibling_modules("a", tmp_path / "modules")
    assert str(raised.value) == (
        "modules/a/main.tf: module source '../nope' names no module folder (got 'nope'; allowed a)"
    )


def test_module_sources_are_inside_the_stack_folder() -> None:
    assert module_source("network") == "./modules/network"
    assert module_name_of("./modules/network") == "network"
    for source in ("./modules/", "./modules/a/b", "../modules/a", "./assets/x/network", "hashicorp/x/aws"):
        assert module_name_of(source) is None, source


def test_only_local_sources_of_this_repository_are_copied(tmp_path: Path) -> None:
    document = {
        "module": {
            "net": {"source": "./modules/network"},
            "registry": {"source": "terraform-aws-modules/vpc/aws"},
            "git": {"source": "git::https://example.com/m.git"},
        }
    }
    roots = {"network": MODULES_DIR, "kms-key": MODULES_DIR}
    assert stack_module_names(document, tmp_path / "dev-network", roots) == ["network"]
    for source in ("./modules/nope", "../elsewhere/network", "./assets/__cdktf_module_asset_1/2/network"):
        with pytest.raises(ModuleSourceError) as raised:
            stack_module_names({"module": {"m": {"source": source}}}, tmp_path / "dev-network", roots)
        message = str(raised.value)
        assert message.startswith(
            f"dev-network/cdk.tf.json: module.m.source: not a module of a registered layer (got '{source}'; allowed ./modules/<"
        )
        assert "\n" not in message


def test_the_copy_leaves_out_terraform_state_module_tests_examples_and_readmes(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    shutil.copytree(MODULES_DIR / "network", modules / "network")
    shutil.copytree(MODULES_DIR / "kms-key", modules / "kms-key")
    shutil.copytree(MODULES_DIR / "s3-buckets", modules / "s3-buckets")  # not called: must not be copied
    junk = [
        ".terraform/providers/aws",
        ".terraform.lock.hcl",
        "terraform.tfstate",
        "terraform.tfstate.backup",
        "x.tfplan",
    ]
    for name in junk:
        (modules / "network" / name).parent.mkdir(parents=True, exist_ok=True)
        (modules / "network" / name).write_text("junk", encoding="utf-8")
    assert (modules / "network" / "tests").is_dir() and (modules / "network" / "examples").is_dir()
    stack_dir = tmp_path / "out" / "dev-network"
    stack_dir.mkdir(parents=True)
    document = {"module": {"network": {"source": "./modules/network"}}}
    (stack_dir / "cdk.tf.json").write_text(json.dumps(document), encoding="utf-8")

    copies = ModuleCopies({"network": modules, "s3-buckets": modules})  # kms-key: found as a sibling
    assert copies.copy(stack_dir, document) == ["kms-key", "network"]

    copied = {str(p.relative_to(stack_dir / "modules")) for p in (stack_dir / "modules").rglob("*")}
    assert sorted(p.name for p in (stack_dir / "modules").iterdir()) == ["kms-key", "network"]
    for name in [*junk, "tests", "examples", "README.md"]:
        assert f"network/{name}" not in copied
    for source in (MODULES_DIR / "network").rglob("*"):
        relative = source.relative_to(MODULES_DIR)
        if source.is_file() and relative.parts[1] not in ("tests", "examples", "README.md"):
            assert (stack_dir / "modules" / relative).read_bytes() == source.read_bytes(), relative
    # A second stack gets the same files (read once, written again).
    other = tmp_path / "out" / "prod-network"
    other.mkdir()
    assert copies.copy(other, document) == ["kms-key", "network"]
    assert sorted(p.relative_to(other) for p in other.rglob("*")) == sorted(
        p.relative_to(stack_dir) for p in stack_dir.rglob("*") if p.name != "cdk.tf.json"
    )


def test_a_module_wrapper_writes_its_block_into_a_plain_stack_of_another_app(tmp_path: Path) -> None:
    # A team composing our wrappers in its own CDK app uses its own TerraformStack (not a LayerStack): the
    # block is written by override there, None as an explicit null, and a later set() replaces the argument.
    from llm_infra.cdk import App, TerraformStack  # noqa: PLC0415 - starts the CDK engine
    from llm_infra.wrappers.base import ModuleWrapper  # noqa: PLC0415

    class Kms(ModuleWrapper):
        module_name = "kms-key"

    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "theirs")
    module = Kms(stack, "kms", variables={"alias": "x", "policy": None, "deletion_window_in_days": 7})
    module.set("deletion_window_in_days", 30)
    app.synth()
    document = json.loads((tmp_path / "stacks" / "theirs" / "cdk.tf.json").read_text(encoding="utf-8"))
    assert document["module"] == {
        "kms": {"source": "./modules/kms-key", "alias": "x", "policy": None, "deletion_window_in_days": 30}
    }
    assert module.output("key_arn") == "${module.kms.key_arn}"


def test_a_module_wrapper_refuses_a_scope_that_is_not_a_stack() -> None:
    from llm_infra.wrappers.base import ModuleWrapper  # noqa: PLC0415

    class Kms(ModuleWrapper):
        module_name = "kms-key"

    with pytest.raises(TypeError, match="module kms: its scope must be a stack"):
        Kms(object(), "kms", variables={})  # type: ignore[arg-type]

"""Flipping protection.prevent_destroy moves state, never destroys: the twins read from the modules' HCL, the
wrappers' knowledge of them, and the `moved` blocks every storage stack carries for its direction."""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

import pytest

import llm_infra.wrappers
from llm_infra.config import Environment, environment_files, load_environments
from llm_infra.config.loader import defaults_file_for
from llm_infra.layers.inference import LAYER as INFERENCE
from llm_infra.layers.inference.stack import DASHBOARD_MOVE
from llm_infra.paths import ENVIRONMENTS_DIR, MODULES_DIR
from llm_infra.wrappers.base import MODULE_NAMES, ModuleWrapper
from tests.support.hcl import Resource, protection_twins, twin_partner, without_twin_meta

SELECTOR = re.compile(r"^\$\{var\.prevent_destroy \? (?P<yes>.+) : (?P<no>.+)\}$")


def _wrappers() -> dict[str, type[ModuleWrapper]]:
    for info in pkgutil.iter_modules(llm_infra.wrappers.__path__):
        importlib.import_module(f"llm_infra.wrappers.{info.name}")
    return {cls.module_name: cls for cls in ModuleWrapper.__subclasses__()}


@pytest.fixture(scope="module")
def environments() -> dict[str, Environment]:
    files = environment_files(ENVIRONMENTS_DIR, None)
    return {env.name: env for env in load_environments(files, defaults_file_for(files, ENVIRONMENTS_DIR))}


def test_the_twin_finder_sees_the_known_twins() -> None:
    """Guards the finder itself: if it stopped finding these, every other test here would pass vacuously."""
    found = {
        module: {(u.address, p.address) for u, p in protection_twins(MODULES_DIR / module)}
        for module in MODULE_NAMES
    }
    assert ("aws_fsx_lustre_file_system.this", "aws_fsx_lustre_file_system.protected") in found["fsx-lustre"]
    assert ("aws_s3_bucket.this", "aws_s3_bucket.protected") in found["s3-buckets"]
    assert ("aws_s3_bucket.replica", "aws_s3_bucket.replica_protected") in found["s3-buckets"]
    assert ("aws_sagemaker_endpoint.this", "aws_sagemaker_endpoint.protected") in found["inference-fleet"]


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_twins_differ_only_in_selection_and_prevent_destroy(module: str) -> None:
    for unprotected, protected in protection_twins(MODULES_DIR / module):
        where = f"modules/{module}: {unprotected.address} / {protected.address}"
        assert twin_partner(protected.name) == unprotected.name, (
            f"{where}: a twin is named `X` / `X_protected` (or `this` / `protected`)"
        )
        assert without_twin_meta(unprotected.body) == without_twin_meta(protected.body), (
            f"{where}: bodies differ outside count/for_each/lifecycle"
        )
        assert _lifecycle(protected).pop("prevent_destroy", None) is True, (
            f"{where}: protected lacks prevent_destroy"
        )
        unprotected_lifecycle = _lifecycle(unprotected)
        assert unprotected_lifecycle.get("prevent_destroy") is not True, f"{where}: both prevent destroy"
        protected_lifecycle = _lifecycle(protected)
        protected_lifecycle.pop("prevent_destroy")
        unprotected_lifecycle.pop("prevent_destroy", None)
        assert unprotected_lifecycle == protected_lifecycle, (
            f"{where}: lifecycles differ beyond prevent_destroy"
        )
        # exactly one of the two exists: the same selector with its branches swapped
        (meta,) = {"count", "for_each"} & set(unprotected.body)
        assert meta in protected.body, f"{where}: one uses {meta}, the other not"
        first, second = SELECTOR.match(unprotected.body[meta]), SELECTOR.match(protected.body[meta])
        assert first and second, f"{where}: {meta} must be `var.prevent_destroy ? a : b`"
        assert (first["yes"], first["no"]) == (second["no"], second["yes"]), (
            f"{where}: {meta} not complementary"
        )


def _lifecycle(resource: Resource) -> dict[str, Any]:
    blocks = resource.body.get("lifecycle", [])
    assert len(blocks) <= 1, f"{resource.address}: more than one lifecycle block"
    return dict(blocks[0]) if blocks else {}


@pytest.mark.parametrize("module", MODULE_NAMES)
def test_wrapper_knows_every_twin_of_its_module(module: str) -> None:
    derived = {(u.address, p.address) for u, p in protection_twins(MODULES_DIR / module)}
    wrapper = _wrappers().get(module)
    if wrapper is None:  # called only by other modules (kms-key): no stack could emit moves for a twin there
        assert derived == set(), (
            f"modules/{module} has protection twins but no wrapper that emits their moves"
        )
        return
    declared = {(t.unprotected, t.protected) for t in getattr(wrapper, "PROTECTION_TWINS", ())}
    assert declared == derived, (
        f"{wrapper.__name__}.PROTECTION_TWINS must list exactly the twins of modules/{module}"
    )


def _instance_keys(env: Environment, module: str, unprotected: str) -> list[str | int]:
    """Which instances of a twin exist, from the configuration alone (independent of the wrappers' code)."""
    storage = env.storage
    assert storage is not None
    inference = INFERENCE.config(env)
    keys: dict[tuple[str, str], list[str | int]] = {
        ("inference-fleet", "aws_sagemaker_endpoint.this"): sorted(inference.endpoints) if inference else [],
        ("s3-buckets", "aws_s3_bucket.this"): sorted(storage.buckets),
        ("s3-buckets", "aws_s3_bucket.replica"): (
            sorted(k for k, b in storage.buckets.items() if b.replicate)
            if storage.replication.enabled
            else []
        ),
        ("fsx-lustre", "aws_fsx_lustre_file_system.this"): [0],
    }
    if (module, unprotected) not in keys:
        pytest.fail(
            f"modules/{module} has a new twin {unprotected}: emit its moves and add its instance keys here"
        )
    return keys[(module, unprotected)]


def _key(key: str | int) -> str:
    return f"[{key}]" if isinstance(key, int) else f'["{key}"]'


@pytest.mark.parametrize("layer", ["storage", "inference"])
def test_every_stack_moves_each_instance_towards_its_protection(
    layer: str, stacks: dict[str, dict[str, Any]], environments: dict[str, Environment]
) -> None:
    """Each stack of a layer with stateful twins carries one `moved` block per instance, towards the twin that
    the environment's protection.prevent_destroy selects."""
    checked = 0
    for name, env in environments.items():
        if f"{name}-{layer}" not in stacks:
            continue
        stack = stacks[f"{name}-{layer}"]
        protect = env.protection.prevent_destroy
        expected: set[tuple[str, str]] = set()
        for block_name, block in stack["module"].items():
            module = block["source"].rstrip("/").rsplit("/", 1)[-1]
            for unprotected, protected in protection_twins(MODULES_DIR / module):
                source, target = (unprotected, protected) if protect else (protected, unprotected)
                for key in _instance_keys(env, module, unprotected.address):
                    prefix = f"module.{block_name}."
                    expected.add(
                        (f"{prefix}{source.address}{_key(key)}", f"{prefix}{target.address}{_key(key)}")
                    )
        # the one move that is not a protection flip: the inference dashboard into modules/cloudwatch-dashboard
        renames = {(DASHBOARD_MOVE.source, DASHBOARD_MOVE.target)} if layer == "inference" else set()
        moved = {(m["from"], m["to"]) for m in stack.get("moved", [])}
        assert moved == expected | renames, f"{name}-{layer} (prevent_destroy = {protect})"
        assert len(stack["moved"]) == len(moved), f"{name}-{layer}: duplicate moved blocks"
        checked += len(expected)
    # both directions are exercised by the shipped environments (dev unprotected, staging/prod protected)
    assert {env.protection.prevent_destroy for env in environments.values()} == {True, False}
    assert checked > 0


def test_every_observability_stack_moves_its_stateful_resources_towards_its_protection(
    stacks: dict[str, dict[str, Any]], environments: dict[str, Environment]
) -> None:
    """The AMP workspace, its log group and (with Grafana on) the Grafana workspace: one instance each."""
    for name, env in environments.items():
        stack = stacks[f"{name}-observability"]
        protect = env.protection.prevent_destroy
        assert env.observability is not None
        expected = set()
        for unprotected, protected in protection_twins(MODULES_DIR / "observability"):
            if unprotected.type == "aws_grafana_workspace" and not env.observability.grafana.enabled:
                continue
            source, target = (unprotected, protected) if protect else (protected, unprotected)
            expected.add(
                (f"module.observability.{source.address}[0]", f"module.observability.{target.address}[0]")
            )
        assert len(expected) == 3
        assert {(m["from"], m["to"]) for m in stack["moved"]} == expected, f"{name}-observability"

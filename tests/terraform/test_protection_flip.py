"""Flipping protection.prevent_destroy on a live environment moves state and destroys nothing (issue 7, item 1).

Real terraform against a moto server on 127.0.0.1. The dev environment (minus placement groups, which moto
lacks) is synthesized twice, unprotected and protected; each flip plans one synthesis against the state the
other one left. The storage stacks read the dev network the session applied once to the shared moto server
(tests/support/producers.py). The applied buckets are flipped both ways. moto's FSx has no ``Lifecycle``, so
terraform cannot create a file system there: one is created with boto3 and adopted (tests/support/fsx.py), and the
flip is proven at plan level. Both work on copies of the applied dev storage state (buckets, the FSx key and log
group); the FSx test deletes the file system it made, so the shared server is left as found.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from llm_infra.config import Environment
from tests.support.aws import client_in_account
from tests.support.fsx import (
    NOT_IMPORTED,
    adopt,
    changed,
    create_as_planned,
    destructive,
    instances,
    moves,
    planned_file_system,
)
from tests.support.producers import Producers
from tests.support.stack import (
    assert_empty_but_for_moto_gaps,
    plan_json,
    prepare,
    synth_moto_variant,
)
from tests.support.terraform import terraform

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

FSX_THIS = "module.fsx.aws_fsx_lustre_file_system.this[0]"
FSX_PROTECTED = "module.fsx.aws_fsx_lustre_file_system.protected[0]"
PLAN_TIMEOUT_S = 600


@pytest.fixture(scope="module")
def dev(environments: dict[str, Environment]) -> Environment:
    return environments["dev"]


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """prevent_destroy -> cdktf.out of dev with that protection (and without placement groups)."""
    outdirs: dict[bool, Path] = {}
    for protect in (False, True):

        def protection(_name: str, data: dict[str, Any], protect: bool = protect) -> None:
            data["protection"] = {"prevent_destroy": protect}

        directory = tmp_path_factory.mktemp(f"dev-protect-{str(protect).lower()}")
        outdirs[protect] = synth_moto_variant(directory, ["dev"], protection)
    return outdirs


def _storage(
    synthesized: dict[bool, Path],
    protect: bool,
    work: Path,
    producers: Producers,
    env: Environment,
    tf_env: dict[str, str],
) -> Path:
    return prepare(
        synthesized[protect] / "stacks" / "dev-storage",
        work,
        producers.moto,
        env,
        tf_env,
        remote_states=producers.remote_states("dev-storage"),
    )


def _use_state(source: Path, target: Path) -> None:
    """Plan ``target``'s configuration from the state ``source`` holds (both use a local state file)."""
    shutil.copyfile(source / "terraform.tfstate", target / "terraform.tfstate")


def _ids(work: Path) -> dict[str, str]:
    return {address: attributes["id"] for address, attributes in instances(work).items()}


def _bucket_moves(env: Environment, protect: bool) -> dict[str, str]:
    assert env.storage is not None
    source, target = ("this", "protected") if protect else ("protected", "this")
    block = "module.buckets.aws_s3_bucket"
    return {f'{block}.{source}["{k}"]': f'{block}.{target}["{k}"]' for k in sorted(env.storage.buckets)}


def test_bucket_protection_flips_both_ways_without_destroying(
    synthesized: dict[bool, Path],
    producers: Producers,
    dev: Environment,
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    target = "-target=module.buckets"  # moto's FSx cannot be applied by terraform (no Lifecycle)
    works = {
        protect: _storage(synthesized, protect, tmp_path / f"protect-{protect}", producers, dev, tf_env)
        for protect in (False, True)
    }
    # the buckets the session applied, unprotected (dev's setting); flipped on a copy of their state, so the
    # applied state stays as terraform wrote it (the flips move state only)
    producers.copy_state("dev-storage", works[False])
    applied = _ids(works[False])
    assert {a for a in applied if ".aws_s3_bucket.this[" in a} == set(_bucket_moves(dev, True))

    previous = works[False]
    for protect in (True, False):
        work = works[protect]
        _use_state(previous, work)
        _code, plan = plan_json(work, tf_env, target)
        assert destructive(plan) == [], f"prevent_destroy -> {protect}"
        assert moves(plan) == _bucket_moves(dev, protect)
        assert_empty_but_for_moto_gaps(plan)  # moves only (plus moto's documented read-back gaps)
        terraform(["apply", "-input=false", "-no-color", "tfplan"], work, tf_env, timeout=PLAN_TIMEOUT_S)
        now = _ids(work)
        expected = _bucket_moves(dev, protect)
        # the very same buckets, at their new addresses; nothing else changed identity
        assert {expected.get(address, address): id_ for address, id_ in applied.items()} == now
        applied, previous = now, work


def _fsx_change(plan: dict[str, Any]) -> dict[str, Any]:
    (change,) = [c for c in plan["resource_changes"] if c["type"] == "aws_fsx_lustre_file_system"]
    return dict(change)


def test_fsx_protection_flips_both_ways_as_a_move_at_plan_level(
    synthesized: dict[bool, Path],
    producers: Producers,
    dev: Environment,
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    works = {
        protect: _storage(synthesized, protect, tmp_path / f"protect-{protect}", producers, dev, tf_env)
        for protect in (False, True)
    }
    # the file system's key and log group as the session applied them (a copy of the state without the buckets);
    # then the file system exactly as planned, made with boto3 and deleted at the end
    producers.copy_state("dev-storage", works[False])
    terraform(["state", "rm", "-no-color", "module.buckets"], works[False], tf_env)
    assert {a.split(".aws_")[0] for a in instances(works[False])} == {
        "module.fsx.module.kms[0]",
        "module.fsx",
    }
    shutil.copyfile(works[False] / "terraform.tfstate", tmp_path / "prerequisites.tfstate")
    fsx = client_in_account(producers.moto, dev.account_id, dev.region, "fsx")
    file_system = None
    try:
        _code, plan = plan_json(works[False], tf_env)
        values = planned_file_system(plan)
        file_system = create_as_planned(fsx, values)
        _flip_both_ways(works, tmp_path / "prerequisites.tfstate", file_system, values, tf_env)
    finally:
        if file_system is not None:  # leave the shared server as found
            fsx.delete_file_system(FileSystemId=file_system)


def _flip_both_ways(
    works: dict[bool, Path],
    prerequisites: Path,
    file_system: str,
    values: dict[str, Any],
    tf_env: dict[str, str],
) -> None:
    for protect, address, flipped in ((False, FSX_THIS, FSX_PROTECTED), (True, FSX_PROTECTED, FSX_THIS)):
        work, other = works[protect], works[not protect]
        shutil.copyfile(prerequisites, work / "terraform.tfstate")
        adopt(work, address, file_system, values, tf_env)
        # baseline: the adopted file system matches its own configuration (else the flip check proves nothing)
        _code, plan = plan_json(work, tf_env, "-refresh=false")
        baseline = _fsx_change(plan)
        assert baseline["address"] == address and "previous_address" not in baseline
        assert baseline["change"]["actions"] in (["no-op"], ["update"]), baseline["change"].get(
            "replace_paths"
        )
        assert changed(baseline) <= NOT_IMPORTED
        assert destructive(plan) == []
        # the flip: the other synthesis planned from this state moves the file system and changes nothing else
        _use_state(work, other)
        _code, plan = plan_json(other, tf_env, "-refresh=false")
        assert destructive(plan) == [], f"prevent_destroy -> {not protect}"
        assert moves(plan) == {address: flipped}
        change = _fsx_change(plan)
        assert change["address"] == flipped
        assert change["change"]["actions"] == baseline["change"]["actions"], change["change"].get(
            "replace_paths"
        )
        assert changed(change) == changed(baseline)
        assert change["change"]["after"]["id"] == file_system

"""Flipping protection.prevent_destroy on a live environment moves state and destroys nothing (issue 7, item 1).

Real terraform against a moto server on 127.0.0.1. The dev environment (minus placement groups, which moto
lacks) is synthesized twice, unprotected and protected; each flip plans one synthesis against the state the
other one left. Buckets are applied and flipped both ways. moto's FSx has no ``Lifecycle``, so terraform cannot
create a file system there: one is created with boto3 and imported, and the flip is proven at plan level.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from llm_infra.config import Environment, environment_files, load_environments
from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.fsx import (
    NOT_IMPORTED,
    changed,
    client,
    create_as_planned,
    destructive,
    instances,
    moves,
    patch_moto_gaps,
    planned_file_system,
)
from tests.support.moto import MotoServer, moto_server
from tests.support.synth import run_main
from tests.support.terraform import terraform
from tests.terraform.test_moto_ladder import (
    PLAN_TIMEOUT_S,
    _assert_empty_but_for_moto_gaps,
    _plan_json,
    _prepare,
)

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

FSX_THIS = "module.fsx.aws_fsx_lustre_file_system.this[0]"
FSX_PROTECTED = "module.fsx.aws_fsx_lustre_file_system.protected[0]"


@pytest.fixture(scope="module")
def dev() -> Environment:
    files = environment_files(ENVIRONMENTS_DIR, None)
    (env,) = [e for e in load_environments(files, ENVIRONMENTS_DIR / "_defaults.toml") if e.name == "dev"]
    return env


@pytest.fixture(scope="module")
def flip_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    with moto_server(tmp_path_factory.mktemp("flip-moto")) as server:
        yield server


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """prevent_destroy -> cdktf.out of dev with that protection (and without placement groups)."""
    data = tomllib.loads((ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8"))
    data["network"].pop("placement_groups", None)
    for template in data["network"].get("efa_launch_templates", {}).values():
        template.pop("placement_group", None)
    outdirs: dict[bool, Path] = {}
    for protect in (False, True):
        directory = tmp_path_factory.mktemp(f"dev-protect-{str(protect).lower()}")
        (directory / "_defaults.toml").write_bytes((ENVIRONMENTS_DIR / "_defaults.toml").read_bytes())
        data["protection"] = {"prevent_destroy": protect}
        path = directory / "dev.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        result = run_main(directory / "cdktf.out", [path])
        assert result.returncode == 0, result.stderr
        outdirs[protect] = directory / "cdktf.out"
    return outdirs


@pytest.fixture(scope="module")
def dev_network(
    synthesized: dict[bool, Path],
    flip_moto: MotoServer,
    dev: Environment,
    tf_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """The dev network applied to moto (moto's state dies with the server: no destroy needed)."""
    work = _prepare(
        synthesized[False] / "stacks" / "dev-network",
        tmp_path_factory.mktemp("flip-network") / "stack",
        flip_moto,
        dev,
        tf_env,
    )
    terraform(["apply", "-input=false", "-no-color", "-auto-approve"], work, tf_env, timeout=PLAN_TIMEOUT_S)
    return work


def _storage(
    synthesized: dict[bool, Path],
    protect: bool,
    work: Path,
    moto: MotoServer,
    env: Environment,
    network: Path,
    tf_env: dict[str, str],
) -> Path:
    return _prepare(
        synthesized[protect] / "stacks" / "dev-storage",
        work,
        moto,
        env,
        tf_env,
        remote_states={"network": network / "terraform.tfstate"},
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
    dev_network: Path,
    flip_moto: MotoServer,
    dev: Environment,
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    target = "-target=module.buckets"  # moto's FSx cannot be applied by terraform (no Lifecycle)
    works = {
        protect: _storage(
            synthesized, protect, tmp_path / f"protect-{protect}", flip_moto, dev, dev_network, tf_env
        )
        for protect in (False, True)
    }
    terraform(
        ["apply", "-input=false", "-no-color", "-auto-approve", target],
        works[False],
        tf_env,
        timeout=PLAN_TIMEOUT_S,
    )
    applied = _ids(works[False])
    assert {a for a in applied if ".aws_s3_bucket.this[" in a} == set(_bucket_moves(dev, True))

    previous = works[False]
    for protect in (True, False):
        work = works[protect]
        _use_state(previous, work)
        _code, plan = _plan_json(work, tf_env, target)
        assert destructive(plan) == [], f"prevent_destroy -> {protect}"
        assert moves(plan) == _bucket_moves(dev, protect)
        _assert_empty_but_for_moto_gaps(plan)  # moves only (plus moto's documented read-back gaps)
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
    dev_network: Path,
    flip_moto: MotoServer,
    dev: Environment,
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    works = {
        protect: _storage(
            synthesized, protect, tmp_path / f"protect-{protect}", flip_moto, dev, dev_network, tf_env
        )
        for protect in (False, True)
    }
    # the file system's key and log group as terraform makes them; then the file system exactly as planned
    prerequisites = [
        "-target=module.fsx.module.kms",
        "-target=module.fsx.aws_cloudwatch_log_group.this",
    ]
    terraform(["apply", "-input=false", "-no-color", "-auto-approve", *prerequisites], works[False], tf_env)
    shutil.copyfile(works[False] / "terraform.tfstate", tmp_path / "prerequisites.tfstate")
    _code, plan = _plan_json(works[False], tf_env)
    values = planned_file_system(plan)
    file_system = create_as_planned(client(flip_moto, dev.account_id, dev.region, "fsx"), values)

    for protect, address, flipped in ((False, FSX_THIS, FSX_PROTECTED), (True, FSX_PROTECTED, FSX_THIS)):
        work, other = works[protect], works[not protect]
        shutil.copyfile(tmp_path / "prerequisites.tfstate", work / "terraform.tfstate")
        terraform(["import", "-input=false", "-no-color", address, file_system], work, tf_env)
        patch_moto_gaps(work, address, values)
        # baseline: the adopted file system matches its own configuration (else the flip check proves nothing)
        _code, plan = _plan_json(work, tf_env, "-refresh=false")
        baseline = _fsx_change(plan)
        assert baseline["address"] == address and "previous_address" not in baseline
        assert baseline["change"]["actions"] in (["no-op"], ["update"]), baseline["change"].get(
            "replace_paths"
        )
        assert changed(baseline) <= NOT_IMPORTED
        assert destructive(plan) == []
        # the flip: the other synthesis planned from this state moves the file system and changes nothing else
        _use_state(work, other)
        _code, plan = _plan_json(other, tf_env, "-refresh=false")
        assert destructive(plan) == [], f"prevent_destroy -> {not protect}"
        assert moves(plan) == {address: flipped}
        change = _fsx_change(plan)
        assert change["address"] == flipped
        assert change["change"]["actions"] == baseline["change"]["actions"], change["change"].get(
            "replace_paths"
        )
        assert changed(change) == changed(baseline)
        assert change["change"]["after"]["id"] == file_system

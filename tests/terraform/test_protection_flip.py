"""Flipping protection.prevent_destroy on a live environment moves state and destroys nothing (issue 7, item 1).

Real terraform against a moto server on 127.0.0.1. The dev environment (minus placement groups, which moto
lacks) is synthesized twice, unprotected and protected; each flip plans one synthesis against the state the
other one left. Buckets are applied and flipped both ways. moto's FSx has no ``Lifecycle``, so terraform cannot
create a file system there: one is created with boto3 and imported, and the flip is proven at plan level.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import tomli_w

from llm_infra.config import Environment, environment_files, load_environments
from llm_infra.label import Label
from llm_infra.paths import ENVIRONMENTS_DIR
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
        remote_states={"cross-stack-reference-input-dev-network": network / "terraform.tfstate"},
    )


def _use_state(source: Path, target: Path) -> None:
    """Plan ``target``'s configuration from the state ``source`` holds (both use a local state file)."""
    shutil.copyfile(source / "terraform.tfstate", target / "terraform.tfstate")


def _state(work: Path) -> dict[str, str]:
    """address -> id of every managed instance in a work folder's state."""
    state = json.loads((work / "terraform.tfstate").read_text(encoding="utf-8"))
    found = {}
    for resource in state["resources"]:
        if resource["mode"] != "managed":
            continue
        base = f"{resource.get('module', '')}.{resource['type']}.{resource['name']}".lstrip(".")
        for instance in resource["instances"]:
            key = instance.get("index_key")
            suffix = "" if key is None else f"[{json.dumps(key)}]"
            found[base + suffix] = instance["attributes"]["id"]
    return found


def _moves(plan: dict[str, Any]) -> dict[str, str]:
    return {c["previous_address"]: c["address"] for c in plan["resource_changes"] if "previous_address" in c}


def _destructive(plan: dict[str, Any]) -> list[str]:
    return [
        f"{c['address']} {c['change']['actions']}"
        for c in plan["resource_changes"]
        if "delete" in c["change"]["actions"]
    ]


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
    applied = _state(works[False])
    assert {a for a in applied if ".aws_s3_bucket.this[" in a} == set(_bucket_moves(dev, True))

    previous = works[False]
    for protect in (True, False):
        work = works[protect]
        _use_state(previous, work)
        _code, plan = _plan_json(work, tf_env, target)
        assert _destructive(plan) == [], f"prevent_destroy -> {protect}"
        assert _moves(plan) == _bucket_moves(dev, protect)
        _assert_empty_but_for_moto_gaps(plan)  # moves only (plus moto's documented read-back gaps)
        terraform(["apply", "-input=false", "-no-color", "tfplan"], work, tf_env, timeout=PLAN_TIMEOUT_S)
        now = _state(work)
        moves = _bucket_moves(dev, protect)
        # the very same buckets, at their new addresses; nothing else changed identity
        assert {moves.get(address, address): id_ for address, id_ in applied.items()} == now
        applied, previous = now, work


def _fsx_client(moto: MotoServer, env: Environment) -> Any:
    """An FSx client acting in the environment's account (moto maps the assumed role's account)."""
    endpoint = {"endpoint_url": moto.endpoint, "region_name": env.region}
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    role = f"arn:aws:iam::{env.account_id}:role/moto-test"
    credentials = boto3.client("sts", **endpoint, **keys).assume_role(RoleArn=role, RoleSessionName="fsx")[
        "Credentials"
    ]
    return boto3.client(
        "fsx",
        **endpoint,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


def _attributes(work: Path, address: str) -> dict[str, Any]:
    state = json.loads((work / "terraform.tfstate").read_text(encoding="utf-8"))
    for resource in state["resources"]:
        base = f"{resource.get('module', '')}.{resource['type']}.{resource['name']}".lstrip(".")
        for instance in resource["instances"]:
            key = instance.get("index_key")
            if base + ("" if key is None else f"[{json.dumps(key)}]") == address:
                return dict(instance["attributes"])
    raise AssertionError(f"{address} is not in {work / 'terraform.tfstate'}")


def _create_file_system(moto: MotoServer, env: Environment, network: Path, storage: Path) -> str:
    """The dev file system as the module would create it, made with boto3 in the applied network's subnet."""
    assert env.storage is not None and env.storage.fsx is not None
    fsx = env.storage.fsx
    outputs = json.loads((network / "terraform.tfstate").read_text(encoding="utf-8"))["outputs"]
    subnet = outputs["private_subnet_ids"]["value"][fsx.az_id]
    key = _attributes(storage, "module.fsx.aws_kms_key.this[0]")["arn"]
    log_group = _attributes(storage, "module.fsx.aws_cloudwatch_log_group.this")["arn"]
    name = Label.for_layer(env, "storage").prefix
    created = _fsx_client(moto, env).create_file_system(
        FileSystemType="LUSTRE",
        FileSystemTypeVersion="2.15",
        StorageCapacity=fsx.storage_capacity_gib,
        StorageType="SSD",
        SubnetIds=[subnet],
        SecurityGroupIds=[outputs["efa_security_group_id"]["value"]],
        KmsKeyId=key,
        LustreConfiguration={
            "DeploymentType": fsx.deployment_type,
            "PerUnitStorageThroughput": fsx.per_unit_storage_throughput,
            "DataCompressionType": fsx.data_compression,
            "WeeklyMaintenanceStartTime": fsx.weekly_maintenance_start_time,
            "DailyAutomaticBackupStartTime": fsx.daily_backup_start_time,
            "AutomaticBackupRetentionDays": fsx.automatic_backup_retention_days,
            "CopyTagsToBackups": True,
            "LogConfiguration": {"Level": "WARN_ERROR", "Destination": log_group},
            "MetadataConfiguration": {"Mode": "AUTOMATIC"},
            "RootSquashConfiguration": {"RootSquash": fsx.root_squash},
        },
        Tags=[
            {"Key": k, "Value": v} for k, v in {**Label.for_layer(env, "storage").tags, "Name": name}.items()
        ],
    )
    return str(created["FileSystem"]["FileSystemId"])


# What moto 5.2.5's DescribeFileSystems does not return although CreateFileSystem accepted it. The provider reads
# the empty value back, and file_system_type_version forces replacement, so an adopted file system would always
# plan a replacement. The imported state gets the value the file system was created with, and the plans run with
# -refresh=false so that moto's read-back does not overwrite it again. Nothing else is patched.
MOTO_FSX_NOT_READ_BACK = {"file_system_type_version": "2.15"}
# Attributes no import can read - skip_final_backup is only sent on delete, timeouts are configuration of the
# provider - so the first plan after any import, against AWS too, sets them in place.
NOT_IMPORTED = {"skip_final_backup", "timeouts"}


def _patch_moto_gaps(work: Path, address: str) -> None:
    path = work / "terraform.tfstate"
    state = json.loads(path.read_text(encoding="utf-8"))
    module, kind_name = address.split(".aws_", 1)
    kind, rest = f"aws_{kind_name}".split(".", 1)
    name, index = rest.rstrip("]").split("[")
    (resource,) = [
        r for r in state["resources"] if r.get("module") == module and (r["type"], r["name"]) == (kind, name)
    ]
    (instance,) = [i for i in resource["instances"] if i.get("index_key") == int(index)]
    assert instance["attributes"].keys() >= MOTO_FSX_NOT_READ_BACK.keys()
    instance["attributes"].update(MOTO_FSX_NOT_READ_BACK)
    state["serial"] += 1
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")


def _changed(change: dict[str, Any]) -> set[str]:
    before, after = change["change"]["before"] or {}, change["change"]["after"] or {}
    return {key for key in set(before) | set(after) if before.get(key) != after.get(key)}


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
    # the file system's key and log group as terraform makes them, so the adopted file system matches the config
    prerequisites = [
        "-target=module.fsx.aws_kms_key.this",
        "-target=module.fsx.aws_cloudwatch_log_group.this",
    ]
    apply = ["apply", "-input=false", "-no-color", "-auto-approve"]
    terraform([*apply, *prerequisites], works[False], tf_env, timeout=PLAN_TIMEOUT_S)
    shutil.copyfile(works[False] / "terraform.tfstate", tmp_path / "prerequisites.tfstate")
    file_system = _create_file_system(flip_moto, dev, dev_network, works[False])

    for protect, address, flipped in ((False, FSX_THIS, FSX_PROTECTED), (True, FSX_PROTECTED, FSX_THIS)):
        work, other = works[protect], works[not protect]
        shutil.copyfile(tmp_path / "prerequisites.tfstate", work / "terraform.tfstate")
        terraform(["import", "-input=false", "-no-color", address, file_system], work, tf_env)
        _patch_moto_gaps(work, address)
        # baseline: the adopted file system matches its own configuration (else the flip check proves nothing)
        _code, plan = _plan_json(work, tf_env, "-refresh=false")
        baseline = _fsx_change(plan)
        assert baseline["address"] == address and "previous_address" not in baseline
        assert baseline["change"]["actions"] in (["no-op"], ["update"]), baseline["change"].get(
            "replace_paths"
        )
        assert _changed(baseline) <= NOT_IMPORTED
        assert _destructive(plan) == []
        # the flip: the other synthesis planned from this state moves the file system and changes nothing else
        _use_state(work, other)
        _code, plan = _plan_json(other, tf_env, "-refresh=false")
        change = _fsx_change(plan)
        assert change.get("previous_address") == address, change
        assert change["address"] == flipped
        assert change["change"]["actions"] == baseline["change"]["actions"], change["change"].get(
            "replace_paths"
        )
        assert _changed(change) == _changed(baseline)
        assert change["change"]["after"]["id"] == file_system
        assert _destructive(plan) == [], f"prevent_destroy -> {not protect}"

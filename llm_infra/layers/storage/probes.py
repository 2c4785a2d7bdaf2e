"""Smoke probe of the storage layer: each FSx for Lustre file system is AVAILABLE and in the configured AZ."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llm_infra.layers.storage import LAYER
from llm_infra.ops.report import Check, failed, passed, unknown
from llm_infra.ops.smoke import FSX_CONVERGING, FSX_READY, SmokeContext, has_layer_tags, tag_text
from llm_infra.ops.wait import WaitTimeoutError


def _file_systems(fsx: Any) -> Iterator[dict[str, Any]]:
    for page in fsx.get_paginator("describe_file_systems").paginate():
        yield from page["FileSystems"]


def _lifecycle_check(context: SmokeContext, fsx: Any, file_system: dict[str, Any]) -> Check:
    fs_id = file_system["FileSystemId"]
    name = f"fsx {fs_id}"
    if "Lifecycle" not in file_system:
        return unknown(name, "the FSx API returned no Lifecycle, so availability cannot be told (emulator?)")

    def fetch() -> dict[str, Any]:
        return dict(fsx.describe_file_systems(FileSystemIds=[fs_id])["FileSystems"][0])

    def lifecycle(fs: dict[str, Any]) -> str:
        return str(fs.get("Lifecycle", "UNKNOWN"))

    try:
        current = (
            context.wait(
                fetch, lambda fs: lifecycle(fs) not in FSX_CONVERGING, what=f"FSx {fs_id}", state=lifecycle
            )
            if lifecycle(file_system) in FSX_CONVERGING
            else file_system
        )
    except WaitTimeoutError as timeout:
        return failed(
            name, f"still {timeout.state} after {timeout.waited:.0f}s (raise --timeout to wait longer)"
        )
    state = lifecycle(current)
    if state != FSX_READY:
        details = current.get("FailureDetails", {}).get("Message")
        return failed(name, f"Lifecycle {state}" + (f": {details}" if details else ""))
    mount = current.get("LustreConfiguration", {}).get("MountName", "?")
    return passed(name, f"AVAILABLE, {current.get('DNSName')}@tcp:/{mount}")


def _az_check(context: SmokeContext, file_system: dict[str, Any], az_id: str) -> Check:
    name = f"fsx {file_system['FileSystemId']} az"
    subnet_ids = file_system.get("SubnetIds", [])
    if not subnet_ids:
        return unknown(name, "the file system lists no subnet")
    subnets = context.aws.client("ec2").describe_subnets(SubnetIds=subnet_ids[:1])["Subnets"]
    actual = subnets[0].get("AvailabilityZoneId") if subnets else None
    if actual == az_id:
        return passed(name, f"{subnet_ids[0]} is in {az_id}, as configured")
    return failed(name, f"{subnet_ids[0]} is in {actual}, the environment puts the file system in {az_id}")


def fsx_probe(context: SmokeContext) -> list[Check]:
    """Every FSx for Lustre file system of the storage layer is AVAILABLE and in the configured AZ."""
    storage = LAYER.config(context.environment)
    if storage is None or storage.fsx is None:
        return []
    fsx = context.aws.client("fsx")
    label = context.label("storage")
    mine = [
        fs
        for fs in _file_systems(fsx)
        if fs.get("FileSystemType") == "LUSTRE" and has_layer_tags(fs.get("Tags", []), label)
    ]
    if not mine:
        return [
            failed(
                "fsx",
                f"no FSx for Lustre file system tagged {tag_text(label)} in {context.environment.region}: "
                "is the storage layer applied?",
            )
        ]
    checks = []
    for file_system in mine:
        checks.append(_lifecycle_check(context, fsx, file_system))
        checks.append(_az_check(context, file_system, storage.fsx.az_id))
    return checks

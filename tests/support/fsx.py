"""Adopting an FSx for Lustre file system into a terraform state on moto, for plan-level tests.

moto 5.2.5's FSx answers without ``Lifecycle``, so terraform's create waiter never ends there. A test creates the
file system with boto3, exactly as a plan describes it (``create_as_planned``), adopts it (``adopt``: import), and
plans. Also: reading a local state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.terraform import terraform

# What moto 5.2.5's DescribeFileSystems does not return although CreateFileSystem accepted it. The provider reads
# the empty value back, and file_system_type_version forces replacement, so an adopted file system would always
# plan a replacement. patch_moto_gaps() gives the imported state the value the file system was created with, and
# the plans run with -refresh=false so that moto's read-back does not overwrite it again. Nothing else is patched.
MOTO_FSX_NOT_READ_BACK = ("file_system_type_version",)
# Attributes no import can read - skip_final_backup is only sent on delete, timeouts are configuration of the
# provider - so the first plan after any import, against AWS too, sets them in place.
NOT_IMPORTED = frozenset({"skip_final_backup", "timeouts"})


def instances(work: Path) -> dict[str, dict[str, Any]]:
    """address -> attributes of every managed resource instance in a work folder's local state."""
    state = json.loads((work / "terraform.tfstate").read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = {}
    for resource in state["resources"]:
        if resource["mode"] != "managed":
            continue
        base = f"{resource.get('module', '')}.{resource['type']}.{resource['name']}".lstrip(".")
        for instance in resource["instances"]:
            key = instance.get("index_key")
            found[base + ("" if key is None else f"[{json.dumps(key)}]")] = dict(instance["attributes"])
    return found


def planned_file_system(plan: dict[str, Any]) -> dict[str, Any]:
    """The planned values of the plan's one FSx for Lustre file system (at any module depth)."""
    found: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        found.extend(r for r in module.get("resources", []) if r["type"] == "aws_fsx_lustre_file_system")
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    (resource,) = found
    return dict(resource["values"])


def create_as_planned(fsx: Any, values: dict[str, Any]) -> str:
    """Create the file system the planned ``values`` describe (every argument the module sets); its id."""
    assert values.get("kms_key_id"), "apply the file system's KMS key first: its ARN must be known"
    lustre: dict[str, Any] = {
        "DeploymentType": values["deployment_type"],
        "PerUnitStorageThroughput": values["per_unit_storage_throughput"],
        "DataCompressionType": values["data_compression_type"],
        "WeeklyMaintenanceStartTime": values["weekly_maintenance_start_time"],
        "AutomaticBackupRetentionDays": values["automatic_backup_retention_days"],
        "CopyTagsToBackups": values["copy_tags_to_backups"],
        "LogConfiguration": {
            "Level": values["log_configuration"][0]["level"],
            "Destination": values["log_configuration"][0]["destination"],
        },
    }
    if values.get("daily_automatic_backup_start_time"):
        lustre["DailyAutomaticBackupStartTime"] = values["daily_automatic_backup_start_time"]
    if values.get("metadata_configuration"):
        metadata = values["metadata_configuration"][0]
        lustre["MetadataConfiguration"] = {
            "Mode": metadata["mode"],
            **({"Iops": metadata["iops"]} if metadata.get("iops") else {}),
        }
    if values.get("root_squash_configuration"):
        lustre["RootSquashConfiguration"] = {
            "RootSquash": values["root_squash_configuration"][0]["root_squash"]
        }
    created = fsx.create_file_system(
        FileSystemType="LUSTRE",
        FileSystemTypeVersion=values["file_system_type_version"],
        StorageCapacity=values["storage_capacity"],
        StorageType=values["storage_type"],
        SubnetIds=values["subnet_ids"],
        SecurityGroupIds=values["security_group_ids"],
        KmsKeyId=values["kms_key_id"],
        LustreConfiguration=lustre,
        Tags=[{"Key": k, "Value": v} for k, v in sorted(values["tags_all"].items())],
    )
    return str(created["FileSystem"]["FileSystemId"])


def adopt(
    work: Path, address: str, file_system_id: str, values: dict[str, Any], tf_env: dict[str, str]
) -> None:
    """Import the file system ``create_as_planned`` made into ``work``'s state at ``address`` (what the provider
    reads back), then give it what moto does not read back (patch_moto_gaps). The one path for every test that
    needs an FSx file system in a state on moto; plan such a state with ``-refresh=false``."""
    terraform(["import", "-input=false", "-no-color", address, file_system_id], work, tf_env)
    patch_moto_gaps(work, address, values)


def patch_moto_gaps(work: Path, address: str, values: dict[str, Any]) -> None:
    """Give the imported instance at ``address`` what moto does not read back (see MOTO_FSX_NOT_READ_BACK)."""
    path = work / "terraform.tfstate"
    state = json.loads(path.read_text(encoding="utf-8"))
    patched = 0
    for resource in state["resources"]:
        base = f"{resource.get('module', '')}.{resource['type']}.{resource['name']}".lstrip(".")
        for instance in resource["instances"]:
            if f"{base}[{json.dumps(instance.get('index_key'))}]" == address:
                for attribute in MOTO_FSX_NOT_READ_BACK:
                    assert instance["attributes"][attribute] in ("", None), (
                        "moto reads it back now: drop the patch"
                    )
                    instance["attributes"][attribute] = values[attribute]
                patched += 1
    assert patched == 1, f"{address} is not in {path}"
    state["serial"] += 1
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")


def changed(change: dict[str, Any]) -> set[str]:
    """Attributes a planned change alters."""
    before, after = change["change"]["before"] or {}, change["change"]["after"] or {}
    return {key for key in set(before) | set(after) if before.get(key) != after.get(key)}


def moves(plan: dict[str, Any]) -> dict[str, str]:
    """previous address -> address of every moved instance of a plan."""
    return {c["previous_address"]: c["address"] for c in plan["resource_changes"] if "previous_address" in c}


def destructive(plan: dict[str, Any]) -> list[str]:
    """Every planned delete (including the delete half of a replacement)."""
    return [
        f"{c['address']} {c['change']['actions']}"
        for c in plan["resource_changes"]
        if "delete" in c["change"]["actions"]
    ]


def stand_in_outputs(fsx: Any, subnet_id: str, security_group_id: str, capacity_gib: int) -> dict[str, str]:
    """The storage layer's FSx outputs, from a file system created on moto with boto3 in ``subnet_id``.

    moto cannot hold the file system terraform plans (no ``Lifecycle``: the create waiter never ends), so the
    harness applies storage without it and gives the consumers these instead: what moto's FSx really returns for a
    file system in the right subnet (id, DNS name; the mount name moto lacks is derived from the id), never
    hand-written literals."""
    created = fsx.create_file_system(
        FileSystemType="LUSTRE",
        StorageCapacity=capacity_gib,
        SubnetIds=[subnet_id],
        SecurityGroupIds=[security_group_id],
        LustreConfiguration={"DeploymentType": "PERSISTENT_2", "PerUnitStorageThroughput": 125},
    )["FileSystem"]
    file_system_id = str(created["FileSystemId"])
    # moto 5.2.5 returns no MountName; AWS's is 8 lowercase letters and digits: the id's own 8 stand in.
    mount_name = created["LustreConfiguration"].get("MountName") or file_system_id.removeprefix("fs-")[:8]
    return {
        "fsx_file_system_id": file_system_id,
        "fsx_dns_name": str(created["DNSName"]),
        "fsx_mount_name": str(mount_name),
    }

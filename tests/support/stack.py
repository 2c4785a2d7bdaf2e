"""Working on a synthesized stack against moto: copy, point at moto, init, plan, compare, tear down.

Shared by the moto ladder, the protection and key-move tests and the producer fixtures (tests import these
helpers from here, never from each other's modules).
"""

from __future__ import annotations

import json
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w

from llm_infra.config import Environment
from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.aws import client_in_account
from tests.support.moto import MotoServer
from tests.support.synth import run_main
from tests.support.terraform import moto_provider, terraform, write_moto_override

PLAN_TIMEOUT_S = 600
APPLY = ("apply", "-input=false", "-no-color", "-auto-approve")
DESTROY = ("destroy", "-input=false", "-no-color", "-auto-approve")


def copy_tree(source: Path, target: Path) -> Path:
    """Work on a copy: terraform writes .terraform/ and state, which must never land in the repo or cdktf.out.

    A synthesized stack keeps its ``.terraform.lock.hcl`` (the committed lock copied in at synth), so every
    ``terraform init`` of a stack installs the locked provider version; a module folder's local lock is dropped
    (reusable modules commit none)."""
    ignored = [".terraform", "*.tfstate*"]
    if not (source / "cdk.tf.json").is_file():
        ignored.append(".terraform.lock.hcl")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*ignored))
    return target


def without_placement_groups(data: dict[str, Any]) -> None:
    """Edit a parsed environment file in place: moto 5.2.5 has no placement-group API (HTTP 500)."""
    network = data["network"]
    network.pop("placement_groups", None)
    for template in network.get("efa_launch_templates", {}).values():
        template.pop("placement_group", None)


def synth_moto_variant(
    directory: Path, names: list[str], edit: Callable[[str, dict[str, Any]], None] | None = None
) -> Path:
    """The shipped environments ``names`` minus what moto lacks (placement groups), plus an optional test edit,
    synthesized like `make synth` into ``directory/cdktf.out``. Returns the output folder."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "_defaults.toml").write_bytes((ENVIRONMENTS_DIR / "_defaults.toml").read_bytes())
    files = []
    for name in names:
        data = tomllib.loads((ENVIRONMENTS_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        without_placement_groups(data)
        if edit is not None:
            edit(name, data)
        path = directory / f"{name}.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        files.append(path)
    outdir = directory / "cdktf.out"
    result = run_main(outdir, files)
    assert result.returncode == 0, result.stderr
    return outdir


def prepare(
    stack_src: Path,
    work: Path,
    moto: MotoServer,
    env: Environment,
    tf_env: dict[str, str],
    remote_states: dict[str, Path] | None = None,
    *,
    init: bool = True,
) -> Path:
    """Copy a stack, point it at moto with a local state file, and init it (unless ``init`` is false: `make plan`
    inits it). Returns the work folder."""
    copy_tree(stack_src, work)
    stack = json.loads((work / "cdk.tf.json").read_text(encoding="utf-8"))
    providers = [
        moto_provider(moto.endpoint, block["region"], env.account_id, block.get("alias"))
        for block in stack["provider"]["aws"]
    ]
    write_moto_override(
        work,
        endpoint=moto.endpoint,
        state_path=work / "terraform.tfstate",
        providers=providers,
        remote_states=remote_states,
    )
    if init:
        terraform(["init", "-input=false", "-no-color"], work, tf_env)
    return work


def plan_json(work: Path, tf_env: dict[str, str], *extra: str) -> tuple[int, dict[str, Any]]:
    planned = terraform(
        ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=tfplan", *extra],
        work,
        tf_env,
        timeout=PLAN_TIMEOUT_S,
        check=False,
    )
    assert planned.returncode in (0, 2), planned.stdout[-3000:] + planned.stderr[-3000:]
    shown = terraform(["show", "-json", "tfplan"], work, tf_env)
    (work / "plan.json").write_text(shown.stdout, encoding="utf-8")
    return planned.returncode, json.loads(shown.stdout)


def resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every planned resource, from all module levels."""
    found: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        found.extend(module.get("resources", []))
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return found


def of_type(plan: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources(plan) if r["type"] == kind]


# Attributes moto 5.2.5 does not read back as AWS does, so a second plan shows them as in-place updates:
# - security-group rules that reference a group or prefix list come back without their description;
# - launch templates come back with an extra `launch-template` tag specification and no default_version, so the
#   template is updated, which in turn makes its computed latest_version unknown;
# - GetBucketNotificationConfiguration leaves out EventBridgeConfiguration, so `eventbridge = true` reads back false.
# Only in-place updates of exactly these attributes are tolerated; anything else fails the "empty" check.
MOTO_READBACK_GAPS: dict[str, set[str]] = {
    "aws_vpc_security_group_ingress_rule": {"description"},
    "aws_vpc_security_group_egress_rule": {"description"},
    "aws_launch_template": {"tag_specifications", "default_version", "latest_version"},
    "aws_s3_bucket_notification": {"eventbridge"},
}


def assert_empty_but_for_moto_gaps(plan: dict[str, Any]) -> None:
    problems = []
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        before, after = change["change"]["before"] or {}, change["change"]["after"] or {}
        changed = {key for key in set(before) | set(after) if before.get(key) != after.get(key)}
        allowed = MOTO_READBACK_GAPS.get(change["type"], set())
        if actions != ["update"] or not changed <= allowed:
            problems.append(f"{change['address']} {actions} {sorted(changed - allowed)}")
        elif "description" in changed and before.get("description") is not None:
            problems.append(f"{change['address']}: description changed from {before['description']!r}")
        elif "eventbridge" in changed and not (
            before.get("eventbridge") is False and after.get("eventbridge") is True
        ):
            problems.append(
                f"{change['address']}: eventbridge {before.get('eventbridge')} -> {after.get('eventbridge')}"
            )
    assert problems == [], "second plan is not empty:\n" + "\n".join(problems)


def managed(work: Path) -> list[dict[str, Any]]:
    """The managed resources of a work folder's local state."""
    state = json.loads((work / "terraform.tfstate").read_text(encoding="utf-8"))
    return [r for r in state["resources"] if r["mode"] == "managed"]


def empty_bucket(moto: MotoServer, env: Environment, bucket: str) -> None:
    """Delete every object version of a bucket in the environment's account (moto maps the role's account)."""
    s3 = client_in_account(moto, env.account_id, env.region, "s3", "empty")
    listing = s3.list_object_versions(Bucket=bucket)
    objects = [
        {"Key": v["Key"], "VersionId": v["VersionId"]}
        for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])
    ]
    if objects:
        result = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
        assert not result.get("Errors"), result["Errors"][:3]

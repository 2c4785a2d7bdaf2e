"""Rungs 4-6 against a moto server on 127.0.0.1: plan every stack, scan each plan with checkov, apply what
moto can hold, re-plan (must be empty) and destroy.

moto 5.2.5 lacks placement groups (CreatePlacementGroup returns HTTP 500), so the *applied* networks come from
a test variant of each environment without placement groups; the shipped stacks are still planned in full.
Storage stacks read the applied network's outputs: an override file points their remote-state data source at
the network's local test state, as the S3 backend would in AWS.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import tomli_w

from llm_infra.config import Environment, environment_files, load_environments
from llm_infra.config.efa import max_efa_interfaces
from llm_infra.layers.storage.config import storage_bucket_prefix
from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.checkov import checkov_binary, run_checkov
from tests.support.moto import MotoServer, moto_server
from tests.support.synth import run_main
from tests.support.terraform import moto_provider, terraform, write_moto_override
from tests.terraform.conftest import copy_tree

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

ENVIRONMENTS = [path.stem for path in environment_files(ENVIRONMENTS_DIR, None)]
PLAN_TIMEOUT_S = 600


def _environments() -> dict[str, Environment]:
    files = environment_files(ENVIRONMENTS_DIR, None)
    return {e.name: e for e in load_environments(files, ENVIRONMENTS_DIR / "_defaults.toml")}


@pytest.fixture(scope="module")
def environments() -> dict[str, Environment]:
    return _environments()


@pytest.fixture(scope="module")
def ladder_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """Its own moto server, so other tests' resets cannot remove what this module applied."""
    with moto_server(tmp_path_factory.mktemp("ladder-moto")) as server:
        yield server


@pytest.fixture(scope="module")
def variant_outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped environments minus what moto lacks (placement groups), synthesized like `make synth`."""
    directory = tmp_path_factory.mktemp("moto-envs")
    (directory / "_defaults.toml").write_bytes((ENVIRONMENTS_DIR / "_defaults.toml").read_bytes())
    files = []
    for name in ENVIRONMENTS:
        data = tomllib.loads((ENVIRONMENTS_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        network = data["network"]
        network.pop("placement_groups", None)
        for template in network.get("efa_launch_templates", {}).values():
            template.pop("placement_group", None)
        path = directory / f"{name}.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        files.append(path)
    outdir = directory / "cdktf.out"
    result = run_main(outdir, files)
    assert result.returncode == 0, result.stderr
    return outdir


def _prepare(
    stack_src: Path,
    work: Path,
    moto: MotoServer,
    env: Environment,
    tf_env: dict[str, str],
    remote_states: dict[str, Path] | None = None,
) -> Path:
    """Copy a stack, point it at moto with a local state file, and init it. Returns the work folder."""
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
    terraform(["init", "-input=false", "-no-color"], work, tf_env)
    return work


def _plan_json(work: Path, tf_env: dict[str, str], *extra: str) -> tuple[int, dict[str, Any]]:
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


def _resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every planned resource, from all module levels."""
    found: list[dict[str, Any]] = []

    def walk(module: dict[str, Any]) -> None:
        found.extend(module.get("resources", []))
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return found


def _of_type(plan: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in _resources(plan) if r["type"] == kind]


# checkov's plan checks read planned values only: an attribute set from a resource created in the same plan
# (a KMS key made by the module) is "unknown" until apply and counts as missing. Such a failure is excused
# only where the plan proves the attribute will be set (after_unknown), never by a blanket skip.
SET_BUT_UNKNOWN_AT_PLAN = {"CKV_AWS_158": "kms_key_id"}


def _unknown_in_plan(plan: dict[str, Any], address: str, attribute: str) -> bool:
    for change in plan.get("resource_changes", []):
        if change["address"] == address:
            return bool(change["change"].get("after_unknown", {}).get(attribute))
    return False


def _assert_checkov_clean(work: Path, plan: dict[str, Any]) -> None:
    binary = checkov_binary()
    if binary is None:
        pytest.skip("checkov is not installed (make test installs it into .venv-checkov)")
    result = run_checkov(
        binary,
        [
            "-f",
            str(work / "plan.json"),
            "--framework",
            "terraform_plan",
            "--repo-root-for-plan-enrichment",
            str(work),
        ],
    )
    real = [
        (check, address, file)
        for check, address, file in result.failures
        if not (
            check in SET_BUT_UNKNOWN_AT_PLAN
            and _unknown_in_plan(plan, address, SET_BUT_UNKNOWN_AT_PLAN[check])
        )
    ]
    assert real == [], "\n".join(f"{c} {a} ({f})" for c, a, f in real)
    assert result.passed > 20
    for skip in result.skips:
        assert skip.get("suppress_comment", "").strip(), f"skip without a reason: {skip['check_id']}"


@pytest.fixture(scope="module")
def applied_networks(
    variant_outdir: Path,
    ladder_moto: MotoServer,
    environments: dict[str, Environment],
    tf_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Path]]:
    """Each environment's network (moto variant) applied to moto; destroyed at the end."""
    applied: dict[str, Path] = {}
    try:
        for name in ENVIRONMENTS:
            work = _prepare(
                variant_outdir / "stacks" / f"{name}-network",
                tmp_path_factory.mktemp(f"{name}-network-applied") / "stack",
                ladder_moto,
                environments[name],
                tf_env,
            )
            terraform(
                ["apply", "-input=false", "-no-color", "-auto-approve"], work, tf_env, timeout=PLAN_TIMEOUT_S
            )
            applied[name] = work
        yield applied
    finally:
        for work in applied.values():
            terraform(["destroy", "-input=false", "-no-color", "-auto-approve"], work, tf_env, check=False)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_network_plan_against_moto(
    name: str,
    outdir: Path,
    ladder_moto: MotoServer,
    environments: dict[str, Environment],
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = environments[name]
    work = _prepare(outdir / "stacks" / f"{name}-network", tmp_path / "stack", ladder_moto, env, tf_env)
    code, plan = _plan_json(work, tf_env)
    assert code == 2
    network = env.network
    assert len(_of_type(plan, "aws_subnet")) == len(network.private_subnets) + len(network.public_subnets)
    subnet_azs = sorted(r["values"]["availability_zone_id"] for r in _of_type(plan, "aws_subnet"))
    assert subnet_azs == sorted([*network.private_subnets, *network.public_subnets])
    nat_expected = {"none": 0, "single": 1, "per_az": len(network.public_subnets)}[network.nat_gateway_mode]
    assert len(_of_type(plan, "aws_nat_gateway")) == nat_expected
    assert len(_of_type(plan, "aws_placement_group")) == len(network.placement_groups)
    table = max_efa_interfaces()
    templates = {r["values"]["name"]: r["values"] for r in _of_type(plan, "aws_launch_template")}
    for key, template in network.efa_launch_templates.items():
        values = templates[f"{env.namespace}-{name}-network-{key}"]
        interfaces = sorted(values["network_interfaces"], key=lambda i: int(i["network_card_index"]))
        assert len(interfaces) == table[template.instance_type]
        assert interfaces[0]["interface_type"] == "efa"
        assert {i["interface_type"] for i in interfaces[1:]} <= {"efa-only"}
        assert values["metadata_options"][0]["http_tokens"] == "required"
        assert all(i["associate_public_ip_address"] in ("false", False) for i in interfaces)
    # no shipped environment turns on network.kms_key_allow_autoscaling_service_linked_role
    (network_key,) = _of_type(plan, "aws_kms_key")
    assert "AWSServiceRoleForAutoScaling" not in network_key["values"]["policy"]
    _assert_checkov_clean(work, plan)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_storage_plan_against_moto_after_network_apply(
    name: str,
    outdir: Path,
    applied_networks: dict[str, Path],
    ladder_moto: MotoServer,
    environments: dict[str, Environment],
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = environments[name]
    assert env.storage is not None
    network_state = json.loads((applied_networks[name] / "terraform.tfstate").read_text(encoding="utf-8"))
    work = _prepare(
        outdir / "stacks" / f"{name}-storage",
        tmp_path / "stack",
        ladder_moto,
        env,
        tf_env,
        remote_states={"network": applied_networks[name] / "terraform.tfstate"},
    )
    code, plan = _plan_json(work, tf_env)
    assert code == 2
    (fsx,) = _of_type(plan, "aws_fsx_lustre_file_system")
    fsx_config = env.storage.fsx
    assert fsx["values"]["storage_capacity"] == fsx_config.storage_capacity_gib
    assert fsx["values"]["deployment_type"] == fsx_config.deployment_type
    assert fsx["values"]["per_unit_storage_throughput"] == fsx_config.per_unit_storage_throughput
    # the file system sits in the subnet the applied network made for the configured AZ ID
    subnets = {
        r["values"]["availability_zone_id"]: r["values"]["id"]
        for r in network_state["resources"]
        if r["type"] == "aws_subnet" and r["name"] == "private"
        for r in [{"values": i["attributes"]} for i in r["instances"]]
    }
    assert fsx["values"]["subnet_ids"] == [subnets[fsx_config.az_id]]
    protected = fsx["address"].endswith(".protected[0]")
    assert protected == env.protection.prevent_destroy
    buckets = _of_type(plan, "aws_s3_bucket")
    assert len(buckets) == len(env.storage.buckets) + 1 + (
        sum(b.replicate for b in env.storage.buckets.values()) if env.storage.replication.enabled else 0
    )
    assert len(_of_type(plan, "aws_fsx_data_repository_association")) == len(
        fsx_config.data_repository_associations
    )
    _assert_bucket_key_lets_fsx_in(plan, env)
    _assert_checkov_clean(work, plan)


FSX_S3_ROLES = "role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*"


def _assert_bucket_key_lets_fsx_in(plan: dict[str, Any], env: Environment) -> None:
    """The linked buckets' key lets FSx's S3 service-linked roles use it, through S3, for those buckets only."""
    (key,) = [
        r
        for r in _of_type(plan, "aws_kms_key")
        if r["address"] == "module.buckets.module.kms[0].aws_kms_key.this"
    ]
    statements = json.loads(key["values"]["policy"])["Statement"]
    (fsx,) = [s for s in statements if s.get("Sid") == "AllowFSxS3AccessRolesOfLinkedBuckets"]
    linked = {
        r["values"]["data_repository_path"].split("/")[2]
        for r in _of_type(plan, "aws_fsx_data_repository_association")
    }
    assert env.storage is not None and env.storage.fsx is not None
    prefix = storage_bucket_prefix(env.namespace, env.name, env.account_id)
    assert linked == {f"{prefix}-{a.bucket}" for a in env.storage.fsx.data_repository_associations.values()}
    contexts = sorted(f"arn:aws:s3:::{bucket}{suffix}" for bucket in linked for suffix in ("", "/*"))
    assert (fsx["Effect"], fsx["Principal"], fsx["Resource"]) == ("Allow", {"AWS": "*"}, "*")
    assert sorted(fsx["Action"]) == [
        "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"
    ]  # fmt: skip
    like = fsx["Condition"].get("StringLike", {})
    like["kms:EncryptionContext:aws:s3:arn"] = sorted(like.get("kms:EncryptionContext:aws:s3:arn", []))
    assert fsx["Condition"] == {
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{env.account_id}:{FSX_S3_ROLES}"},
        "StringEquals": {
            "kms:CallerAccount": env.account_id,
            "kms:ViaService": f"s3.{env.region}.amazonaws.com",
        },
        "StringLike": {"kms:EncryptionContext:aws:s3:arn": contexts},
    }


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


def _assert_empty_but_for_moto_gaps(plan: dict[str, Any]) -> None:
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


def test_dev_apply_replan_empty_destroy(
    variant_outdir: Path,
    applied_networks: dict[str, Path],
    ladder_moto: MotoServer,
    environments: dict[str, Environment],
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    """Rung 6: what moto can hold is applied for dev; a second plan must be empty; destroy must succeed."""
    network = applied_networks["dev"]
    _code, plan = _plan_json(network, tf_env)
    _assert_empty_but_for_moto_gaps(plan)
    env = environments["dev"]
    storage = _prepare(
        variant_outdir / "stacks" / "dev-storage",
        tmp_path / "storage",
        ladder_moto,
        env,
        tf_env,
        remote_states={"network": network / "terraform.tfstate"},
    )
    # moto's FSx has no Lifecycle, so terraform's FSx waiter never finishes: apply the buckets and their keys.
    target = ["-target=module.buckets"]
    terraform(
        ["apply", "-input=false", "-no-color", "-auto-approve", *target],
        storage,
        tf_env,
        timeout=PLAN_TIMEOUT_S,
    )
    _code, plan = _plan_json(storage, tf_env, *target)
    _assert_empty_but_for_moto_gaps(plan)
    # Terraform never deletes a bucket that holds objects (no force_destroy anywhere), and the access-log bucket
    # has received moto's server access logs: stop the logging, empty the log bucket, then destroy the rest, as
    # an operator tearing down dev would. moto enforces the TLS-only bucket policy and is reached over plain
    # HTTP, so that policy goes first too.
    destroy = ["destroy", "-input=false", "-no-color", "-auto-approve"]
    first = [
        "-target=module.buckets.aws_s3_bucket_logging.this",
        "-target=module.buckets.aws_s3_bucket_policy.access_logs",
    ]
    terraform([*destroy, *first], storage, tf_env, timeout=PLAN_TIMEOUT_S)
    _empty_bucket(ladder_moto, env, f"{env.namespace}-dev-storage-{env.account_id}-access-logs")
    terraform([*destroy, *target], storage, tf_env, timeout=PLAN_TIMEOUT_S)
    assert _managed(storage) == []
    terraform(destroy, network, tf_env, timeout=PLAN_TIMEOUT_S)
    assert _managed(network) == []


def _empty_bucket(moto: MotoServer, env: Environment, bucket: str) -> None:
    """Delete every object version of a bucket in the environment's account (moto maps the role's account)."""
    endpoint = {"endpoint_url": moto.endpoint, "region_name": env.region}
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    role = f"arn:aws:iam::{env.account_id}:role/moto-test"
    credentials = boto3.client("sts", **endpoint, **keys).assume_role(RoleArn=role, RoleSessionName="empty")[
        "Credentials"
    ]
    s3 = boto3.client(
        "s3",
        **endpoint,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    listing = s3.list_object_versions(Bucket=bucket)
    objects = [
        {"Key": v["Key"], "VersionId": v["VersionId"]}
        for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])
    ]
    if objects:
        result = s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
        assert not result.get("Errors"), result["Errors"][:3]


def _managed(work: Path) -> list[dict[str, Any]]:
    state = json.loads((work / "terraform.tfstate").read_text(encoding="utf-8"))
    return [r for r in state["resources"] if r["mode"] == "managed"]

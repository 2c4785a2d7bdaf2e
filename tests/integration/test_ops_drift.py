"""scripts/drift.py on the dev network stack applied to moto: clean right after the apply, then real changes.

The stack is synthesized from a test copy of environments/dev.toml without what moto cannot hold (placement
groups) and without the storage layer; a test-only ``zz_test_override.tf.json`` points the aws provider at moto
(acting in the environment's account through an assumed role) and the backend at a local state file. The stack is
applied once for the module; each test undoes what it changed outside Terraform, except the last.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llm_infra.paths import ENVIRONMENTS_DIR, PROJECT_ROOT
from tests.support.aws import client_in_account
from tests.support.moto import MotoServer
from tests.support.ops import ACCOUNT, accept_moto_rule_descriptions, moto_environment_text, moto_tf_env
from tests.support.terraform import moto_provider, terraform, terraform_env, write_moto_override

pytestmark = [pytest.mark.moto, pytest.mark.terraform]

STACK = "dev-network"
SYNTH_TIMEOUT_S = 300
APPLY_TIMEOUT_S = 600
DRIFT_TIMEOUT_S = 600
VPC = "module.network.aws_vpc.this[0]"
EFA_SG = "module.network.aws_security_group.efa"
EFA_SELF_INGRESS = "module.network.aws_vpc_security_group_ingress_rule.efa_self_all"


def synthesize(tmp_path: Path) -> Path:
    environments = tmp_path / "environments"
    environments.mkdir()
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", environments / "_defaults.toml")
    (environments / "dev.toml").write_text(moto_environment_text(), encoding="utf-8")
    outdir = tmp_path / "cdktf.out"
    result = subprocess.run(
        [sys.executable, "main.py"],
        cwd=PROJECT_ROOT,
        env={
            **terraform_env(tmp_path / "unused.rc"),
            "LLM_INFRA_ENV_FILES": str(environments / "dev.toml"),
            "CDKTF_OUTDIR": str(outdir),
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        },
        capture_output=True,
        text=True,
        timeout=SYNTH_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (outdir / "stacks").iterdir()) == [STACK]
    return outdir


def drift(outdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/drift.py", "--outdir", str(outdir), "--stack", STACK, "--timeout", "300"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=DRIFT_TIMEOUT_S,
        check=False,
    )


def stack_line(result: subprocess.CompletedProcess[str]) -> str:
    [line] = [line for line in result.stdout.splitlines() if line.startswith(f"{STACK} ")]
    return line


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert stack_line(result).split()[:2] == [STACK, "clean"]


def assert_drifted(result: subprocess.CompletedProcess[str], *changes: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    line = stack_line(result)
    assert line.split()[:2] == [STACK, "drifted"]
    assert line.endswith(f"{len(changes)} changed outside Terraform: {', '.join(changes)}"), line
    assert result.stdout.rstrip().endswith("1 stack(s): 1 drifted, 0 could not be checked")


@dataclass(frozen=True)
class Applied:
    outdir: Path
    stack_dir: Path
    env: dict[str, str]
    ec2: Any  # boto3 EC2 client acting in the environment's account
    moto_gaps: tuple[str, ...]


@pytest.fixture(scope="module")
def applied(moto: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Applied]:
    """The dev network applied once to a fresh moto (no `apply -refresh-only` afterwards), for this module."""
    tmp_path = tmp_path_factory.mktemp("drift")
    env = moto_tf_env(tmp_path)
    moto.reset()
    outdir = synthesize(tmp_path)
    stack_dir = outdir / "stacks" / STACK
    write_moto_override(
        stack_dir,
        endpoint=moto.endpoint,
        state_path=tmp_path / "dev-network.tfstate",
        providers=[moto_provider(moto.endpoint, "us-west-2", ACCOUNT)],
    )
    terraform(["init", "-input=false", "-no-color"], stack_dir, env, timeout=APPLY_TIMEOUT_S)
    terraform(
        ["apply", "-auto-approve", "-input=false", "-no-color"], stack_dir, env, timeout=APPLY_TIMEOUT_S
    )
    gaps = accept_moto_rule_descriptions(stack_dir, env)
    yield Applied(
        outdir,
        stack_dir,
        env,
        client_in_account(moto, ACCOUNT, "us-west-2", "ec2", "test-setup"),
        tuple(gaps),
    )
    moto.reset()


def test_a_fresh_apply_reads_clean(applied: Applied) -> None:
    # What moto alone gets wrong, and only that, was accepted: the rules that reference the EFA group or the S3
    # prefix list (7 of the 13 rules).
    assert len(applied.moto_gaps) == 7
    clean = drift(applied.outdir, applied.env)
    assert_clean(clean)
    assert f"[{STACK}] terraform plan" in clean.stderr
    # The refresh did read back the security group's rules, the route tables' routes, the flow-log role's
    # policy and the NAT gateway's Elastic IP association: those mirror resources the same state manages.
    # Exactly as many as the README shows: a widened discount (something real dropped) changes the counts.
    assert (
        "no drift (10 refreshed attribute(s) only mirror resources this state manages, "
        "4 only went from null to empty)"
    ) in stack_line(clean)


def dev_vpc(ec2: Any) -> dict[str, Any]:
    filters = [{"Name": "tag:Environment", "Values": ["dev"]}, {"Name": "tag:Layer", "Values": ["network"]}]
    [vpc] = ec2.describe_vpcs(Filters=filters)["Vpcs"]
    return dict(vpc)


def efa_group_id(applied: Applied) -> str:
    shown = json.loads(terraform(["show", "-json"], applied.stack_dir, applied.env).stdout)
    [group_id] = [
        resource["values"]["id"]
        for module in shown["values"]["root_module"]["child_modules"]
        for resource in module["resources"]
        if resource["address"] == EFA_SG
    ]
    return str(group_id)


def test_tag_changed_then_restored(applied: Applied) -> None:
    vpc_id = dev_vpc(applied.ec2)["VpcId"]
    applied.ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Owner", "Value": "someone-else"}])
    try:
        assert_drifted(drift(applied.outdir, applied.env), f"{VPC} (update: tags, tags_all)")
    finally:
        applied.ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Owner", "Value": "ml-platform"}])
    assert_clean(drift(applied.outdir, applied.env))


def test_a_rule_added_outside_terraform_is_reported(applied: Applied) -> None:
    group_id = efa_group_id(applied)
    ssh = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    applied.ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=ssh)
    try:
        assert_drifted(drift(applied.outdir, applied.env), f"{EFA_SG} (update: ingress)")
    finally:
        applied.ec2.revoke_security_group_ingress(GroupId=group_id, IpPermissions=ssh)


# Last in the module: it leaves the rule deleted (restoring it is a ~60 s targeted apply against moto); the
# fixture's teardown resets moto.
def test_a_managed_rule_deleted_outside_terraform_is_reported(applied: Applied) -> None:
    shown = json.loads(terraform(["show", "-json"], applied.stack_dir, applied.env).stdout)
    [rule_id] = [
        resource["values"]["id"]
        for module in shown["values"]["root_module"]["child_modules"]
        for resource in module["resources"]
        if resource["address"] == EFA_SELF_INGRESS
    ]
    applied.ec2.revoke_security_group_ingress(GroupId=efa_group_id(applied), SecurityGroupRuleIds=[rule_id])
    # Reported once, on the rule's own address; the group's ingress list is not blamed a second time.
    assert_drifted(drift(applied.outdir, applied.env), f"{EFA_SELF_INGRESS} (delete)")

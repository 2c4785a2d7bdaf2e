"""The ops tools' test setup against moto: the environment copy, the account, the scripts, and the emulator-only
steps the README lists under "Against an emulator" (shared by tests/integration)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from llm_infra.paths import ENVIRONMENTS_DIR, PROJECT_ROOT
from tests.support.terraform import cli_config, find_mirror, terraform, terraform_binary, terraform_env

ACCOUNT = "111111111111"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/moto-test"
BUCKET = "llm-infra-tfstate-111111111111-us-west-2"
ALIAS = "alias/llm-infra-tfstate"
SCRIPT_TIMEOUT_S = 60


def environment_dir(tmp_path: Path, *, role: bool = True, replace: dict[str, str] | None = None) -> Path:
    """A copy of the shipped dev environment; with ``role`` it assumes a role in its account (moto answers as
    that account for assumed-role credentials)."""
    directory = tmp_path / "environments"
    directory.mkdir(exist_ok=True)
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", directory / "_defaults.toml")
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    edits = dict(replace or {})
    if role:
        edits[f'account_id = "{ACCOUNT}"'] = f'account_id = "{ACCOUNT}"\nrole_arn = "{ROLE}"'
    for old, new in edits.items():
        assert old in text, f"test bug: {old!r} not in environments/dev.toml"
        text = text.replace(old, new)
    (directory / "dev.toml").write_text(text, encoding="utf-8")
    return directory


def account_session() -> boto3.Session:
    """boto3 acting in the environment's account (test setup and assertions)."""
    credentials = boto3.client("sts").assume_role(RoleArn=ROLE, RoleSessionName="test-setup")["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-west-2",
    )


def run_script(
    name: str, *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, f"scripts/{name}", *arguments],
        cwd=PROJECT_ROOT,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_S,
        check=False,
    )


# moto 5.2.5 has no placement groups; the storage layer is not part of this test, nor the layers that require it
# (training, inference) or read it (observability): their ops are tested in their own tests (tests/unit/
# test_training_*.py, test_inference_ops.py, test_ops_grafana.py, tests/integration/test_ops_smoke.py).
MOTO_EDITS = {
    '[network.placement_groups.train]\nstrategy = "cluster"\n': "",
    'placement_group = "train"\n': "",
    "[storage]\n": "[storage]\nenabled = false\n",
    "[training.groups.gpu]\n": "[training]\nenabled = false\n\n[training.groups.gpu]\n",
    "[inference]\n": "[inference]\nenabled = false\n",
    "[observability]\n": "[observability]\nenabled = false\n",
}
REFRESH_TIMEOUT_S = 600
RULE_TYPES = ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")


def moto_tf_env(directory: Path) -> dict[str, str]:
    if terraform_binary() is None:
        pytest.skip("terraform is not on PATH")
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no local hashicorp/aws provider mirror (set LLM_INFRA_TF_MIRROR)")
    return terraform_env(cli_config(directory, mirror))


def moto_environment_text(*, role: bool = False) -> str:
    """environments/dev.toml without what moto cannot hold; with ``role``, assuming a role in its account."""
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    edits = dict(MOTO_EDITS)
    if role:
        edits[f'account_id = "{ACCOUNT}"'] = f'account_id = "{ACCOUNT}"\nrole_arn = "{ROLE}"'
    for old, new in edits.items():
        assert old in text, f"test bug: {old!r} not in environments/dev.toml"
        text = text.replace(old, new)
    return text


def accept_moto_rule_descriptions(stack_dir: Path, env: dict[str, str]) -> list[str]:
    """Emulator-only step: moto 5.2.5 reads security-group rules that reference a group or prefix list back
    without their description (its SecurityGroupRule.description reads only the CIDR range's); AWS returns it.
    Find exactly those rules in a refresh-only plan, check that the description is all that differs, and write
    ``description = null`` for them alone into the state (``state pull`` / ``state push``, so it works with any
    backend). Nothing else is accepted: a refresh-only apply, even targeted, would also record what the refresh
    read for the rules' dependencies. Returns the rules' addresses."""
    plan_file = stack_dir / "moto-gaps.tfplan"
    common = ["-input=false", "-no-color", "-lock=false"]
    terraform(
        ["plan", "-refresh-only", *common, f"-out={plan_file}"], stack_dir, env, timeout=REFRESH_TIMEOUT_S
    )
    shown = json.loads(terraform(["show", "-json", str(plan_file)], stack_dir, env).stdout)
    plan_file.unlink()
    gaps: dict[str, str] = {}  # rule id -> address
    for entry in shown.get("resource_drift", []):
        before, after = entry["change"]["before"] or {}, entry["change"]["after"] or {}
        changed = {key for key in set(before) | set(after) if before.get(key) != after.get(key)}
        referencing = before.get("referenced_security_group_id") or before.get("prefix_list_id")
        if entry["type"] in RULE_TYPES and changed == {"description"} and after["description"] is None:
            assert referencing, f"moto dropped the description of a CIDR rule: {entry['address']}"
            gaps[before["id"]] = entry["address"]
    if gaps:
        state = json.loads(terraform(["state", "pull"], stack_dir, env).stdout)
        for resource in state["resources"]:
            for instance in resource["instances"]:
                if instance["attributes"].get("id") in gaps:
                    instance["attributes"]["description"] = None
        state["serial"] += 1
        pushed = stack_dir / "moto-gaps.tfstate"
        pushed.write_text(json.dumps(state), encoding="utf-8")
        terraform(["state", "push", str(pushed)], stack_dir, env)
        pushed.unlink()
    return sorted(gaps.values())

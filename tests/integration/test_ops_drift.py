"""scripts/drift.py on the dev network stack applied to moto: no drift, a tag changed by hand, restored.

The stack is synthesized from a test copy of environments/dev.toml without what moto cannot hold (placement
groups) and without the storage layer; a test-only ``zz_test_override.tf.json`` points the aws provider at moto
(acting in the environment's account through an assumed role) and the backend at a local state file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from llm_infra.paths import ENVIRONMENTS_DIR, PROJECT_ROOT
from tests.integration.test_ops_bootstrap import ACCOUNT, account_session
from tests.support.moto import MotoServer
from tests.support.terraform import (
    cli_config,
    find_mirror,
    moto_provider,
    terraform,
    terraform_binary,
    terraform_env,
    write_moto_override,
)

pytestmark = [pytest.mark.moto, pytest.mark.terraform]

STACK = "dev-network"
SYNTH_TIMEOUT_S = 300
APPLY_TIMEOUT_S = 600
DRIFT_TIMEOUT_S = 600
VPC = "module.network.aws_vpc.this[0]"

# moto 5.2.5 has no placement groups; the storage layer is not part of this test.
MOTO_EDITS = {
    '[network.placement_groups.train]\nstrategy = "cluster"\n': "",
    'placement_group = "train"\n': "",
    "[storage]\n": "[storage]\nenabled = false\n",
}


@pytest.fixture
def tf_env(tmp_path: Path) -> dict[str, str]:
    if terraform_binary() is None:
        pytest.skip("terraform is not on PATH")
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no local hashicorp/aws provider mirror (set LLM_INFRA_TF_MIRROR)")
    return terraform_env(cli_config(tmp_path, mirror))


def synthesize(tmp_path: Path) -> Path:
    environments = tmp_path / "environments"
    environments.mkdir()
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", environments / "_defaults.toml")
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    for old, new in MOTO_EDITS.items():
        assert old in text, f"test bug: {old!r} not in environments/dev.toml"
        text = text.replace(old, new)
    (environments / "dev.toml").write_text(text, encoding="utf-8")
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


def test_drift_clean_then_tag_changed_then_restored(
    moto_env: MotoServer, tf_env: dict[str, str], tmp_path: Path
) -> None:
    outdir = synthesize(tmp_path)
    stack_dir = outdir / "stacks" / STACK
    write_moto_override(
        stack_dir,
        endpoint=moto_env.endpoint,
        state_path=tmp_path / "dev-network.tfstate",
        providers=[moto_provider(moto_env.endpoint, "us-west-2", ACCOUNT)],
    )
    terraform(["init", "-input=false", "-no-color"], stack_dir, tf_env, timeout=APPLY_TIMEOUT_S)
    terraform(
        ["apply", "-auto-approve", "-input=false", "-no-color"], stack_dir, tf_env, timeout=APPLY_TIMEOUT_S
    )
    # Record what the provider reads back right after creation (EIP association made by the NAT gateway,
    # inline policies of the flow-log role, attributes moto fills in), as a second apply would in real use.
    terraform(
        ["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color"],
        stack_dir,
        tf_env,
        timeout=APPLY_TIMEOUT_S,
    )

    clean = drift(outdir, tf_env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert stack_line(clean).split()[:2] == [STACK, "clean"]
    assert f"[{STACK}] terraform plan" in clean.stderr

    ec2 = account_session().client("ec2")
    [vpc] = ec2.describe_vpcs(
        Filters=[{"Name": "tag:Environment", "Values": ["dev"]}, {"Name": "tag:Layer", "Values": ["network"]}]
    )["Vpcs"]
    ec2.create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "Owner", "Value": "someone-else"}])

    drifted = drift(outdir, tf_env)
    assert drifted.returncode == 2, drifted.stdout + drifted.stderr
    line = stack_line(drifted)
    assert line.split()[:2] == [STACK, "drifted"]
    assert line.endswith(f"1 changed outside Terraform: {VPC} (update)")
    assert drifted.stdout.rstrip().endswith("1 stack(s): 1 drifted, 0 could not be checked")

    ec2.create_tags(Resources=[vpc["VpcId"]], Tags=[{"Key": "Owner", "Value": "ml-platform"}])

    restored = drift(outdir, tf_env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert stack_line(restored).split()[:2] == [STACK, "clean"]

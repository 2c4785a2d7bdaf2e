"""The README's "Plan and apply for real" path, command by command, for the dev network against a moto server.

No override file: terraform uses the synthesized S3 backend (the bootstrapped bucket, its KMS key, native
locking) and the synthesized provider (allowed_account_ids, assume_role), both pointed at moto only through the
standard AWS_ENDPOINT_URL environment variable, exactly as a user would point them at another endpoint. The
emulator-only steps are the ones the README lists under "Against an emulator"; each is marked below.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_infra.paths import ENVIRONMENTS_DIR, PROJECT_ROOT
from tests.support.aws import client_in_account
from tests.support.moto import MotoServer
from tests.support.ops import (
    ACCOUNT,
    BUCKET,
    accept_moto_rule_descriptions,
    moto_environment_text,
    moto_tf_env,
)

pytestmark = [pytest.mark.moto, pytest.mark.terraform]

STACK = "dev-network"
SCRIPT_TIMEOUT_S = 120
TERRAFORM_TIMEOUT_S = 600
STATE_KEY = "dev/network.tfstate"
KMS_ALIAS_ARN = "arn:aws:kms:us-west-2:111111111111:alias/llm-infra-tfstate"  # state.kms_key_arn of dev.toml


def in_account(moto: MotoServer, service: str) -> Any:
    """A boto3 client acting in the environment's account (test assertions and the emulator-only steps)."""
    return client_in_account(moto, ACCOUNT, "us-west-2", service, "emulator-only")


@pytest.fixture
def fresh_moto(moto: MotoServer) -> Iterator[MotoServer]:
    moto.reset()
    yield moto
    moto.reset()


def test_readme_plan_and_apply_for_real(fresh_moto: MotoServer, tmp_path: Path) -> None:
    timings: dict[str, float] = {}

    def run(step: str, command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        result = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        timings[step] = time.monotonic() - started
        return result

    # Emulator-only: an environment copy that assumes a role in 111111111111 (moto answers as the role's account)
    # and has no placement groups (moto 5.2.5 has none). The storage layer stays: it is synthesized, not applied.
    environments = tmp_path / "environments"
    environments.mkdir()
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", environments / "_defaults.toml")
    dev_toml = moto_environment_text(role=True).replace("[storage]\nenabled = false\n", "[storage]\n")
    (environments / "dev.toml").write_text(dev_toml, encoding="utf-8")
    outdir = tmp_path / "cdktf.out"
    env = {
        **moto_tf_env(tmp_path),  # this machine: hashicorp/aws from the local mirror (no registry)
        **fresh_moto.aws_env(),  # AWS_ENDPOINT_URL and test credentials: boto3, the backend and the provider
        "LLM_INFRA_ENV_FILES": str(environments / "dev.toml"),
        "CDKTF_OUTDIR": str(outdir),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }

    # 1. bootstrap the state backend
    bootstrap = run(
        "bootstrap",
        [sys.executable, "scripts/bootstrap_state.py", "--env", "dev", "--env-dir", str(environments)],
        PROJECT_ROOT,
        SCRIPT_TIMEOUT_S,
    )
    assert bootstrap.returncode == 0, bootstrap.stdout + bootstrap.stderr
    assert bootstrap.stdout.rstrip().endswith("9 created, 0 updated, 0 unchanged.")
    # Emulator-only: moto evaluates bucket policies without their conditions, so DenyInsecureTransport denies
    # every request (over TLS too); AWS denies only plain-HTTP ones. Remove the statement on moto.
    s3 = in_account(fresh_moto, "s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["DenyInsecureTransport"]
    s3.delete_bucket_policy(Bucket=BUCKET)

    # 2. make synth (its recipe: `python main.py`, here for the environment copy)
    synth = run("synth", [sys.executable, "main.py"], PROJECT_ROOT, SCRIPT_TIMEOUT_S)
    assert synth.returncode == 0, synth.stderr
    stack_dir = outdir / "stacks" / STACK
    assert sorted(p.name for p in stack_dir.iterdir()) == [".terraform.lock.hcl", "cdk.tf.json", "modules"]
    lock = (stack_dir / ".terraform.lock.hcl").read_text(encoding="utf-8")

    # 3. cd cdktf.out/stacks/dev-network && terraform init && plan && apply
    init = run("init", ["terraform", "init", "-input=false", "-no-color"], stack_dir, TERRAFORM_TIMEOUT_S)
    assert init.returncode == 0, init.stdout + init.stderr
    assert 'Successfully configured the backend "s3"!' in init.stdout
    assert (stack_dir / ".terraform.lock.hcl").read_text(encoding="utf-8") == lock, "init changed the lock"
    plan = run(
        "plan",
        ["terraform", "plan", "-input=false", "-no-color", "-out=tfplan", "-detailed-exitcode"],
        stack_dir,
        TERRAFORM_TIMEOUT_S,
    )
    assert plan.returncode == 2, plan.stdout[-3000:] + plan.stderr[-3000:]
    assert "Plan: 37 to add, 0 to change, 0 to destroy." in plan.stdout
    apply = run(
        "apply", ["terraform", "apply", "-input=false", "-no-color", "tfplan"], stack_dir, TERRAFORM_TIMEOUT_S
    )
    assert apply.returncode == 0, apply.stdout[-3000:] + apply.stderr[-3000:]
    # The state is in the bootstrapped bucket, encrypted with the environment's key; the lock object is gone.
    head = s3.head_object(Bucket=BUCKET, Key=STATE_KEY)
    assert head["ServerSideEncryption"] == "aws:kms"
    # AWS answers with the key ARN the alias resolves to; moto echoes the alias ARN the backend sent.
    key_arn = in_account(fresh_moto, "kms").describe_key(KeyId=KMS_ALIAS_ARN)["KeyMetadata"]["Arn"]
    assert head["SSEKMSKeyId"] in (key_arn, KMS_ALIAS_ARN)
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert listed == [STATE_KEY]

    # Emulator-only: moto reads rules that reference a group or prefix list back without their description.
    started = time.monotonic()
    assert len(accept_moto_rule_descriptions(stack_dir, env)) == 7
    timings["accept moto gaps"] = time.monotonic() - started

    # 5. drift: clean right after the apply
    drift = run(
        "drift",
        [sys.executable, "scripts/drift.py", "--outdir", str(outdir), "--stack", STACK],
        PROJECT_ROOT,
        TERRAFORM_TIMEOUT_S,
    )
    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert drift.stdout.rstrip().endswith("1 stack(s): 0 drifted, 0 could not be checked")

    destroy = run(
        "destroy",
        ["terraform", "destroy", "-input=false", "-no-color", "-auto-approve"],
        stack_dir,
        TERRAFORM_TIMEOUT_S,
    )
    assert destroy.returncode == 0, destroy.stdout[-3000:] + destroy.stderr[-3000:]
    assert "Destroy complete! Resources: 37 destroyed." in destroy.stdout
    state = json.loads(s3.get_object(Bucket=BUCKET, Key=STATE_KEY)["Body"].read())
    assert state["resources"] == []
    print("timings: " + ", ".join(f"{step} {seconds:.1f}s" for step, seconds in timings.items()))

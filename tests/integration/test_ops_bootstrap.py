"""scripts/bootstrap_state.py against a moto server over HTTP: creates, hardens, and is a no-op the second time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from llm_infra.config import Environment
from llm_infra.ops.bootstrap import bootstrap
from llm_infra.ops.cli import load_environment
from llm_infra.ops.session import open_session
from llm_infra.ops.state_rules import LIFECYCLE_RULE_ID, TLS_STATEMENT_SID
from tests.support.moto import MotoServer
from tests.support.ops import ACCOUNT, ALIAS, BUCKET, account_session, environment_dir, run_script

pytestmark = pytest.mark.moto


@pytest.fixture
def dev(moto_env: MotoServer, tmp_path: Path) -> Environment:
    return load_environment("dev", environment_dir(tmp_path))


def outcomes(result: Any) -> dict[str, str]:
    return {item.name: item.outcome for item in result.items}


ITEMS = [
    "kms key",
    "kms key rotation",
    "bucket",
    "object ownership",
    "public access block",
    "versioning",
    "default encryption",
    "bucket policy",
    "lifecycle",
]


def assert_hardened(session: boto3.Session, noncurrent_days: int = 90) -> None:
    s3, kms = session.client("s3"), session.client("kms")
    key = kms.describe_key(KeyId=ALIAS)["KeyMetadata"]
    assert key["KeyState"] == "Enabled"
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    assert s3.get_bucket_location(Bucket=BUCKET)["LocationConstraint"] == "us-west-2"
    assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
    [rule] = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": key["Arn"],
    }
    assert rule["BucketKeyEnabled"] is True
    assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    controls = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]
    assert controls["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    statements = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"]
    [tls] = [s for s in statements if s.get("Sid") == TLS_STATEMENT_SID]
    assert tls["Effect"] == "Deny"
    assert tls["Principal"] == "*"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert sorted(tls["Resource"]) == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    [ours] = [r for r in rules if r["ID"] == LIFECYCLE_RULE_ID]
    assert ours["Status"] == "Enabled"
    assert ours["NoncurrentVersionExpiration"] == {"NoncurrentDays": noncurrent_days}


def test_bootstrap_twice_creates_then_changes_nothing(dev: Environment) -> None:
    first = bootstrap(open_session(dev, tool="bootstrap"), dev)
    assert outcomes(first) == dict.fromkeys(ITEMS, "created")
    assert first.render().splitlines()[-1] == "9 created, 0 updated, 0 unchanged."

    second = bootstrap(open_session(dev, tool="bootstrap"), dev)
    assert outcomes(second) == dict.fromkeys(ITEMS, "unchanged")
    assert second.changed is False
    assert second.render().splitlines()[-1] == "No changes: all 9 items were already in place."

    assert_hardened(account_session())


def test_dry_run_reports_and_changes_nothing(dev: Environment) -> None:
    result = bootstrap(open_session(dev, tool="bootstrap"), dev, dry_run=True)
    assert outcomes(result) == dict.fromkeys(ITEMS, "created")
    lines = result.render().splitlines()
    assert lines[0].endswith("[dry run: nothing is changed]")
    assert all("would create" in line for line in lines[1:-1])
    assert lines[-1] == "9 to create, 0 to update, 0 unchanged. Run without --dry-run to apply."
    session = account_session()
    assert session.client("s3").list_buckets()["Buckets"] == []
    assert ALIAS not in [alias["AliasName"] for alias in session.client("kms").list_aliases()["Aliases"]]


def test_partly_configured_backend_is_completed_and_foreign_settings_are_kept(dev: Environment) -> None:
    session = account_session()
    s3, kms = session.client("s3"), session.client("kms")
    key = kms.create_key(Description="made by hand")["KeyMetadata"]
    kms.create_alias(AliasName=ALIAS, TargetKeyId=key["KeyId"])
    s3.create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": "us-west-2"},
        ObjectOwnership="ObjectWriter",
    )
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
    audit = {
        "Sid": "AllowAuditRead",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{BUCKET}/*",
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [audit]}))
    tmp_rule = {
        "ID": "expire-tmp",
        "Status": "Enabled",
        "Filter": {"Prefix": "tmp/"},
        "Expiration": {"Days": 1},
    }
    s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": [tmp_rule]})

    result = bootstrap(open_session(dev, tool="bootstrap"), dev)

    assert outcomes(result) == {
        "kms key": "unchanged",
        "kms key rotation": "updated",
        "bucket": "unchanged",
        "object ownership": "updated",
        "public access block": "updated",
        "versioning": "updated",
        "default encryption": "updated",
        "bucket policy": "updated",
        "lifecycle": "updated",
    }
    assert_hardened(session)
    statements = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["AllowAuditRead", TLS_STATEMENT_SID]
    rules = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    assert sorted(r["ID"] for r in rules) == sorted(["expire-tmp", LIFECYCLE_RULE_ID])
    assert bootstrap(open_session(dev, tool="bootstrap"), dev).changed is False


def test_script_twice_second_run_says_no_changes(moto_env: MotoServer, tmp_path: Path) -> None:
    env_dir = str(environment_dir(tmp_path))
    first = run_script("bootstrap_state.py", "--env", "dev", "--env-dir", env_dir)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == (
        f"State backend of account {ACCOUNT}: s3://{BUCKET} (us-west-2), key {ALIAS}"
    )
    second = run_script("bootstrap_state.py", "--env", "dev", "--env-dir", env_dir)
    assert second.returncode == 0, second.stderr
    assert second.stdout.count(" unchanged ") == 9
    assert second.stdout.rstrip().endswith("No changes: all 9 items were already in place.")
    assert second.stderr == ""


def test_script_refuses_credentials_of_another_account(moto_env: MotoServer, tmp_path: Path) -> None:
    # No role_arn: moto's default credentials are account 123456789012, not the environment's.
    result = run_script(
        "bootstrap_state.py", "--env", "dev", "--env-dir", str(environment_dir(tmp_path, role=False))
    )
    assert result.returncode == 1
    assert result.stderr == (
        "error: the credentials are for account 123456789012 (arn:aws:sts::123456789012:user/moto), but "
        "environment 'dev' is account 111111111111: use a profile of that account or set role_arn; nothing was "
        "changed\n"
    )
    assert account_session().client("s3").list_buckets()["Buckets"] == []

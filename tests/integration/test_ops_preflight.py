"""scripts/preflight.py against a moto server over HTTP: a passing environment, and the failures it must catch."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from llm_infra.ops.bootstrap import bootstrap
from llm_infra.ops.cli import load_environment
from llm_infra.ops.session import open_session
from tests.support.moto import MotoServer
from tests.support.ops import ACCOUNT, BUCKET, account_session, environment_dir, run_script

pytestmark = pytest.mark.moto

# moto offers p5.48xlarge in every us-west-2 AZ, but p5e.48xlarge (the shipped dev choice) only in usw2-az3.
OFFERED = {'instance_type = "p5e.48xlarge"': 'instance_type = "p5.48xlarge"'}


def preflight_json(env_dir: Path) -> tuple[int, dict[str, Any], str]:
    result = run_script("preflight.py", "--env", "dev", "--env-dir", str(env_dir), "--json")
    assert "Traceback" not in result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def checks(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {check["name"]: (check["status"], check["reason"]) for check in document["checks"]}


def bootstrapped(env_dir: Path) -> None:
    environment = load_environment("dev", env_dir)
    bootstrap(open_session(environment, tool="bootstrap"), environment)


def test_preflight_passes_with_unknowns_for_what_moto_lacks(moto_env: MotoServer, tmp_path: Path) -> None:
    env_dir = environment_dir(tmp_path, replace=OFFERED)
    bootstrapped(env_dir)

    code, document, stderr = preflight_json(env_dir)

    assert code == 0, document
    assert stderr == ""
    assert document["ok"] is True
    result = checks(document)
    assert result["account"] == (
        "pass",
        f"credentials are for {ACCOUNT} (arn:aws:sts::{ACCOUNT}:assumed-role/moto-test/llm-infra-preflight-dev)",
    )
    assert result["az usw2-az1"] == ("pass", "us-west-2b in us-west-2, available")
    assert result["az usw2-az2"] == ("pass", "us-west-2a in us-west-2, available")
    assert result["offered p5.48xlarge"] == ("pass", "offered in usw2-az1")
    assert result["efa p5.48xlarge"] == ("pass", "EFA supported, 32 interfaces (matches the shipped table)")
    assert result["state bucket"] == ("pass", f"s3://{BUCKET} exists, versioning Enabled")
    assert result["state kms key"][0] == "pass"
    # moto 5.2.5 has no EC2 quotas in Service Quotas and no DescribePlacementGroups: unknown, with the reason.
    status, reason = result["quota L-417A185B"]
    assert status == "unknown"
    assert reason.startswith(
        "Running On-Demand P instances: GetServiceQuota failed (NoSuchResourceException)"
    )
    assert result["placement groups"] == (
        "unknown",
        "the endpoint answered with an HTML page '500 Internal Server Error', not an AWS API response "
        "(API not implemented there?)",
    )
    # The training layer's HyperPod cluster quotas: moto's Service Quotas cannot list sagemaker's (HTTP 500).
    status, reason = result["hyperpod quotas"]
    assert status == "unknown"
    assert reason.startswith("ListServiceQuotas is not available at this endpoint (500)")
    # The inference layer's endpoint-usage quotas: the same Service Quotas listing, the same gap.
    status, reason = result["endpoint quotas"]
    assert status == "unknown"
    assert reason.startswith("ListServiceQuotas is not available at this endpoint (500)")
    assert document["counts"] == {"pass": 7, "fail": 0, "unknown": 4}


def test_instance_type_not_offered_in_the_training_az_fails(moto_env: MotoServer, tmp_path: Path) -> None:
    env_dir = environment_dir(tmp_path)  # the shipped dev choice, p5e.48xlarge
    bootstrapped(env_dir)

    code, document, _ = preflight_json(env_dir)

    assert code == 1
    assert document["ok"] is False
    assert checks(document)["offered p5e.48xlarge"] == (
        "fail",
        "not offered in usw2-az1 (the file system's AZ); used by network.efa_launch_templates.gpu",
    )
    assert [c["name"] for c in document["checks"] if c["status"] == "fail"] == ["offered p5e.48xlarge"]


def test_wrong_account_fails_and_skips_account_bound_checks(moto_env: MotoServer, tmp_path: Path) -> None:
    code, document, _ = preflight_json(environment_dir(tmp_path, role=False, replace=OFFERED))

    assert code == 1
    result = checks(document)
    assert result["account"] == (
        "fail",
        "credentials are for 123456789012 (arn:aws:sts::123456789012:user/moto), the environment is "
        "111111111111: use a profile of that account or set role_arn",
    )
    skipped = "not checked: the credentials are for another account (see 'account')"
    assert result["state bucket"] == ("unknown", skipped)
    assert result["service quotas"] == ("unknown", skipped)


def test_missing_state_bucket_fails_with_the_fix(moto_env: MotoServer, tmp_path: Path) -> None:
    code, document, _ = preflight_json(environment_dir(tmp_path, replace=OFFERED))
    assert code == 1
    result = checks(document)
    assert result["state bucket"] == (
        "fail",
        f"s3://{BUCKET} does not exist: run scripts/bootstrap_state.py --env dev",
    )
    assert result["state kms key"][0] == "fail"


def test_table_output(moto_env: MotoServer, tmp_path: Path) -> None:
    env_dir = environment_dir(tmp_path, replace=OFFERED)
    bootstrapped(env_dir)
    result = run_script("preflight.py", "--env", "dev", "--env-dir", str(env_dir), env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Preflight of dev (account {ACCOUNT}, us-west-2)"
    assert lines[2].split() == ["check", "status", "reason"]
    assert lines[-1] == "7 passed, 0 failed, 4 unknown"


AUTOSCALING_ON = {
    "flow_logs_retention_days = 365": (
        "flow_logs_retention_days = 365\nkms_key_allow_autoscaling_service_linked_role = true"
    )
}


def test_service_linked_role_of_the_network_key_policy_must_exist(
    moto_env: MotoServer, tmp_path: Path
) -> None:
    env_dir = environment_dir(tmp_path, replace={**OFFERED, **AUTOSCALING_ON})
    bootstrapped(env_dir)

    code, document, _ = preflight_json(env_dir)

    assert code == 1
    assert checks(document)["role AWSServiceRoleForAutoScaling"] == (
        "fail",
        "does not exist, and a key policy names it (network.kms_key_allow_autoscaling_service_linked_role = "
        "true): create it with `aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com`"
        ", or set network.kms_key_allow_autoscaling_service_linked_role = false",
    )
    assert [c["name"] for c in document["checks"] if c["status"] == "fail"] == [
        "role AWSServiceRoleForAutoScaling"
    ]

    # what the failure tells the operator to run
    account_session().client("iam").create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")

    code, document, _ = preflight_json(env_dir)

    assert code == 0, document
    arn = (
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    assert checks(document)["role AWSServiceRoleForAutoScaling"] == (
        "pass",
        f"{arn} exists (a key policy names it: network.kms_key_allow_autoscaling_service_linked_role = true)",
    )


def test_no_role_is_checked_when_no_key_policy_names_one(moto_env: MotoServer, tmp_path: Path) -> None:
    env_dir = environment_dir(tmp_path, replace=OFFERED)  # the shipped dev: the setting is off by default
    bootstrapped(env_dir)

    code, document, _ = preflight_json(env_dir)

    assert code == 0, document
    assert not [c["name"] for c in document["checks"] if "role" in c["name"]]

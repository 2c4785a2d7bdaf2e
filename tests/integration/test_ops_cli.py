"""The tools as operators run them: --help, and expected failures as one line without a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llm_infra.ops.cli import load_environment
from llm_infra.ops.session import open_session
from tests.support.moto import MotoServer, free_port
from tests.support.ops import ACCOUNT, environment_dir, run_script

SCRIPTS = ("bootstrap_state.py", "preflight.py", "smoke.py", "drift.py", "load_grafana.py")
AWS_TOOLS = ("bootstrap_state.py", "preflight.py", "smoke.py", "load_grafana.py")


@pytest.mark.parametrize("script", SCRIPTS)
def test_help(script: str) -> None:
    result = run_script(script, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {script}")
    assert "exit codes:" in result.stdout
    assert "example: python scripts/" in result.stdout


def isolated_env(**extra: str) -> dict[str, str]:
    """No credentials anywhere: no variables, no files, no instance metadata."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_DEFAULT_REGION="us-west-2",
        AWS_MAX_ATTEMPTS="2",
        **extra,
    )
    return env


@pytest.mark.parametrize("script", AWS_TOOLS)
def test_no_credentials_is_one_clear_line(script: str, tmp_path: Path) -> None:
    env_dir = environment_dir(tmp_path, role=False)
    result = run_script(script, "--env", "dev", "--env-dir", str(env_dir), env=isolated_env())
    assert result.returncode == 1
    assert result.stderr.startswith("error: no AWS credentials found: set AWS_PROFILE (or --profile)")
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


@pytest.mark.parametrize("script", AWS_TOOLS)
def test_unreachable_endpoint_is_one_clear_line(script: str, tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    env = isolated_env(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_ENDPOINT_URL=closed)
    result = run_script(script, "--env", "dev", "--env-dir", str(environment_dir(tmp_path)), env=env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot reach the AWS endpoint {closed}")
    assert "Traceback" not in result.stderr


def test_unknown_profile_is_one_clear_line(tmp_path: Path) -> None:
    env_dir = environment_dir(tmp_path, role=False)
    result = run_script(
        "preflight.py", "--env", "dev", "--env-dir", str(env_dir), "--profile", "nope", env=isolated_env()
    )
    assert result.returncode == 1
    assert result.stderr == "error: AWS profile 'nope' is not configured (see ~/.aws/config)\n"


@pytest.mark.parametrize("script", AWS_TOOLS)
def test_unknown_environment_is_a_config_error(script: str, tmp_path: Path) -> None:
    env_dir = environment_dir(tmp_path)
    result = run_script(script, "--env", "qa", "--env-dir", str(env_dir), env=isolated_env())
    assert result.returncode == 2
    assert result.stderr.endswith("qa.toml: no such environment (available: dev)\n")


@pytest.mark.moto
def test_environment_role_is_assumed_with_a_named_session(moto_env: MotoServer, tmp_path: Path) -> None:
    environment = load_environment("dev", environment_dir(tmp_path))
    aws = open_session(environment, tool="smoke")
    identity = aws.caller_identity()
    assert identity == {
        "account": ACCOUNT,
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/moto-test/llm-infra-smoke-dev",
    }
    # Retries and timeouts: AWS_MAX_ATTEMPTS (set by the fixture) wins over the default of 5.
    client = aws.client("ec2")
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 2}
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (10, 60)

"""LLM_INFRA_STACK_IDENTITY: with ``ambient`` (CI's OIDC role is the identity) no stack assumes ``role_arn`` —
not its providers, not its S3 backend, not its remote-state reads; by default every one of them does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_infra import identity
from tests.support.ops import ROLE, environment_dir
from tests.support.synth import run_main


def assume_roles(stack: dict[str, Any]) -> dict[str, Any]:
    """Every place of one synthesized stack that can hold an ``assume_role``, by a readable name."""
    places: dict[str, Any] = {"backend": stack["terraform"]["backend"]["s3"].get("assume_role")}
    for type_name, blocks in stack.get("provider", {}).items():
        for index, block in enumerate(blocks):
            places[f"provider.{type_name}[{index}]"] = block.get("assume_role")
    for name, data in stack.get("data", {}).get("terraform_remote_state", {}).items():
        places[f"remote_state.{name}"] = data["config"].get("assume_role")
    return places


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    """dev's storage stack (it reads the network's state) with role_arn set, in both identities."""
    base = tmp_path_factory.mktemp("identity")
    env_file = environment_dir(base) / "dev.toml"
    result: dict[str, dict[str, dict[str, Any]]] = {}
    for mode in identity.IDENTITIES:
        outdir = base / mode
        done = run_main(outdir, [env_file], args=["--layer", "storage"], extra_env={identity.VARIABLE: mode})
        assert done.returncode == 0, done.stderr
        stacks = outdir / "stacks"
        result[mode] = {
            path.name: json.loads((path / "cdk.tf.json").read_text(encoding="utf-8"))
            for path in stacks.iterdir()
        }
    return result


def test_default_assumes_the_environment_role_everywhere(
    synthesized: dict[str, dict[str, dict[str, Any]]],
) -> None:
    places = assume_roles(synthesized["assume-role"]["dev-storage"])
    assert "remote_state.network" in places and "provider.aws[0]" in places
    for where, found in places.items():
        role = found[0] if isinstance(found, list) else found
        assert role is not None and role["role_arn"] == ROLE, where


def test_ambient_assumes_nothing(synthesized: dict[str, dict[str, dict[str, Any]]]) -> None:
    places = assume_roles(synthesized["ambient"]["dev-storage"])
    assert "remote_state.network" in places and "provider.aws[0]" in places
    assert {where: role for where, role in places.items() if role is not None} == {}
    assert ROLE not in json.dumps(synthesized["ambient"]["dev-storage"])


def test_unknown_identity_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    done = run_main(tmp_path / "out", args=["--env", "dev"], extra_env={identity.VARIABLE: "oidc"})
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "main.py: LLM_INFRA_STACK_IDENTITY: unknown stack identity (got 'oidc'; allowed: assume-role, ambient)"
    )
    assert not (tmp_path / "out").exists()

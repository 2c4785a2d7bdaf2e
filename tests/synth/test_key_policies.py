"""Key policies: what the stacks tell the modules to put into them (issue 7, items 2 and 3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_infra.app import synth
from llm_infra.config import load_environments
from llm_infra.paths import ENVIRONMENTS_DIR
from llm_infra.service_linked_roles import AUTOSCALING, key_policy_service_linked_roles

SETTING = "kms_key_allow_autoscaling_service_linked_role"


def _dev_network(tmp_path: Path, extra: str) -> tuple[dict[str, Any], Any]:
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    text = text.replace("[network]\n", f"[network]\n{extra}", 1)
    path = tmp_path / "dev.toml"
    path.write_text(text, encoding="utf-8")
    (env,) = load_environments([path], ENVIRONMENTS_DIR / "_defaults.toml")
    synth([env], tmp_path / "cdktf.out")
    stack = json.loads((tmp_path / "cdktf.out" / "stacks" / "dev-network" / "cdk.tf.json").read_text("utf-8"))
    return stack["module"]["network"], env


@pytest.mark.parametrize(("extra", "enabled"), [("", False), (f"{SETTING} = true\n", True)])
def test_network_key_names_the_autoscaling_role_only_when_the_environment_asks(
    tmp_path: Path, extra: str, enabled: bool
) -> None:
    module, env = _dev_network(tmp_path, extra)
    # passed explicitly: the module's own default never decides what a stack's key policy names
    assert module[SETTING] is enabled
    # preflight checks exactly the roles the synthesized key policies name
    assert key_policy_service_linked_roles(env) == ((AUTOSCALING,) if enabled else ())


def test_shipped_environments_name_no_service_linked_role(stacks: dict[str, dict[str, Any]]) -> None:
    for name, stack in stacks.items():
        if name.endswith("-network"):
            assert stack["module"]["network"][SETTING] is False, name


def test_bucket_key_takes_the_statements_fsx_needs(stacks: dict[str, dict[str, Any]]) -> None:
    """One policy per key: the file system's statements go into the buckets' key policy as module input."""
    for name, stack in stacks.items():
        if name.endswith("-storage"):
            statements = stack["module"]["buckets"]["kms_key_policy_statements"]
            assert statements == "${module.fsx.s3_kms_key_policy_statements}", name

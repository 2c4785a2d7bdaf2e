"""A stack writes its providers, required_providers and remote-state reads as root-level overrides (no provider
constructs): the blocks are complete, and a change after emit_outputs is written too."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_infra.app import build_app
from llm_infra.config import load_environments
from llm_infra.paths import ENVIRONMENTS_DIR
from llm_infra.stacks.base import AWS_PROVIDER_CONSTRAINT, REMOTE_STATE, TERRAFORM_REQUIRED_VERSION


def _dev_storage(tmp_path: Path):  # type: ignore[no-untyped-def]
    (env,) = load_environments([ENVIRONMENTS_DIR / "dev.toml"], ENVIRONMENTS_DIR / "_defaults.toml")
    _app, stacks = build_app([env], outdir=str(tmp_path / "out"))
    return next(s for s in stacks if s.label.stack_id == "dev-storage")


def test_provider_blocks_and_requirements_are_written_whole(tmp_path: Path) -> None:
    stack = _dev_storage(tmp_path)
    document = stack.to_terraform()
    assert document["terraform"]["required_version"] == TERRAFORM_REQUIRED_VERSION
    assert document["terraform"]["required_providers"] == {
        "aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_CONSTRAINT}
    }
    assert "s3" in document["terraform"]["backend"]  # the backend construct's block is kept beside them
    default, replica = document["provider"]["aws"]
    assert "alias" not in default and replica["alias"] == "replica"
    assert default["allowed_account_ids"] == ["111111111111"] == replica["allowed_account_ids"]
    # the module gets the aliased provider by its Terraform address
    assert document["module"]["buckets"]["providers"] == {"aws.replica": "aws.replica"}
    assert set(document["data"][REMOTE_STATE]) == {"network"}


def test_a_change_after_emit_outputs_is_written_and_a_provider_twice_is_refused(tmp_path: Path) -> None:
    stack = _dev_storage(tmp_path)
    late = stack.aws_provider(region="eu-west-1", alias="late")
    assert late.reference == "aws.late"
    blocks = stack.to_terraform()["provider"]["aws"]
    assert [b.get("alias") for b in blocks] == [None, "replica", "late"]
    assert blocks[-1]["region"] == "eu-west-1"
    with pytest.raises(ValueError, match=r"provider aws\.late is configured twice"):
        stack.aws_provider(region="eu-west-1", alias="late")

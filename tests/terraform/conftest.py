"""terraform with the local provider mirror; skips with a visible reason only where the tools are absent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.terraform import cli_config, find_mirror, terraform_binary, terraform_env


@pytest.fixture(scope="session")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for terraform: a test-written CLI config that installs hashicorp/aws from the mirror."""
    if terraform_binary() is None:
        pytest.skip("terraform is not on PATH")
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no local hashicorp/aws provider mirror (set LLM_INFRA_TF_MIRROR)")
    directory = tmp_path_factory.mktemp("tfcli")
    return terraform_env(cli_config(directory, mirror), {"TF_DATA_DIR": ".terraform"})


def copy_tree(source: Path, target: Path) -> Path:
    """Work on a copy: terraform writes .terraform/ and state, which must never land in the repo or cdktf.out.

    A synthesized stack keeps its ``.terraform.lock.hcl`` (the committed lock copied in at synth), so every
    ``terraform init`` of a stack installs the locked provider version; a module folder's local lock is dropped
    (reusable modules commit none)."""
    ignored = [".terraform", "*.tfstate*"]
    if not (source / "cdk.tf.json").is_file():
        ignored.append(".terraform.lock.hcl")
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*ignored))
    return target

"""Provider locks: committed in llm_infra/locks/, copied into every stack folder at synth, honoured by init."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from llm_infra.app import LOCKS_DIR
from llm_infra.paths import PROJECT_ROOT
from tests.support.layers import terraform_stacks
from tests.support.stack import copy_tree
from tests.support.terraform import find_mirror, terraform

pytestmark = pytest.mark.terraform

AWS = "registry.terraform.io/hashicorp/aws"
MAKE_TIMEOUT_S = 300


def provider_set(stack_dir: Path) -> str:
    document = json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))
    return "-".join(sorted(document["terraform"]["required_providers"]))


def locked_version(lock: str, provider: str = AWS) -> str:
    match = re.search(rf'provider "{re.escape(provider)}" {{\s*version\s*=\s*"([^"]+)"', lock)
    assert match, f"no {provider} in the lock:\n{lock}"
    return match.group(1)


def mirror_versions() -> list[str]:
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no local hashicorp/aws provider mirror (set LLM_INFRA_TF_MIRROR)")
    return sorted(p.name for p in (mirror / AWS).iterdir() if p.is_dir())


def test_every_stack_folder_holds_the_committed_lock_of_its_providers(outdir: Path) -> None:
    # A lock is committed for what `make lock` can resolve here: the stacks terraform can init (the awscc stack
    # gets none; tests/synth/test_stacks.py checks it has none).
    stack_dirs = [outdir / "stacks" / stack.name for stack in terraform_stacks()]
    assert stack_dirs
    for stack_dir in stack_dirs:
        committed = LOCKS_DIR / f"{provider_set(stack_dir)}.terraform.lock.hcl"
        assert committed.is_file(), (
            f"{stack_dir.name}: no {committed.name} in llm_infra/locks (run `make lock`)"
        )
        lock = stack_dir / ".terraform.lock.hcl"
        assert lock.is_file(), f"{stack_dir.name}: synth did not copy the lock"
        assert lock.read_bytes() == committed.read_bytes(), stack_dir.name


def test_the_committed_lock_pins_the_mirrors_version() -> None:
    lock = (LOCKS_DIR / "aws.terraform.lock.hcl").read_text(encoding="utf-8")
    assert [locked_version(lock)] == mirror_versions()


def test_init_with_a_readonly_lock_installs_the_locked_version(
    outdir: Path, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    work = copy_tree(outdir / "stacks" / "dev-network", tmp_path / "dev-network")
    lock = (work / ".terraform.lock.hcl").read_text(encoding="utf-8")
    terraform(["init", "-backend=false", "-input=false", "-no-color", "-lockfile=readonly"], work, tf_env)
    selected = json.loads(terraform(["version", "-json"], work, tf_env).stdout)["provider_selections"]
    assert selected == {AWS: locked_version(lock)}
    assert [selected[AWS]] == mirror_versions()
    assert (work / ".terraform.lock.hcl").read_text(encoding="utf-8") == lock, "init changed the lock"

    # The lock is really consulted: a checksum that no package has makes the same init fail.
    tampered = copy_tree(outdir / "stacks" / "dev-network", tmp_path / "tampered")
    text = re.sub(r'"h1:[^"]+"', '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="', lock)
    (tampered / ".terraform.lock.hcl").write_text(text, encoding="utf-8")
    failed = terraform(
        ["init", "-backend=false", "-input=false", "-no-color", "-lockfile=readonly"],
        tampered,
        tf_env,
        check=False,
    )
    assert failed.returncode != 0
    assert "checksum" in failed.stdout + failed.stderr


def test_make_lock_from_the_mirror_writes_the_committed_lock(tmp_path: Path) -> None:
    """`make lock` from scratch (LOCK_UPGRADE=1) against the mirror gives exactly the committed file."""
    if shutil.which("make") is None:
        pytest.skip("make is not on PATH")
    mirror = find_mirror()
    if mirror is None:
        pytest.skip("no local hashicorp/aws provider mirror (set LLM_INFRA_TF_MIRROR)")
    locks = tmp_path / "locks"
    locks.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "MAKE"))}
    env["CDKTF_OUTDIR"] = str(tmp_path / "cdktf.out")
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "lock",
            f"LOCK_DIR={locks}",
            f"LLM_INFRA_TF_MIRROR={mirror}",
            "LOCK_UPGRADE=1",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=MAKE_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"wrote {locks}/aws.terraform.lock.hcl (from dev-network)" in result.stdout
    assert (locks / "aws.terraform.lock.hcl").read_text(encoding="utf-8") == (
        LOCKS_DIR / "aws.terraform.lock.hcl"
    ).read_text(encoding="utf-8")

"""The GitHub workflows: actionlint and zizmor (offline) pass on them and fail on a broken copy (so `make lint`
really checks them), every action is pinned by commit SHA with its version and listed in .github/ACTIONS.md, and
no workflow lists stacks or layers (they come from `python main.py --list`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from llm_infra import layers
from llm_infra.paths import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
ACTIONS_MD = PROJECT_ROOT / ".github" / "ACTIONS.md"
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")


def tool(variable: str, name: str) -> str:
    configured = os.environ.get(variable)
    if configured:
        return configured
    local = PROJECT_ROOT / ".venv-lint" / "bin" / name
    if not local.exists():
        pytest.skip(f"{name} is not installed (make lint installs it into .venv-lint)")
    return str(local)


def shellcheck() -> str:
    return os.environ.get("LLM_INFRA_SHELLCHECK") or str(PROJECT_ROOT / ".venv" / "bin" / "shellcheck")


def lint(folder: Path) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """actionlint and zizmor as `make lint` runs them, on a repository whose workflows are ``folder``."""
    files = sorted(str(path) for path in folder.glob("*.yml"))
    actionlint = subprocess.run(
        [tool("LLM_INFRA_ACTIONLINT", "actionlint"), f"-shellcheck={shellcheck()}", "-no-color", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=folder.parent.parent,
    )
    zizmor = subprocess.run(
        [tool("LLM_INFRA_ZIZMOR", "zizmor"), "--offline", "--no-progress", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            k: v
            for k, v in os.environ.items()
            if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")
        },
    )
    return actionlint, zizmor


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "repo" / ".github" / "workflows"
    shutil.copytree(WORKFLOWS, folder)
    return folder


def test_the_linters_pass_on_the_workflows(copy: Path) -> None:
    actionlint, zizmor = lint(copy)
    assert actionlint.returncode == 0, actionlint.stdout + actionlint.stderr
    assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr


def test_zizmor_fails_on_an_unpinned_action_and_an_injection(copy: Path) -> None:
    path = copy / "pull-request.yml"
    text = path.read_text(encoding="utf-8")
    pinned = re.search(r"actions/checkout@[0-9a-f]{40} # v[\d.]+", text)
    assert pinned is not None
    text = text.replace(pinned.group(0), "actions/checkout@v4", 1)
    text = text.replace(
        "      - name: Synthesize every environment\n",
        '      - name: Echo the title\n        run: echo "${{ github.event.pull_request.title }}"\n'
        "      - name: Synthesize every environment\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    _, zizmor = lint(copy)
    assert zizmor.returncode != 0
    assert "unpinned-uses" in zizmor.stdout and "template-injection" in zizmor.stdout, zizmor.stdout


def test_actionlint_fails_on_a_syntax_error(copy: Path) -> None:
    path = copy / "drift.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("runs-on:", "runs_on:", 1), encoding="utf-8")
    actionlint, _ = lint(copy)
    assert actionlint.returncode != 0
    assert "drift.yml:" in actionlint.stdout and "runs_on" in actionlint.stdout, actionlint.stdout


def test_every_action_is_pinned_by_sha_with_its_version_and_recorded() -> None:
    recorded = ACTIONS_MD.read_text(encoding="utf-8")
    seen = set()
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = USES.match(line)
            if not match or match["ref"].startswith("$/"):  # $/: a workflow of this repository
                continue
            pinned = PINNED.match(match["ref"])
            assert pinned, f"{path.name}:{number}: not pinned by a full commit SHA: {match['ref']}"
            version = re.fullmatch(r"\s*# (v\d+\.\d+\.\d+)", match["comment"])
            assert version, f"{path.name}:{number}: no `# vX.Y.Z` comment"
            seen.add((pinned["action"], pinned["sha"], version[1]))
    assert len(seen) >= 7
    for action, sha, version in seen:
        assert f"`{action}`" in recorded and sha in recorded and version in recorded, action


def test_no_workflow_lists_stacks_or_layers() -> None:
    names = {layer.name for layer in layers.registry()}
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        listed = sorted(n for n in names if re.search(rf"\b(dev|staging|prod)-{n}\b", text))
        assert listed == [], f"{path.name} names stacks: {listed}"
        assert "main.py --list" in text or path.name == "deploy.yml", path.name


def test_allow_replace_accepts_addresses_and_refuses_make_expansions() -> None:
    script = PROJECT_ROOT / "scripts" / "ci_allow_replace.sh"
    checked = subprocess.run(
        [shellcheck(), str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert checked.returncode == 0, checked.stdout

    def run(value: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(script), value], capture_output=True, text=True, timeout=30, check=False
        )

    ok = run('module.fsx.aws_fsx_lustre_file_system.this[0] module.buckets.aws_s3_bucket.this["datasets"]')
    assert ok.returncode == 0 and "plan gate override for this run: module.fsx" in ok.stdout
    assert run("").returncode == 0
    for bad in ("$(shell touch x)", "a; rm -rf /", "`id`", "module.a\n$(shell id)"):
        refused = run(bad)
        assert refused.returncode == 2, bad
        assert refused.stderr.startswith("ALLOW_REPLACE: not a space-separated list of Terraform addresses")

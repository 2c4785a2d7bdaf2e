"""The package used from outside the repository: `make dist` builds the wheel, a fresh virtual environment in a
temporary folder installs it (its dependencies from PyPI, through pip's cache), and the app of
examples/outside-app (its own environment file, the package's network layer) synthesizes a stack there that
`terraform validate` accepts. Nothing of the checkout is importable in that environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from llm_infra.app import LOCKS_DIR, MODULE_COPY_IGNORE
from llm_infra.paths import MODULES_DIR
from tests.support.synth import ROOT
from tests.support.terraform import terraform

APP_DIR = ROOT / "examples" / "outside-app"
INSTALL_TIMEOUT_S = 600


def _module_files() -> set[str]:
    """What a stack folder gets of the modules (app.ModuleCopies): every file but tests, .terraform, state."""
    found = set()
    for here, dirnames, filenames in os.walk(MODULES_DIR):
        ignored = MODULE_COPY_IGNORE(here, [*dirnames, *filenames])
        dirnames[:] = [d for d in dirnames if d not in ignored]
        found |= {str(Path(here, f).relative_to(MODULES_DIR)) for f in filenames if f not in ignored}
    return found


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False
    )
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make dist` into a temporary folder: the wheel and the sdist."""
    folder = tmp_path_factory.mktemp("dist")
    _run(["make", "-s", "dist", f"DIST_DIR={folder}", f"PY={sys.executable}"], ROOT, dict(os.environ))
    return folder


def test_the_wheel_carries_the_modules_and_locks_and_no_tests(dist: Path) -> None:
    (wheel,) = dist.glob("llm_infra-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    prefix = "llm_infra/modules/"
    assert {name.removeprefix(prefix) for name in names if name.startswith(prefix)} == _module_files()
    assert {f"llm_infra/locks/{lock.name}" for lock in LOCKS_DIR.glob("*.hcl")} <= names
    assert not [name for name in names if "/tests/" in name or name.startswith("tests/")]
    (sdist,) = dist.glob("llm_infra-*.tar.gz")
    with tarfile.open(sdist) as archive:
        members = [member.name.split("/", 1)[1] for member in archive.getmembers() if "/" in member.name]
    assert "modules/network/main.tf" in members
    assert not [name for name in members if name.startswith("tests/") or "/tests/" in name]


def test_an_app_outside_the_repository_synthesizes_a_valid_stack(
    dist: Path, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    (wheel,) = dist.glob("llm_infra-*.whl")
    venv = tmp_path / "venv"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("LLM_INFRA_", "CDKTF_", "PYTHON", "VIRTUAL"))
    }
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    # No pip inside the new environment (installing it is most of venv's time): this pip installs into it.
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, env)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", str(wheel)], tmp_path, env)
    app = tmp_path / "app"
    app.mkdir()
    for name in ("app.py", "search.toml"):
        shutil.copyfile(APP_DIR / name, app / name)
    where = _run([str(python), "-c", "import llm_infra.paths as p; print(p.MODULES_DIR)"], app, env)
    assert Path(
        where.stdout.strip()
    ) == venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / (
        "site-packages/llm_infra/modules"
    )
    result = _run([str(python), "app.py"], app, env)
    assert "search-network" in result.stdout and "1 stack(s) written" in result.stdout, result.stdout
    stack = app / "cdktf.out" / "stacks" / "search-network"
    assert sorted(p.name for p in (stack / "modules").iterdir()) == ["kms-key", "network"]
    assert (stack / ".terraform.lock.hcl").read_bytes() == (LOCKS_DIR / "aws.terraform.lock.hcl").read_bytes()
    terraform(["init", "-backend=false", "-input=false", "-no-color"], stack, tf_env)
    validated = terraform(["validate", "-no-color"], stack, tf_env)
    assert "The configuration is valid" in validated.stdout

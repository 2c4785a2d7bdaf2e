"""Shared fixtures: the project's paths, a moto server, terraform with the local provider mirror."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto import MotoServer, moto_server
from tests.support.synth import run_main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """One moto server per test session on 127.0.0.1; tests that need a clean slate call ``reset()``."""
    with moto_server(tmp_path_factory.mktemp("moto")) as server:
        yield server


@pytest.fixture
def moto_env(moto: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """Point boto3 (in this process) at moto only, with fake credentials; resets moto first."""
    moto.reset()
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key, value in moto.aws_env().items():
        monkeypatch.setenv(key, value)
    return moto


@pytest.fixture(scope="session")
def synth_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    outdir = tmp_path_factory.mktemp("synth") / "cdktf.out"
    result = run_main(outdir)
    assert result.returncode == 0, result.stderr
    return outdir, result


@pytest.fixture(scope="session")
def outdir(synth_run: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    return synth_run[0]


@pytest.fixture(scope="session")
def stacks(outdir: Path) -> dict[str, dict[str, Any]]:
    """stack name -> parsed cdk.tf.json"""
    return {
        path.parent.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((outdir / "stacks").glob("*/cdk.tf.json"))
    }


# Tests on the session's shared moto producers (tests/terraform/conftest.py ``producers``) run in one xdist worker:
# the producers are applied once per worker, and every consumer plans against what its worker applied.
PRODUCERS_GROUP = "moto-producers"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "producers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(PRODUCERS_GROUP))

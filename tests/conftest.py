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


# Tests on the session's shared moto producers (tests/terraform/conftest.py ``producers``) are grouped by the
# environment whose producers they plan against, and each group runs in one xdist worker: a worker applies the
# producers of its groups' environments once, and every consumer plans against what its worker applied. One group
# per environment (not one for all) lets the workers apply dev and staging/prod side by side: the applies are
# mostly the provider's waiters (a KMS key ~14 s, a VPC ~12 s), and the other worker's tests fill those waits.
# The grouping only saves time: a test in the wrong group would still pass, its worker applying the producers it
# asks for (Producers.work applies on first use).
PRODUCERS_GROUP = "moto-producers"


def producers_group(item: pytest.Item) -> str:
    """``moto-producers-<env>``: the environment of the test's ``stack`` parameter (tests/support/layers.StackEntry),
    else dev (the tests that are not parametrized over stacks work on dev, the one environment moto applies)."""
    callspec = getattr(item, "callspec", None)
    stack = callspec.params.get("stack") if callspec is not None else None
    return f"{PRODUCERS_GROUP}-{getattr(stack, 'environment', 'dev')}"


# tryfirst: xdist's own hook (on each worker) turns the marker into the group suffix of the node id, so the
# marker must be there before it runs.
#
# Tests marked ``runs_last`` (the destroy of dev's producers) move to the end of the collection, so they run after
# the other tests of their group: a group's tests run in collection order on its worker. The destroy then runs
# while the other worker still has work, not alone in the session's teardown (~110 s of one idle core).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "producers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(producers_group(item)))
    # sort is stable: apart from the runs_last tests, the collection order is kept
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)


class _GroupsApplied:
    """Fails the run when xdist's loadgroup did not group the marked tests (it did not with pytest 9.2, which
    ignores the node id xdist rewrites, nor with this file's hook running after xdist's): every worker would
    then apply its own producers, silently, minutes each."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if not getattr(config.option, "loadgroup", False):  # set on xdist's workers under --dist loadgroup
            return
        ungrouped = [
            item.nodeid
            for item in items
            if item.get_closest_marker("xdist_group") is not None and "@" not in item.nodeid
        ]
        if ungrouped:
            raise pytest.UsageError(
                f"pytest-xdist --dist loadgroup did not group {len(ungrouped)} marked test(s), e.g. "
                f"{ungrouped[0]}: pytest and pytest-xdist versions do not work together (see pyproject.toml)"
            )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_GroupsApplied(), "llm-infra-groups-applied")
    # Known without xdist too (PYTEST_WORKERS=1 runs with -p no:xdist, and the marker is added above).
    config.addinivalue_line("markers", "xdist_group(name): run in the same pytest-xdist worker as the group")
    config.addinivalue_line(
        "markers", "runs_last: run after every other test of the session (and of its group)"
    )

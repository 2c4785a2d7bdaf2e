"""terraform with the local provider mirror (skips with a visible reason only where the tools are absent), and the
session's shared moto server with the producer stacks applied to it once (tests/support/producers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_infra.config import Environment
from tests.support.layers import shipped_environments
from tests.support.moto import MotoServer, moto_server
from tests.support.producers import Producers
from tests.support.stack import synth_moto_variant
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


@pytest.fixture(scope="session")
def environments() -> dict[str, Environment]:
    """name -> the validated shipped environment."""
    return shipped_environments()


@pytest.fixture(scope="session")
def shared_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """The moto server the producers are applied to. Never reset (the session ``moto`` fixture is, by the ops
    tests): consumers read the producers' resources and clean up what they apply themselves."""
    with moto_server(tmp_path_factory.mktemp("shared-moto")) as server:
        yield server


@pytest.fixture(scope="session")
def variant_outdir(environments: dict[str, Environment], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped environments minus what moto lacks (placement groups), synthesized once like `make synth`."""
    return synth_moto_variant(tmp_path_factory.mktemp("moto-envs"), sorted(environments))


@pytest.fixture(scope="session")
def producers(
    variant_outdir: Path,
    shared_moto: MotoServer,
    environments: dict[str, Environment],
    tf_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Producers]:
    """Producer stacks of the moto variant, each applied to ``shared_moto`` on first use. Rung 6 (what moto can
    hold is applied for dev, and destroyed) ends with test_moto_ladder.test_dev_producers_destroy, which runs after
    every other test on dev's producers; whatever is applied for dev after it (or without it, when a selection
    leaves it out) is destroyed here at the end of the session, which must succeed too. The other environments'
    producers are never destroyed with an assertion and die with the server."""
    applied = Producers(
        shared_moto, variant_outdir, environments, tf_env, tmp_path_factory.mktemp("producers")
    )
    yield applied
    left = applied.destroy("dev")
    assert left == [], "producer destroy failed:\n" + "\n".join(left)

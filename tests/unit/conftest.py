"""Helpers to write environment files into a temporary folder and load them like `make synth` does."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from llm_infra.config import ConfigError, Environment, load_environments
from llm_infra.config.loader import defaults_file_for
from llm_infra.paths import ENVIRONMENTS_DIR

# A small, valid environment; tests change one thing and expect exactly the matching problem.
BASE = """\
account_id = "111111111111"

[state]
bucket = "llm-infra-tfstate-111111111111-us-west-2"
kms_key_arn = "arn:aws:kms:us-west-2:111111111111:alias/llm-infra-tfstate"

[network]
vpc_cidr = "10.10.0.0/16"
private_subnets = { usw2-az1 = "10.10.0.0/18", usw2-az2 = "10.10.64.0/18" }
public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.193.0/24" }

[network.placement_groups.train]
strategy = "cluster"

[network.efa_launch_templates.gpu]
instance_type = "p5e.48xlarge"
placement_group = "train"

[storage.fsx]
az_id = "usw2-az1"
storage_capacity_gib = 1200
per_unit_storage_throughput = 125
"""

Loader = Callable[..., Environment]


def _write(directory: Path, text: str, name: str) -> Path:
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", directory / "_defaults.toml")
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def load(tmp_path: Path) -> Loader:
    """load(replace={old: new}, append="...") -> Environment (raises ConfigError)."""

    def _load(replace: dict[str, str] | None = None, append: str = "", name: str = "dev") -> Environment:
        text = BASE
        for old, new in (replace or {}).items():
            assert old in text, f"test bug: {old!r} not in the base environment"
            text = text.replace(old, new)
        path = _write(tmp_path, text + append, name)
        return load_environments([path], defaults_file_for([path], ENVIRONMENTS_DIR))[0]

    return _load


@pytest.fixture
def problems(load: Loader) -> Callable[..., list[str]]:
    """problems(...) -> the formatted problem lines (fails the test if the config is valid)."""

    def _problems(**kwargs: object) -> list[str]:
        with pytest.raises(ConfigError) as caught:
            load(**kwargs)
        return list(caught.value.problems)

    return _problems

"""Bad inference input through `python main.py` (the real process): exit 2, one line per problem with the file, the
dotted path, the rule id and the message, no traceback, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.synth import run_main


def test_bad_endpoints_are_reported_with_path_and_nothing_is_written(tmp_path: Path) -> None:
    env_dir = tmp_path / "envs"
    env_dir.mkdir()
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", env_dir)
    text = (ENVIRONMENTS_DIR / "prod.toml").read_text(encoding="utf-8")
    for old, new in (
        # 70B on one chip: cannot load (INF-016 would be found only after a failed 30-minute deployment)
        ('instance_type = "ml.inf2.48xlarge"\ntensor_parallel_degree = 24',
         'instance_type = "ml.inf2.xlarge"\ntensor_parallel_degree = 2'),
        ('OPTION_TENSOR_PARALLEL_DEGREE = "24"', 'OPTION_TENSOR_PARALLEL_DEGREE = "2"'),
        # below prod's floor of two instances (a field of prod.toml, not a rule on the name)
        ("min_instances = 2\nmax_instances = 4", "min_instances = 1\nmax_instances = 4"),
        ('rollout = { type = "CANARY", size_percent = 10', 'rollout = { type = "CANARY", size_percent = 60'),
    ):  # fmt: skip
        assert old in text, old
        text = text.replace(old, new, 1)
    path = env_dir / "prod.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_main(out, [path])
    assert result.returncode == 2, result.stdout
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    expected = [
        ("inference.endpoints.large.parameters_billion", "[INF-016] 70B bf16 = 130 GiB of weights does not fit 2 "
         "cores x 16 GiB with 20% headroom (got 70.0; allowed at most 25.6 GiB of weights)"),
        ("inference.endpoints.small.min_instances", "[INF-018] below the environment's floor of instances (got 1; "
         "allowed at least 2 (inference.min_instances_floor))"),
        ("inference.endpoints.small.rollout.size_percent", "[INF-008] out of range for CANARY (got 60; allowed 1-50)"),
    ]  # fmt: skip
    for dotted, message in expected:
        assert f"{path}: {dotted}: {message}" in lines, lines
    assert not out.exists()

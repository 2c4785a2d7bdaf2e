"""Broken [training] inputs through `python main.py`: every problem at once as `file: path: [id] message (got X;
allowed Y)`, exit 2, no traceback, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.synth import run_main

# Values each field rejects on its own (all reported at once) ...
FIELDS = """
[training.groups.gpu]
instance_type = "ml.p9.48xlarge"
count = 7000

[training]
node_recovery = "Sometimes"
"""
# ... and, with valid fields, a rule across a group's fields (pydantic runs those once the fields are valid).
ACROSS = """
[training.groups.gpu]
instance_type = "ml.g5.2xlarge"
spot = true
training_plan_arn = "arn:aws:sagemaker:us-west-2:111111111111:training-plan/llm-dev"
"""


def broken_dev(tmp_path: Path, broken: str) -> Path:
    """The shipped dev.toml with ``broken`` merged into its gpu group (TOML forbids a table twice)."""
    folder = tmp_path / "envs"
    folder.mkdir()
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", folder / "_defaults.toml")
    dev = folder / "dev.toml"
    text = (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
    head, gpu = text.split("[training.groups.gpu]\n")
    kept = "".join(
        line + "\n" for line in gpu.splitlines() if line.split(" ")[0] in ("role", "az_id", "partition")
    )
    dev.write_text(head + broken.replace("[training.groups.gpu]\n", "[training.groups.gpu]\n" + kept, 1))
    return dev


def assert_reported(tmp_path: Path, broken: str, expected: list[tuple[str, str]]) -> None:
    dev = broken_dev(tmp_path, broken)
    outdir = tmp_path / "out"
    result = run_main(outdir, [dev])

    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not outdir.exists()
    lines = result.stderr.splitlines()
    for path, message in expected:
        assert any(line.startswith(f"{dev}: {path}: {message}") for line in lines), (path, lines)
    assert lines[-1] == f"{len(expected)} problem(s) found; nothing was written."


def test_fields_a_group_rejects_are_reported_at_once_and_nothing_is_written(tmp_path: Path) -> None:
    assert_reported(
        tmp_path,
        FIELDS,
        [
            (
                "training.groups.gpu.instance_type",
                "[TRN-001] not an instance type HyperPod accepts (got 'ml.p9",
            ),
            ("training.groups.gpu.count", "[TRN-002] instance count out of range (got 7000; allowed 0-6758)"),
            ("training.node_recovery", "[TRN-017] "),
        ],
    )


def test_a_rule_across_a_groups_fields_is_reported(tmp_path: Path) -> None:
    assert_reported(
        tmp_path,
        ACROSS,
        [
            (
                "training.groups.gpu.spot",
                "[TRN-018] spot capacity and a training plan are mutually exclusive",
            ),
        ],
    )


def test_a_bucket_the_storage_layer_lacks_is_a_cross_layer_error(tmp_path: Path) -> None:
    folder = tmp_path / "envs"
    folder.mkdir()
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", folder / "_defaults.toml")
    dev = folder / "dev.toml"
    dev.write_text(
        (ENVIRONMENTS_DIR / "dev.toml").read_text(encoding="utf-8")
        + '\n[training]\nwrite_buckets = ["scratch"]\n'
    )
    result = run_main(tmp_path / "out", [dev], args=["--check"])
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{dev}: training.write_buckets: [TRN-020] not a bucket of the storage layer (got 'scratch'; allowed "
        "artifacts, checkpoints, datasets)",
        "1 problem(s) found; nothing was written.",
    ]
    assert not (tmp_path / "out").exists()

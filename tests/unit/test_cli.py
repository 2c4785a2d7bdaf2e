"""`python main.py` with bad input: every problem on stderr, exit 2, no traceback, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

from llm_infra.paths import ENVIRONMENTS_DIR
from tests.support.synth import run_main
from tests.unit.conftest import BASE


def _env_dir(tmp_path: Path, **files: str) -> list[Path]:
    shutil.copy(ENVIRONMENTS_DIR / "_defaults.toml", tmp_path / "_defaults.toml")
    paths = []
    for name, text in files.items():
        path = tmp_path / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_invalid_environment_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    files = _env_dir(
        tmp_path,
        good=BASE,
        bad=BASE.replace('vpc_cidr = "10.10.0.0/16"', 'vpc_cidr = "10.0.0.1/16"'),
        broken=BASE.replace("[state]", "[state"),
    )
    outdir = tmp_path / "out"
    result = run_main(outdir, files)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{files[1]}: network.vpc_cidr: [NET-007] not a valid IPv4 network")
    assert lines[1].startswith(f"{files[2]}: TOML syntax error: ")
    assert lines[-1] == "2 problem(s) found; nothing was written."
    assert result.stdout == ""
    assert not outdir.exists()


def test_invalid_environment_leaves_previous_output_untouched(tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    (outdir / "stacks" / "dev-network").mkdir(parents=True)
    marker = outdir / "stacks" / "dev-network" / "cdk.tf.json"
    marker.write_text("{}", encoding="utf-8")
    files = _env_dir(tmp_path, dev=BASE.replace('account_id = "111111111111"', 'account_id = "x"'))
    result = run_main(outdir, files)
    assert result.returncode == 2
    assert marker.read_text(encoding="utf-8") == "{}"
    assert sorted(p.name for p in outdir.parent.iterdir()) == sorted(["_defaults.toml", "dev.toml", "out"])


def test_missing_environment_file(tmp_path: Path) -> None:
    result = run_main(tmp_path / "out", [tmp_path / "nope.toml"])
    assert result.returncode == 2
    assert result.stderr.startswith(f"{tmp_path / 'nope.toml'}: cannot read file: No such file or directory")
    assert "Traceback" not in result.stderr


def test_duplicate_environment_names(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _env_dir(tmp_path / "a", dev=BASE)[0]
    second = _env_dir(tmp_path / "b", dev=BASE)[0]
    result = run_main(tmp_path / "out", [first, second])
    assert result.returncode == 2
    assert f"{second}: name: environment 'dev' is also defined by {first}" in result.stderr

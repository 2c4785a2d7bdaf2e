"""The swap of the output folder never leaves the user without an output."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from llm_infra.app import swap_in


def test_a_failed_swap_puts_the_previous_output_back(tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    (outdir / "stacks" / "dev-network").mkdir(parents=True)
    (outdir / "manifest.json").write_text("{}", encoding="utf-8")
    missing_staging = tmp_path / ".cdktf.out.gone"  # the rename of the new output fails
    with pytest.raises(FileNotFoundError):
        swap_in(missing_staging, outdir, uninterruptible=_nothing)
    assert (outdir / "manifest.json").read_text(encoding="utf-8") == "{}"
    assert (outdir / "stacks" / "dev-network").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out"]


def test_a_swap_replaces_the_output_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"
    outdir.mkdir()
    (outdir / "old").write_text("old", encoding="utf-8")
    staging = tmp_path / ".cdktf.out.new"
    staging.mkdir()
    (staging / "new").write_text("new", encoding="utf-8")
    swap_in(staging, outdir, uninterruptible=_nothing)
    assert sorted(p.name for p in outdir.iterdir()) == ["new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cdktf.out"]


def _nothing() -> contextlib.nullcontext[None]:
    return contextlib.nullcontext()

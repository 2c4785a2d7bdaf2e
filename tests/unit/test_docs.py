"""The README's outside-app section is the app the outside test runs (llm_infra/docs.py, `make readme`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_infra import docs
from llm_infra.docs import (
    OUTSIDE_APP,
    OUTSIDE_APP_DIR,
    OUTSIDE_APP_FILES,
    README,
    main,
    outside_app_section,
    section,
)


def test_the_readme_shows_the_outside_app_the_test_runs() -> None:
    shown = section(README.read_text(encoding="utf-8"), OUTSIDE_APP)
    assert shown == outside_app_section(), "README.md's outside app is stale: make readme"
    for name in OUTSIDE_APP_FILES:
        assert (OUTSIDE_APP_DIR / name).read_text(encoding="utf-8").rstrip() in shown


def test_write_without_markers_fails_and_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n", encoding="utf-8")
    outdir = tmp_path / "out" / "diagrams"
    outdir.mkdir(parents=True)
    (outdir / "prod.md").write_text("# prod\n\n```mermaid\nflowchart LR\n```\n", encoding="utf-8")
    monkeypatch.setattr(docs, "README", readme)
    assert main(["--write", "--outdir", str(tmp_path / "out")]) == 2
    assert readme.read_text(encoding="utf-8") == "no markers\n"

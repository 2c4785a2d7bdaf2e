"""Releases: one semantic version (llm_infra.__version__, read by pyproject.toml), a Keep a Changelog CHANGELOG.md
whose latest release is that version, every `moved` block of modules/ listed in the changelog by its from/to
addresses, and the Apache-2.0 LICENSE pyproject.toml names."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import llm_infra
from llm_infra.paths import MODULES_DIR, PROJECT_ROOT
from tests.support.hcl import load_hcl

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")
RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?$", re.M)
# `modules/<name>`: `<from>` → `<to>` (CHANGELOG.md, "Changed" of the version that made the move)
MOVE = re.compile(r"`modules/(?P<module>[\w-]+)`: `(?P<source>[^`]+)` → `(?P<target>[^`]+)`")


def _changelog() -> str:
    return (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def module_moves(modules_dir: Path) -> set[tuple[str, str, str]]:
    """(module, from, to) of every `moved` block in every module's HCL (submodules included)."""
    found = set()
    for path in sorted(modules_dir.glob("*/**/*.tf")):
        if "moved" not in path.read_text(encoding="utf-8"):
            continue  # python-hcl2 is slow: parse only the files that may hold a moved block
        module = path.relative_to(modules_dir).parts[0]
        for block in load_hcl(path).get("moved", []):
            source, target = (str(block[key]).removeprefix("${").removesuffix("}") for key in ("from", "to"))
            found.add((module, source, target))
    return found


def changelog_moves(text: str) -> set[tuple[str, str, str]]:
    return {(m["module"], m["source"], m["target"]) for m in MOVE.finditer(text)}


def test_version_is_semantic_and_the_one_source_pyproject_reads() -> None:
    assert SEMVER.match(llm_infra.__version__), llm_infra.__version__
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "llm_infra.__version__"}


def test_changelog_keeps_a_changelog_and_its_latest_release_is_the_version() -> None:
    text = _changelog()
    assert "[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)" in text
    headings = list(RELEASE.finditer(text))
    assert headings[0]["version"] == "Unreleased" and headings[0]["date"] is None
    released = headings[1:]
    assert released and all(SEMVER.match(h["version"]) and h["date"] for h in released), [
        h[0] for h in released
    ]
    assert released[0]["version"] == llm_infra.__version__
    versions = [tuple(int(n) for n in h["version"].split("-")[0].split(".")) for h in released]
    assert versions == sorted(versions, reverse=True), "newest release first"


def test_every_moved_block_of_the_modules_is_in_the_changelog() -> None:
    moves = module_moves(MODULES_DIR)
    assert len(moves) >= 8  # the kms-key moves of network, fsx-lustre and s3-buckets (data and replica keys)
    missing = moves - changelog_moves(_changelog())
    assert not missing, (
        "CHANGELOG.md lacks these moves (list them under the version that makes them): "
        + str(sorted(missing))
    )


def test_a_new_moved_block_is_reported_missing(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    shutil.copytree(MODULES_DIR / "kms-key", modules / "kms-key")
    (modules / "kms-key" / "moved.tf").write_text(
        "moved {\n  from = aws_kms_key.old\n  to   = aws_kms_key.this\n}\n", encoding="utf-8"
    )
    assert module_moves(modules) - changelog_moves(_changelog()) == {
        ("kms-key", "aws_kms_key.old", "aws_kms_key.this")
    }


def test_license_is_the_apache_2_0_text_pyproject_names() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    text = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX: How to apply the Apache License" in text

"""The JSON Schemas of the environment files (llm_infra/config/schema.py, `python main.py --schema`) against the
loader: the committed files are current, every shipped file and merged result passes, and a bad file is
rejected by the schema exactly where the loader rejects it."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from jsonschema import Draft202012Validator, ValidationError

from llm_infra.cli import main
from llm_infra.config import ConfigError, load_environments
from llm_infra.config.loader import deep_merge
from llm_infra.config.schema import FILE_NAMES, KINDS, Kind, schema, schema_text
from llm_infra.paths import DEFAULTS_FILE_NAME, ENVIRONMENTS_DIR, PROJECT_ROOT

SCHEMA_DIR = PROJECT_ROOT / "schema"


@cache
def _validator(kind: Kind) -> Draft202012Validator:
    generated = schema(kind)
    Draft202012Validator.check_schema(generated)
    return Draft202012Validator(generated)


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _leaves(errors: Any) -> Iterator[ValidationError]:
    """The errors themselves, not "matches none of": an optional table (``anyOf`` the table or null) reports
    the table's own errors, as the loader does."""
    for error in errors:
        if error.validator == "anyOf" and error.context:
            yield from _leaves(e for e in error.context if e.schema != {"type": "null"})
        else:
            yield error


def _schema_paths(kind: Kind, data: dict[str, Any]) -> set[str]:
    """Where the schema rejects ``data``: the dotted path of each error (an unknown key: the key's own path)."""
    paths = set()
    for error in _leaves(_validator(kind).iter_errors(data)):
        where = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            paths |= {".".join(filter(None, (where, key))) for key in extra}
        else:
            paths.add(where)
    return paths


def _loader_paths(path: Path) -> set[str]:
    with pytest.raises(ConfigError) as raised:
        load_environments([path], ENVIRONMENTS_DIR / DEFAULTS_FILE_NAME)
    return {problem.split(": ", 2)[1] for problem in raised.value.problems}


@pytest.mark.parametrize("kind", KINDS)
def test_the_committed_schema_and_main_py_schema_are_the_models(kind: Kind) -> None:
    committed = (SCHEMA_DIR / FILE_NAMES[kind]).read_text(encoding="utf-8")
    assert committed == schema_text(kind), f"schema/{FILE_NAMES[kind]} is stale: run `make schema`"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["--schema", kind]) == 0
    assert printed.getvalue() == committed


def test_every_shipped_file_passes_the_overlay_and_every_merged_result_the_strict_schema() -> None:
    defaults = _toml(ENVIRONMENTS_DIR / DEFAULTS_FILE_NAME)
    files = sorted(ENVIRONMENTS_DIR.glob("*.toml"))
    assert len(files) >= 4
    for path in files:
        assert _schema_paths("overlay", _toml(path)) == set(), path.name
        if path.name != DEFAULTS_FILE_NAME:
            assert _schema_paths("strict", deep_merge(defaults, _toml(path))) == set(), path.name
    # Every key optional in the overlay, not in the strict schema: the defaults alone are not an environment.
    assert not _validator("strict").is_valid(defaults)


def test_an_unknown_key_and_a_wrong_type_are_rejected_by_both_schemas_where_the_loader_rejects_them(
    tmp_path: Path,
) -> None:
    data = _toml(ENVIRONMENTS_DIR / "dev.toml")
    data["network"]["nat_gateway_mod"] = "single"  # a typo: an unknown key
    data["storage"]["fsx"]["storage_capacity_gib"] = "1200"  # a string where an integer is allowed
    data["tags"]["extra"] = {"team": 7}  # a number where a tag value (a string) is allowed
    path = tmp_path / "dev.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    expected = {"network.nat_gateway_mod", "storage.fsx.storage_capacity_gib", "tags.extra.team"}
    assert _loader_paths(path) == expected
    assert _schema_paths("overlay", data) == expected
    merged = deep_merge(_toml(ENVIRONMENTS_DIR / DEFAULTS_FILE_NAME), data)
    assert _schema_paths("strict", merged) == expected


def test_a_missing_required_key_is_only_the_strict_schemas_error(tmp_path: Path) -> None:
    data = _toml(ENVIRONMENTS_DIR / "dev.toml")
    del data["account_id"]
    path = tmp_path / "dev.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    assert _loader_paths(path) == {"account_id"}
    assert _schema_paths("overlay", data) == set()
    merged = deep_merge(_toml(ENVIRONMENTS_DIR / DEFAULTS_FILE_NAME), data)
    assert _schema_paths("strict", merged) == {""}  # the top level: required key 'account_id' is missing
    assert any(
        "'account_id' is a required property" in e.message for e in _validator("strict").iter_errors(merged)
    )


def test_the_schema_files_are_json_schema_2020_12_with_no_unknown_keys_anywhere() -> None:
    for kind in KINDS:
        document = json.loads((SCHEMA_DIR / FILE_NAMES[kind]).read_text(encoding="utf-8"))
        assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert "name" not in document["properties"]  # the file name is the environment name
        models = [document, *document["$defs"].values()]
        assert all(m.get("additionalProperties") is False for m in models if "properties" in m), kind


def _taplo_check(root: Path) -> subprocess.CompletedProcess[str]:
    taplo = Path(sys.executable).with_name("taplo")
    return subprocess.run(
        [str(taplo), "check"],
        cwd=root, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_taplo_checks_the_environment_files_against_the_schema_through_taplo_toml(tmp_path: Path) -> None:
    """What an editor with Even Better TOML does: .taplo.toml associates environments/*.toml with the schema."""
    for name in (".taplo.toml", "schema", "environments", "examples"):
        source = PROJECT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copyfile)(source, tmp_path / name)
    shutil.rmtree(tmp_path / "examples" / "outside-app" / "cdktf.out", ignore_errors=True)
    passed = _taplo_check(tmp_path)
    assert passed.returncode == 0, passed.stderr
    assert "found files total=" in passed.stderr
    data = _toml(ENVIRONMENTS_DIR / "dev.toml")
    data["network"]["nat_gateway_mod"] = "single"
    (tmp_path / "environments" / "dev.toml").write_text(tomli_w.dumps(data), encoding="utf-8")
    failed = _taplo_check(tmp_path)
    assert failed.returncode != 0
    assert "'nat_gateway_mod' was unexpected" in failed.stderr, failed.stderr

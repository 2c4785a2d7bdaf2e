"""Read environment files: TOML -> merged over shared defaults -> validated ``Environment``.

Every problem of every file is collected and reported together, one line each, as
``<file>: <dotted.path>: [<rule id>] <message> (got <value>; allowed <what>)``. Nothing is written by this module.
"""

from __future__ import annotations

import difflib
import os
import tomllib
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from llm_infra.config.environment import Environment, environment_model
from llm_infra.config.types import Rule
from llm_infra.paths import DEFAULTS_FILE_NAME

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # also the start of the UTF-32 marks
# Errors about the shape of the input, not a rule's value constraint: no rule id in front of them.
_UNRULED = {"missing", "extra_forbidden"}

_MAX_GOT = 80


class ConfigError(Exception):
    """One or more environment files are invalid; ``problems`` holds one formatted line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class _Source:
    label: str
    data: Mapping[str, Any]


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory where possible."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _read_toml(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    label = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, f"{label}: cannot read file: {error.strerror or error}"
    if raw.startswith(_BOM):
        return None, f"{label}: starts with a byte-order mark (allowed: UTF-8 without a byte-order mark)"
    if raw.startswith(_UTF16_BOMS):
        return None, f"{label}: is UTF-16 or UTF-32 text (allowed: UTF-8 without a byte-order mark)"
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        return None, f"{label}: not a text file: NUL byte at offset {offset} (allowed: UTF-8 TOML text)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = raw[error.start : error.start + 1].hex()
        return None, (
            f"{label}: not UTF-8 text: byte 0x{byte} at offset {error.start} cannot be decoded "
            "(allowed: UTF-8 without a byte-order mark)"
        )
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as error:
        return None, f"{label}: TOML syntax error: {error}"


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; an empty table, or any other value, in ``override`` replaces the one in ``base``."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and value and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _contains(data: Any, loc: Sequence[str | int]) -> bool:
    for part in loc:
        if isinstance(data, Mapping) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return False
    return True


def _unwrap(annotation: Any) -> Any:
    """Strip Optional / Annotated so the structural type is left."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _fields_along(loc: Sequence[str | int]) -> tuple[list[tuple[int, FieldInfo]], Any]:
    """Walk the Environment tree along ``loc``: the model fields met (with their position in ``loc``) and the
    type at the end (None when ``loc`` leaves the tree)."""
    current: Any = environment_model()
    fields: list[tuple[int, FieldInfo]] = []
    for index, part in enumerate(loc):
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return fields, None
            fields.append((index, field))
            current = field.annotation
        elif typing.get_origin(current) in (dict, Mapping):
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) in (list, tuple):
            current = typing.get_args(current)[0]
        else:
            return fields, None
    return fields, _unwrap(current)


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The config model class that sits at ``loc`` in the Environment tree (for unknown-key hints)."""
    _fields, end = _fields_along(loc)
    return end if isinstance(end, type) and issubclass(end, BaseModel) else None


def _rule_id_at(loc: Sequence[str | int], on_key: bool) -> str | None:
    """The id of the deepest field along ``loc`` that carries ``Rule`` metadata (its key id for key errors)."""
    fields = _fields_along(loc)[0]
    if not fields:
        return None
    index, field = fields[-1]
    # Only the field the error is about carries its id: the last one on the path, or a mapping field whose key
    # (or the value under that key) is the last part. A field without a rule of its own does not borrow the id
    # of the table it sits in.
    if index not in (len(loc) - 1, len(loc) - 2):
        return None
    if index == len(loc) - 2 and typing.get_origin(_unwrap(field.annotation)) not in (dict, Mapping):
        return None
    for meta in field.metadata:
        if isinstance(meta, Rule):
            return (meta.key or meta.id) if on_key and index == len(loc) - 2 else meta.id
    return None


def _allowed_from(error: Mapping[str, Any]) -> str | None:
    """What pydantic's own constraint errors allow, from their context."""
    ctx = error.get("ctx") or {}
    if "allowed" in ctx:
        return str(ctx["allowed"])
    kind = error["type"]
    if kind == "literal_error":
        return str(ctx.get("expected"))
    bounds = {
        "greater_than_equal": f">= {ctx.get('ge')}",
        "greater_than": f"> {ctx.get('gt')}",
        "less_than_equal": f"<= {ctx.get('le')}",
        "less_than": f"< {ctx.get('lt')}",
        "string_too_long": f"at most {ctx.get('max_length')} characters",
        "string_too_short": f"at least {ctx.get('min_length')} characters",
        "string_pattern_mismatch": f"matching {ctx.get('pattern')}",
        "bool_type": "true or false",
        "int_type": "an integer",
        "float_type": "a number",
        "finite_number": "a finite number",
        "string_type": "a string",
        "dict_type": "a table",
        "tuple_type": "an array",
        "list_type": "an array",
    }
    return bounds.get(kind)


_MESSAGES = {
    "literal_error": "not one of the allowed values",
    "greater_than_equal": "out of range",
    "greater_than": "out of range",
    "less_than_equal": "out of range",
    "less_than": "out of range",
    "string_too_long": "too long",
    "string_too_short": "too short",
    "string_pattern_mismatch": "invalid format",
    "finite_number": "not a finite number",
    "bool_type": "not a boolean",
    "int_type": "not an integer",
    "float_type": "not a number",
    "string_type": "not a string",
    "dict_type": "not a table",
    "tuple_type": "not an array",
    "list_type": "not an array",
}


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_GOT else text[: _MAX_GOT - 3] + "..."


def _dotted(loc: Iterable[str | int]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


Problem = tuple[tuple[str | int, ...], str, Any, bool, str | None]


def _describe(error: Mapping[str, Any]) -> list[Problem]:
    """Turn one pydantic error into (loc, message, got, show_got, allowed) tuples; messages carry the rule id."""
    raw_loc = tuple(error["loc"])
    on_key = "[key]" in raw_loc
    loc = tuple(part for part in raw_loc if part != "[key]")
    kind = error["type"]
    if kind == "config_rules":
        return [
            (
                loc + tuple(problem["path"].split(".")),
                f"[{problem['id']}] {problem['message']}",
                problem["got"],
                problem["got"] is not None,
                problem.get("allowed"),
            )
            for problem in error["ctx"]["problems"]
        ]
    if kind == "missing":
        return [(loc, "required key is missing", None, False, None)]
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return [(loc, f"unknown key{hint}", error["input"], True, ", ".join(allowed))]
    message = _MESSAGES.get(kind) or str(error["msg"]).removeprefix("Value error, ")
    rule_id = _rule_id_at(loc, on_key) if kind not in _UNRULED else None
    if rule_id is not None:
        message = f"[{rule_id}] {message}"
    return [(loc, message, error["input"], True, _allowed_from(error))]


def format_problem(where: str, path: str, message: str, got: str | None, allowed: str | None) -> str:
    """``where: path: message (got X; allowed Y)`` — the one format of every config problem."""
    details = "; ".join(part for part in (got and f"got {got}", allowed and f"allowed {allowed}") if part)
    return f"{where}: {path}: {message}" + (f" ({details})" if details else "")


def load_environment(path: Path, defaults: Mapping[str, Any], defaults_label: str | None) -> Environment:
    """Load one environment file over the shared defaults; raises ConfigError with every problem found."""
    data, problem = _read_toml(path)
    if problem is not None or data is None:
        raise ConfigError([problem or f"{display_path(path)}: empty"])
    label = display_path(path)
    problems: list[str] = []
    if "name" in data:
        problems.append(
            format_problem(
                label, "name", "the environment name is the file name", _got(data["name"]), "no such key"
            )
        )
    merged = deep_merge(defaults, data)
    merged["name"] = path.stem
    try:
        environment = environment_model().model_validate(merged)
    except ValidationError as error:
        for raw in error.errors(include_url=False):
            for loc, message, got, show_got, allowed in _describe(raw):
                if loc[:1] == ("name",):
                    problems.append(
                        format_problem(
                            label,
                            "name",
                            f"file name '{path.stem}' is not a valid environment name: {message}",
                            None,
                            allowed,
                        )
                    )
                    continue
                where = label
                if not _contains(data, loc) and defaults_label and _contains(defaults, loc):
                    where = f"{label} (value from {defaults_label})"
                problems.append(
                    format_problem(where, _dotted(loc), message, _got(got) if show_got else None, allowed)
                )
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    return environment


def environment_files(directory: Path, selection: str | None) -> list[Path]:
    """The files to load: ``LLM_INFRA_ENV_FILES`` (comma-separated) if given, else ``directory/*.toml``."""
    if selection:
        return [Path(part.strip()) for part in selection.split(",") if part.strip()]
    return sorted(p for p in directory.glob("*.toml") if not p.name.startswith("_"))


def load_environments(files: Sequence[Path], defaults_file: Path | None) -> list[Environment]:
    """Load every file; raise one ConfigError listing all problems of all files."""
    problems: list[str] = []
    defaults: dict[str, Any] = {}
    defaults_label = None
    if defaults_file is not None and defaults_file.exists():
        loaded, problem = _read_toml(defaults_file)
        if problem is not None:
            # Without the defaults every file would report spurious missing keys: report the defaults file and
            # what each environment file can show on its own (unreadable, not UTF-8, TOML syntax).
            problems.append(problem)
            problems.extend(p for p in (_read_toml(path)[1] for path in files) if p is not None)
            raise ConfigError(problems)
        defaults = loaded or {}
        defaults_label = display_path(defaults_file)
    if not files:
        raise ConfigError(
            ["no environment files found (expected environments/*.toml or LLM_INFRA_ENV_FILES)"]
        )
    environments: list[Environment] = []
    seen: dict[str, Path] = {}
    for path in files:
        try:
            environment = load_environment(path, defaults, defaults_label)
        except ConfigError as error:
            problems.extend(error.problems)
            continue
        if environment.name in seen:
            problems.append(
                f"{display_path(path)}: name: environment '{environment.name}' is also defined by "
                f"{display_path(seen[environment.name])}"
            )
            continue
        seen[environment.name] = path
        environments.append(environment)
    if problems:
        raise ConfigError(problems)
    return environments


def defaults_file_for(files: Sequence[Path], directory: Path) -> Path:
    """Shared defaults sit beside the environment files, as ``_defaults.toml``."""
    parents = {path.parent for path in files}
    parent = parents.pop() if len(parents) == 1 else directory
    return parent / DEFAULTS_FILE_NAME

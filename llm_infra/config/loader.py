"""Read environment files: TOML -> merged over shared defaults -> validated ``Environment``.

Every problem of every file is collected and reported together, one line each, as
``<file>: <dotted.path>: <message> (got <value>)``. Nothing is written by this module.
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

from llm_infra.config.environment import Environment
from llm_infra.paths import DEFAULTS_FILE_NAME

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
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, f"{display_path(path)}: cannot read file: {error.strerror}"
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as error:
        return None, f"{display_path(path)}: TOML syntax error: {error}"


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


def _model_at(loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The config model class that sits at ``loc`` in the Environment tree (for unknown-key hints)."""
    current: Any = Environment
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (dict, Mapping):
            current = typing.get_args(current)[1]
        elif typing.get_origin(current) in (list, tuple):
            current = typing.get_args(current)[0]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_GOT else text[: _MAX_GOT - 3] + "..."


def _dotted(loc: Iterable[str | int]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _describe(error: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str, Any, bool]]:
    """Turn one pydantic error into (loc, message, got, show_got) tuples."""
    loc = tuple(part for part in error["loc"] if part != "[key]")
    kind = error["type"]
    if kind == "config_rules":
        return [
            (
                loc + tuple(problem["path"].split(".")),
                problem["message"],
                problem["got"],
                problem["got"] is not None,
            )
            for problem in error["ctx"]["problems"]
        ]
    if kind == "missing":
        return [(loc, "required key is missing", None, False)]
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return [(loc, f"unknown key (allowed: {', '.join(allowed)}{hint})", error["input"], True)]
    message = str(error["msg"]).removeprefix("Value error, ")
    return [(loc, message, error["input"], True)]


def load_environment(path: Path, defaults: Mapping[str, Any], defaults_label: str | None) -> Environment:
    """Load one environment file over the shared defaults; raises ConfigError with every problem found."""
    data, problem = _read_toml(path)
    if problem is not None or data is None:
        raise ConfigError([problem or f"{display_path(path)}: empty"])
    label = display_path(path)
    problems: list[str] = []
    if "name" in data:
        problems.append(
            f"{label}: name: the environment name is the file name; remove this key (got {_got(data['name'])})"
        )
    merged = deep_merge(defaults, data)
    merged["name"] = path.stem
    try:
        environment = Environment.model_validate(merged)
    except ValidationError as error:
        for raw in error.errors(include_url=False):
            for loc, message, got, show_got in _describe(raw):
                if loc[:1] == ("name",):
                    problems.append(
                        f"{label}: name: file name '{path.stem}' is not a valid environment name: {message}"
                    )
                    continue
                where = label
                if not _contains(data, loc) and defaults_label and _contains(defaults, loc):
                    where = f"{label} (value from {defaults_label})"
                suffix = f" (got {_got(got)})" if show_got else ""
                problems.append(f"{where}: {_dotted(loc)}: {message}{suffix}")
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
            raise ConfigError([problem])
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

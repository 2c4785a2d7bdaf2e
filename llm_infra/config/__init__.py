"""Typed environment configuration.

The names below are loaded on first use: the layer configs (``llm_infra/layers/*/config.py``) import this
package's submodules (base, types, limits), and ``Environment`` is composed from the layer registry, so importing
it here eagerly would make the registry and the config import each other.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llm_infra.config.environment import Environment
    from llm_infra.config.loader import ConfigError, environment_files, load_environments

__all__ = ["ConfigError", "Environment", "environment_files", "load_environments"]

_WHERE = {
    "Environment": "llm_infra.config.environment",
    "ConfigError": "llm_infra.config.loader",
    "environment_files": "llm_infra.config.loader",
    "load_environments": "llm_infra.config.loader",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)

"""Where the project's files are, relative to this package (never an absolute path of any machine)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODULES_DIR = PROJECT_ROOT / "modules"
ENVIRONMENTS_DIR = PROJECT_ROOT / "environments"
DEFAULTS_FILE_NAME = "_defaults.toml"

"""Where the project's files are, relative to this package (never an absolute path of any machine).

In a checkout the HCL modules are the repository's ``modules/``; in an installed wheel (``make dist``) they are
package data, ``llm_infra/modules/`` (setup.py maps the one folder onto the other), found from here.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# The wheel's copy first: an installed package never reads a `modules/` folder that happens to sit beside it.
MODULES_DIR = PACKAGE_DIR / "modules" if (PACKAGE_DIR / "modules").is_dir() else PROJECT_ROOT / "modules"
ENVIRONMENTS_DIR = PROJECT_ROOT / "environments"
DEFAULTS_FILE_NAME = "_defaults.toml"

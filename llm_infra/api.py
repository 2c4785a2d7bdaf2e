"""The public API for apps outside this repository (a team's own CDK app on the installed wheel).

Small on purpose; everything else in ``llm_infra`` may change between versions. An app loads its own environment
files, and synthesizes the stacks of the layers they enable (``examples/outside-app/app.py`` is one, run by
tests/terraform/test_outside_app.py from a virtual environment outside the repository)::

    from llm_infra import api

    environment = api.load_environment_file(Path("team.toml"))
    api.synth([environment], Path("cdktf.out"))

- ``load_environment_file(path, defaults=None)``: one TOML file, merged over a defaults file if given, validated
  by the same loader as ``main.py``; raises ``ConfigError`` listing every problem (``.problems``, one line each).
- ``synth(environments, outdir, layers=None)``: one stack per environment and enabled layer (``layers``: only
  those and, as producers not written, the ones they require) into ``outdir/stacks/<env>-<layer>/``, each folder
  self-contained (the modules it calls, the provider lock), swapped in whole or not at all; returns ``SynthResult``.
- ``registry()`` / ``lookup(name)``: the layers, in dependency order (``Layer``: its table, what it requires, its
  modules and providers). ``schema(kind)``: the JSON Schema of an environment file (``overlay``) or of the merged
  result (``strict``).

``synth`` imports the CDK engine, CDK Terrain (``cdktn``) or CDKTF 0.21 (``cdktf``), whichever is installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from llm_infra.config.loader import ConfigError, load_environments
from llm_infra.config.schema import schema
from llm_infra.layers import lookup, registry

if TYPE_CHECKING:
    from llm_infra.app import SynthResult
    from llm_infra.config import Environment

__all__ = ["ConfigError", "load_environment_file", "lookup", "registry", "schema", "synth"]


def load_environment_file(path: Path, defaults: Path | None = None) -> Environment:
    """The validated environment of one file (its name is the file name), merged over ``defaults`` if given."""
    return load_environments([path], defaults)[0]


def synth(
    environments: Sequence[Environment], outdir: Path, *, layers: Sequence[str] | None = None
) -> SynthResult:
    """Synthesize the environments' stacks into ``outdir`` (replacing a previous synth output there)."""
    from llm_infra.app import synth as synth_app  # noqa: PLC0415 - starts the CDK's node process

    return synth_app(environments, outdir, layers_selected=layers)

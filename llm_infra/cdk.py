"""The one place that imports the CDK engine.

CDK Terrain (``cdktn``) is the default; CDKTF 0.21 (``cdktf``, archived 2025-12-10) exposes the same API under
another name, so teams whose apps already run on CDKTF can import our constructs. Every other module of
``llm_infra`` imports CDK names from here and nothing else.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

# What to do when the engine is missing (a fresh clone run with a Python outside the project's .venv).
INSTALL_HINT = "run `make synth` (it creates .venv) and use .venv/bin/python, or `pip install -e .`"

try:
    import cdktn as _engine

    ENGINE = "cdktn"
except ModuleNotFoundError as missing:  # pragma: no cover - exercised by the CDKTF compatibility test
    if missing.name != "cdktn":  # cdktn is there but one of its own dependencies is not
        raise
    try:
        import cdktf as _engine  # type: ignore[no-redef]
    except ModuleNotFoundError as also_missing:
        if also_missing.name != "cdktf":
            raise
        # Not "No module named 'cdktf'": the default engine is cdktn, and what helps is how to install it.
        raise ModuleNotFoundError(
            f"no CDK engine: neither cdktn (CDK Terrain) nor cdktf (CDKTF 0.21) is installed for "
            f"{sys.executable}; {INSTALL_HINT}",
            name="cdktn",
        ) from None

    ENGINE = "cdktf"

from constructs import Construct  # noqa: E402 - after the engine, whose absence has the clearer message

App = _engine.App
Fn = _engine.Fn
LocalBackend = _engine.LocalBackend
S3Backend = _engine.S3Backend
TerraformHclModule = _engine.TerraformHclModule
TerraformModuleProvider = _engine.TerraformModuleProvider
TerraformOutput = _engine.TerraformOutput
TerraformProvider = _engine.TerraformProvider
TerraformStack = _engine.TerraformStack
Token = _engine.Token


def _engine_version() -> str:
    try:
        return metadata.version(ENGINE)
    except metadata.PackageNotFoundError:  # pragma: no cover - an engine importable without metadata
        return str(getattr(_engine, "__version__", "unknown"))


ENGINE_VERSION: str = _engine_version()


def s3_backend(scope: TerraformStack, *, use_lockfile: bool, **config: Any) -> dict[str, Any]:
    """An S3 backend. CDKTF 0.21 predates ``use_lockfile`` in its API: there the returned dict (what the caller
    must merge into its override of the ``terraform`` block) sets it; with CDK Terrain it is empty."""
    if ENGINE == "cdktn":
        S3Backend(scope, use_lockfile=use_lockfile, **config)
        return {}
    S3Backend(scope, **config)  # pragma: no cover - exercised by the CDKTF compatibility test in its own venv
    return {"backend": {"s3": {"use_lockfile": use_lockfile}}}  # pragma: no cover


@dataclass(frozen=True)
class Provider:
    """A provider block: a name, a source, an optional alias and its arguments.

    Not a CDK construct: its stack writes every provider block and ``required_providers`` entry itself, in one
    override each (``LayerStack``). A ``TerraformProvider`` construct would cost a round trip to the CDK's node
    process to create and one per argument, and one Python override each time the JS side reads a member it does
    not know (the alias: eight reads a synth) - with ~20 providers in an app, a tenth of the synth. The prebuilt
    provider bindings are not an option either (~6 s and ~800 MiB a synth). Refer to it by :attr:`reference`;
    pass it to a module with ``ModuleWrapper(providers=...)``, which writes the module's ``providers`` map.
    """

    type_name: str
    source: str
    config: Mapping[str, Any]
    alias: str | None = None

    @property
    def reference(self) -> str:
        """The provider's address in Terraform: ``aws`` or ``aws.replica``."""
        return self.type_name if self.alias is None else f"{self.type_name}.{self.alias}"

    def block(self) -> dict[str, Any]:
        """The provider block as Terraform JSON reads it."""
        return {**self.config, **({"alias": self.alias} if self.alias is not None else {})}


def null_value() -> Any:
    """An explicit Terraform ``null`` (one token for the whole app: it resolves to null wherever it is used,
    and each ``Token.null_value()`` call is a round trip to the CDK)."""
    global _NULL  # noqa: PLW0603
    if _NULL is None:
        _NULL = Token.null_value()
    return _NULL


_NULL: Any = None


__all__ = [
    "ENGINE",
    "ENGINE_VERSION",
    "INSTALL_HINT",
    "App",
    "Construct",
    "Fn",
    "LocalBackend",
    "Provider",
    "S3Backend",
    "TerraformHclModule",
    "TerraformModuleProvider",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformStack",
    "Token",
    "null_value",
    "s3_backend",
]

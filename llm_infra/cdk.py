"""The one place that imports the CDK engine.

CDK Terrain (``cdktn``) is the default; CDKTF 0.21 (``cdktf``, archived 2025-12-10) exposes the same API under
another name, so teams whose apps already run on CDKTF can import our constructs. Every other module of
``llm_infra`` imports CDK names from here and nothing else.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
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


def s3_backend(scope: TerraformStack, *, use_lockfile: bool, **config: Any) -> None:
    """An S3 backend. CDKTF 0.21 predates ``use_lockfile`` in its API, so there it is set by override."""
    if ENGINE == "cdktn":
        S3Backend(scope, use_lockfile=use_lockfile, **config)
    else:  # pragma: no cover - exercised by the CDKTF compatibility test in its own venv
        S3Backend(scope, **config)
        scope.add_override("terraform.backend.s3.use_lockfile", use_lockfile)


class Provider(TerraformProvider):
    """A provider block from plain configuration, without the prebuilt provider bindings.

    The bindings cost ~6 s and ~800 MiB per synth; a provider block is only a name, a source, an optional
    alias and its arguments. All of them, the alias included, are overrides of the provider's own block: one
    round trip to the CDK's node process each. No member is overridden in Python: the JS side calls back into
    Python every time it reads an overridden member (``synthesizeAttributes`` 3 times per provider, ``alias``
    8 times), and a callback costs about four overrides. So the CDK does not know the alias (its ``fqn`` is the
    bare type): refer to this provider by :attr:`reference`, and pass it to a module through
    ``ModuleWrapper(providers=...)``, which writes the module's ``providers`` map itself.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        type_name: str,
        source: str,
        config: Mapping[str, Any],
        alias: str | None = None,
    ) -> None:
        super().__init__(
            scope, construct_id, terraform_resource_type=type_name, terraform_provider_source=source
        )
        self.type_name = type_name
        # The provider's address in Terraform: `aws` or `aws.replica`.
        self.reference = type_name if alias is None else f"{type_name}.{alias}"
        for key, value in ({**config, "alias": alias} if alias is not None else config).items():
            self.add_override(key, value)


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

"""The one place that imports the CDK engine.

CDK Terrain (``cdktn``) is the default; CDKTF 0.21 (``cdktf``, archived 2025-12-10) exposes the same API under
another name, so teams whose apps already run on CDKTF can import our constructs. Every other module of
``llm_infra`` imports CDK names from here and nothing else.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import subprocess
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
    alias and its arguments, so we synthesize those ourselves (the JS side calls the overrides below).
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
        self._llm_alias = alias
        self._llm_config = dict(config)
        super().__init__(
            scope, construct_id, terraform_resource_type=type_name, terraform_provider_source=source
        )

    @builtins.property
    def alias(self) -> str | None:
        return self._llm_alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._llm_alias = value

    def _synthesize_attributes(self) -> dict[str, Any]:
        return dict(self._llm_config)


def _node_processes() -> list[Any]:
    """The jsii runtime's handles on its node process (at most one per Python process)."""
    module = sys.modules.get("jsii._kernel.providers.process")
    handle_type = getattr(module, "_NodeProcess", None)
    if not isinstance(handle_type, type):  # pragma: no cover - a jsii without this class: nothing to stop
        return []
    return [obj for obj in gc.get_objects() if isinstance(obj, handle_type) and hasattr(obj, "_process")]


def stop_engine(*, kill: bool = False, timeout_s: float = 5.0) -> None:
    """Stop the CDK's node process now, instead of at interpreter exit.

    jsii stops it from an ``atexit`` hook, after the caller's ``finally`` blocks have run: a caller that gives
    the process a private temporary folder must stop it before removing that folder. ``kill`` ends it at once
    (SIGTERM, then SIGKILL after ``timeout_s``) rather than asking it to finish its current request: a synth
    that is being cancelled does not wait for the CDK. After this the engine cannot be used in this process.
    """
    for handle in _node_processes():
        process: subprocess.Popen[bytes] = handle._process
        if kill and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=timeout_s)
        if process.poll() is not None and process.stdin is not None:
            # jsii's stop() would write an exit request into the pipe of a process that is gone.
            with contextlib.suppress(OSError):
                process.stdin.close()
        with contextlib.suppress(OSError, ValueError):
            handle.stop()  # closes the pipes, joins jsii's stderr thread, removes jsii's own temp folder


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
    "s3_backend",
    "stop_engine",
]

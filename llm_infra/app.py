"""App assembly: one stack per environment x enabled layer, synthesized atomically into the output folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llm_infra.cdk import App
from llm_infra.config import Environment
from llm_infra.paths import MODULES_DIR
from llm_infra.stacks.base import LayerStack
from llm_infra.stacks.registry import LAYERS
from llm_infra.wrappers.base import MODULE_NAMES, MODULES_ROOT_CONTEXT, module_source

# Mirrors the "context" of cdktf.json (a test keeps them equal); a plain `python main.py` does not read it.
TARGET_VERSIONS = {"terraform": ">=1.10"}


# What a stack folder needs of a module; local terraform runs leave .terraform/ (with a provider binary) and
# state in module folders, which the CDK would otherwise copy into every stack.
MODULE_COPY_IGNORE = shutil.ignore_patterns(
    ".terraform", ".terraform.lock.hcl", "*.tfstate*", "*.tfplan", "tests"
)


def app_context(modules_root: Path = MODULES_DIR) -> dict[str, Any]:
    return {
        "targetVersions": TARGET_VERSIONS,
        "canonicalAssetHashes": "true",
        "cdktfRelativeModules": [module_source(name, modules_root) for name in MODULE_NAMES],
        MODULES_ROOT_CONTEXT: str(modules_root),
    }


def stage_modules(target: Path) -> Path:
    """A clean copy of the modules the stacks use (no .terraform/, state or module tests)."""
    for name in MODULE_NAMES:
        shutil.copytree(MODULES_DIR / name, target / name, ignore=MODULE_COPY_IGNORE)
    return target


def build_app(
    environments: Sequence[Environment], *, outdir: str, modules_root: Path = MODULES_DIR
) -> tuple[App, list[LayerStack]]:
    app = App(outdir=outdir, context=app_context(modules_root))
    stacks: list[LayerStack] = []
    for environment in environments:
        built: dict[str, LayerStack] = {}
        for layer in LAYERS:
            if layer.enabled(environment):
                built[layer.name] = layer.build(app, environment, built)
        stacks.extend(built.values())
    return app, stacks


def synth(environments: Sequence[Environment], outdir: Path) -> list[LayerStack]:
    """Synthesize into a sibling temporary folder, then swap it in: ``outdir`` is never left half-written."""
    outdir = outdir.absolute()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=outdir.parent))
    try:
        with tempfile.TemporaryDirectory(prefix="llm-infra-modules-") as modules:
            app, stacks = build_app(
                environments, outdir=str(staging), modules_root=stage_modules(Path(modules))
            )
            app.synth()
        previous = outdir.with_name(f".{outdir.name}.previous-{os.getpid()}")
        if outdir.exists():
            outdir.rename(previous)
        staging.rename(outdir)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return stacks

"""App assembly: one stack per environment x enabled layer, synthesized atomically into the output folder."""

from __future__ import annotations

import json
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


# The committed provider locks, one per provider set: `<sorted provider names joined by "-">.terraform.lock.hcl`,
# refreshed by `make lock`. Every stack folder gets the one of its providers, so that `terraform init` installs
# exactly the versions (and verifies exactly the checksums) the tests ran with.
LOCKS_DIR = Path(__file__).resolve().parent / "locks"


def copy_provider_lock(stack_dir: Path, locks_dir: Path = LOCKS_DIR) -> Path | None:
    """Copy the committed lock of the stack's provider set into a synthesized stack folder, as
    ``.terraform.lock.hcl``; None when no lock is committed for that set (then terraform init writes one)."""
    document = json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))
    providers = sorted(document.get("terraform", {}).get("required_providers", {}))
    source = locks_dir / f"{'-'.join(providers)}.terraform.lock.hcl"
    if not providers or not source.is_file():
        return None
    return Path(shutil.copyfile(source, stack_dir / ".terraform.lock.hcl"))


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
        for stack_dir in sorted((staging / "stacks").glob("*")):
            copy_provider_lock(stack_dir)
        previous = outdir.with_name(f".{outdir.name}.previous-{os.getpid()}")
        if outdir.exists():
            outdir.rename(previous)
        staging.rename(outdir)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return stacks

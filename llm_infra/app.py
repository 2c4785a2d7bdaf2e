"""App assembly: one stack per environment x enabled layer, synthesized atomically into the output folder."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_infra import layers
from llm_infra.cdk import App
from llm_infra.config import Environment
from llm_infra.config.loader import display_path
from llm_infra.diagram import dot_binary, write_diagrams
from llm_infra.engine_process import stop_engine
from llm_infra.stacks.base import LayerStack
from llm_infra.summary import render
from llm_infra.wrappers.base import (
    STACK_MODULES_FOLDER,
    ModuleSourceError,
    module_closure,
    module_name_of,
)

# Mirrors the "context" of cdktf.json (a test keeps them equal); a plain `python main.py` does not read it.
TARGET_VERSIONS = {"terraform": ">=1.10"}
MANIFEST = "manifest.json"  # the CDK's list of the stacks in an output folder


# What a stack folder needs of a module; local terraform runs leave .terraform/ (with a provider binary) and
# state in module folders, which must not be copied into a stack. Module tests, examples (roots of their own,
# with provider blocks) and READMEs are for readers of the module, not for terraform: a synth writes ~400 files,
# and each one left out is written and, at the next synth, removed once less per stack.
MODULE_COPY_IGNORE = shutil.ignore_patterns(
    ".terraform", ".terraform.lock.hcl", "*.tfstate*", "*.tfplan", "tests", "examples", "README.md"
)


# The committed provider locks, one per provider set: `<sorted provider names joined by "-">.terraform.lock.hcl`,
# refreshed by `make lock`. Every stack folder gets the one of its providers, so that `terraform init` installs
# exactly the versions (and verifies exactly the checksums) the tests ran with.
LOCKS_DIR = Path(__file__).resolve().parent / "locks"


def read_stack(stack_dir: Path) -> dict[str, Any]:
    """A synthesized stack's ``cdk.tf.json``."""
    document: dict[str, Any] = json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))
    return document


def copy_provider_lock(
    stack_dir: Path, locks_dir: Path = LOCKS_DIR, *, document: Mapping[str, Any] | None = None
) -> Path | None:
    """Copy the committed lock of the stack's provider set into a synthesized stack folder, as
    ``.terraform.lock.hcl``; None when no lock is committed for that set (then terraform init writes one)."""
    document = read_stack(stack_dir) if document is None else document
    providers = sorted(document.get("terraform", {}).get("required_providers", {}))
    source = locks_dir / f"{'-'.join(providers)}.terraform.lock.hcl"
    if not providers or not source.is_file():
        return None
    return Path(shutil.copyfile(source, stack_dir / ".terraform.lock.hcl"))


def module_roots() -> dict[str, Path]:
    """Module name -> the folder that holds it, for every module a registered layer uses (``modules``, under
    its ``modules_dir``)."""
    return {name: layer.modules_dir for layer in layers.registry() for name in layer.modules}


def stack_module_names(document: Mapping[str, Any], stack_dir: Path, roots: Mapping[str, Path]) -> list[str]:
    """The repository modules a stack's module blocks call (``./modules/<name>``); a registry or git source is
    not ours to copy (terraform init fetches it), any other local source is an error."""
    names = []
    for construct_id, block in document.get("module", {}).items():
        source = str(block.get("source", ""))
        if not source.startswith(("./", "../")):
            continue
        name = module_name_of(source)
        if name is None or name not in roots or not (roots[name] / name).is_dir():
            raise ModuleSourceError(
                f"{stack_dir.name}/cdk.tf.json: module.{construct_id}.source: not a module of a registered "
                f"layer (got {source!r}; allowed ./{STACK_MODULES_FOLDER}/<{'|'.join(sorted(roots))}>)"
            )
        names.append(name)
    return names


class ModuleCopies:
    """Copies modules into stack folders, without .terraform/, state, module tests or examples. Each module's files are
    read once per synth and written into every stack folder that needs them (several stacks call the same
    modules; a copy per stack keeps each stack folder self-contained)."""

    def __init__(self, roots: Mapping[str, Path] | None = None) -> None:
        # A module's siblings (``source = "../x"``) are looked up in the folder that holds the module.
        self.roots = dict(module_roots() if roots is None else roots)
        self._files: dict[str, tuple[tuple[str, ...], tuple[tuple[str, bytes], ...]]] = {}

    def files(self, name: str) -> tuple[tuple[str, ...], tuple[tuple[str, bytes], ...]]:
        """A module's folders and its files with their contents, as paths relative to the module folder."""
        if name not in self._files:
            source = self.roots[name] / name
            folders: list[str] = []
            files: list[tuple[str, bytes]] = []
            for here, dirnames, filenames in os.walk(source):
                ignored = MODULE_COPY_IGNORE(here, [*dirnames, *filenames])
                dirnames[:] = sorted(d for d in dirnames if d not in ignored)
                relative = os.path.relpath(here, source)
                folders.append(relative)
                for filename in sorted(f for f in filenames if f not in ignored):
                    path = os.path.join(here, filename)
                    files.append(
                        (os.path.normpath(os.path.join(relative, filename)), Path(path).read_bytes())
                    )
            self._files[name] = (tuple(folders), tuple(files))
        return self._files[name]

    def copy(self, stack_dir: Path, document: Mapping[str, Any]) -> list[str]:
        """Copy into ``stack_dir/modules/`` the modules the stack calls and the ones they call in turn: the stack
        folder is self-contained. Returns the names copied."""
        names = self.closure(stack_module_names(document, stack_dir, self.roots))
        for name in names:
            target = stack_dir / STACK_MODULES_FOLDER / name
            folders, files = self.files(name)
            for folder in folders:
                (target / folder).mkdir(parents=True, exist_ok=True)
            for relative, data in files:
                (target / relative).write_bytes(data)
        return names

    def closure(self, names: Sequence[str]) -> list[str]:
        """The modules named and every module they call, directly or in turn (siblings share a folder)."""
        by_root: dict[Path, list[str]] = {}
        for name in names:
            by_root.setdefault(self.roots[name], []).append(name)
        found: set[str] = set()
        for root, called in by_root.items():
            for name in module_closure(called, root):
                self.roots.setdefault(name, root)
                found.add(name)
        return sorted(found)


def app_context() -> dict[str, Any]:
    return {"targetVersions": TARGET_VERSIONS, "canonicalAssetHashes": "true"}


def required_closure(names: Iterable[str]) -> set[str]:
    """The layers named and, transitively, every layer they require."""
    needed: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending.extend(layers.lookup(name).requires)
    return needed


class LayerBuildError(RuntimeError):
    """A layer's build broke the registry's contract (a programming error, reported by the synth)."""


def _outputs(layer: layers.AnyLayer, stack: LayerStack) -> object:
    outputs = getattr(stack, "outputs", None)
    if not isinstance(outputs, layer.outputs):
        raise LayerBuildError(
            f"layer {layer.name}: stack {stack.label.stack_id} has outputs of type {type(outputs).__name__}, "
            f"the layer declares {layer.outputs.__name__}"
        )
    return outputs


def build_app(
    environments: Sequence[Environment],
    *,
    outdir: str,
    only: Sequence[str] | None = None,
) -> tuple[App, list[LayerStack]]:
    """One stack per environment and enabled layer, in registry order; each layer's build gets the outputs
    objects of the layers it requires (and of those it uses, when built). ``only``: the layers selected
    (``--layer``); the layers they require are built too, as producers, and dropped from the output later."""
    app = App(outdir=outdir, context=app_context())
    stacks: list[LayerStack] = []
    selected = set(only) if only is not None else None
    needed = required_closure(selected or ())
    for environment in environments:
        outputs: dict[str, object] = {}
        for layer in layers.registry():
            if not layer.is_on(environment) or (selected is not None and layer.name not in needed):
                continue
            # The config guarantees every required layer is on (CFG-013); a used layer is passed when built.
            deps = {name: outputs[name] for name in (*layer.requires, *layer.uses) if name in outputs}
            stack = layer.build(app, environment, deps)
            outputs[layer.name] = _outputs(layer, stack)
            stacks.append(stack)
    for stack in stacks:
        stack.write_overrides()  # what a stack changed after its emit_outputs (usually nothing)
    return app, stacks


class OutputFolderError(Exception):
    """The output folder cannot be used; nothing was written. The message is one line naming the folder."""


@dataclass(frozen=True)
class SynthResult:
    """What a synth wrote. ``kept``: stacks of environments not selected, carried over from the old output;
    ``removed``: stacks of the old output the new one no longer has; ``summary``: the table `make synth` prints,
    rendered before the swap."""

    stacks: list[LayerStack]
    kept: tuple[str, ...]
    removed: tuple[str, ...]
    summary: str


def previous_manifest(outdir: Path) -> dict[str, Any] | None:
    """The stacks of an existing output folder (the CDK's manifest.json), or None when there is none.

    Refuses a folder that exists but is not a synth output: swapping it out would delete whatever it holds.
    """
    if not outdir.exists():
        return None
    if not outdir.is_dir():
        raise OutputFolderError(f"{display_path(outdir)}: exists and is not a folder")
    manifest = outdir / MANIFEST
    if not manifest.exists():
        if any(outdir.iterdir()):
            raise OutputFolderError(
                f"{display_path(outdir)}: exists, is not empty and has no {MANIFEST}, so it is not a synth "
                "output; refusing to replace it (choose another folder, or remove it)"
            )
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        stacks = data["stacks"]
        if not isinstance(stacks, dict):
            raise TypeError("'stacks' is not an object")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise OutputFolderError(
            f"{display_path(manifest)}: cannot read the previous output's list of stacks ({error}); remove "
            "the folder, or synthesize every environment"
        ) from None
    return stacks


def stack_environment(stack_name: str) -> str:
    """The environment a stack belongs to: stack ids are ``<env>-<layer>`` and environment names have no ``-``."""
    return stack_name.partition("-")[0]


def stack_layer(stack_name: str) -> str:
    return stack_name.partition("-")[2]


def keep_other_environments(
    previous: Mapping[str, Any],
    outdir: Path,
    staging: Path,
    environments: Sequence[str],
    selected_layers: Sequence[str] | None = None,
) -> tuple[str, ...]:
    """Carry the stacks not synthesized now (other environments; with ``selected_layers``, other layers too)
    from the old output into the staged one.

    Their folders are copied as they are, and their manifest entries are merged into the new manifest, so the
    folder and the manifest (which the cdktn/cdktf CLIs read, deleting stack folders it does not list) agree.
    """
    selected = set(environments)

    def chosen(name: str) -> bool:
        in_layers = selected_layers is None or stack_layer(name) in selected_layers
        return stack_environment(name) in selected and in_layers

    kept = sorted(name for name in previous if not chosen(name))
    if not kept:
        return ()
    manifest_path = staging / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name in kept:
        folder = Path("stacks") / name  # where the CDK writes every stack
        if not (outdir / folder).is_dir():
            raise OutputFolderError(
                f"{display_path(outdir / MANIFEST)}: lists stack {name}, but {display_path(outdir / folder)} "
                "is missing; remove the folder, or synthesize every environment"
            )
        shutil.copytree(outdir / folder, staging / folder, symlinks=True)
        manifest["stacks"][name] = previous[name]
    manifest["stacks"] = dict(sorted(manifest["stacks"].items()))
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return tuple(kept)


def drop_producers(staging: Path, producers: Sequence[LayerStack]) -> None:
    """Remove from the staged output the stacks built only as producers of selected layers (``--layer``)."""
    if not producers:
        return
    manifest_path = staging / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for stack in producers:
        shutil.rmtree(staging / "stacks" / stack.label.stack_id)
        manifest["stacks"].pop(stack.label.stack_id, None)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def finalize_staged_output(
    staging: Path,
    stacks: Sequence[LayerStack],
    *,
    previous: Mapping[str, Any] | None,
    outdir: Path,
    keep_others: bool,
    selected_layers: Sequence[str] | None = None,
    documents: dict[str, Mapping[str, Any]] | None = None,
) -> tuple[str, ...]:
    """Everything that completes the staged output before it is swapped in happens here, and may fail here.

    Returns the stacks kept from the previous output. (Per-stack files that are not synthesized, the committed
    provider lock and the modules the stack calls, are copied into ``staging/stacks/<stack>`` here too.)
    ``documents``, when given, receives each synthesized stack's cdk.tf.json as read here (stack id -> JSON).
    """
    modules = ModuleCopies()
    for stack in stacks:
        stack_dir = staging / "stacks" / stack.label.stack_id
        document = read_stack(stack_dir)
        if documents is not None:
            documents[stack.label.stack_id] = document
        copy_provider_lock(stack_dir, document=document)
        modules.copy(stack_dir, document)
    if not (keep_others and previous):
        return ()
    environments = sorted({stack.environment.name for stack in stacks})
    return keep_other_environments(previous, outdir, staging, environments, selected_layers)


def swap_in(
    staging: Path, outdir: Path, *, uninterruptible: Callable[[], AbstractContextManager[object]]
) -> None:
    """Replace ``outdir`` by ``staging``: two renames that a signal never separates."""
    previous = outdir.with_name(f".{outdir.name}.previous-{os.getpid()}")
    with uninterruptible():
        moved_aside = outdir.exists()
        if moved_aside:
            outdir.rename(previous)
        try:
            staging.rename(outdir)
        except BaseException:
            if moved_aside:  # the new output could not take its place: put the previous one back
                previous.rename(outdir)
            raise
        shutil.rmtree(previous, ignore_errors=True)


def synth(
    environments: Sequence[Environment],
    outdir: Path,
    *,
    keep_others: bool = False,
    check: bool = False,
    layers_selected: Sequence[str] | None = None,
    uninterruptible: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext,
) -> SynthResult:
    """Synthesize into a temporary folder, finish it, render the summary, then swap it in.

    Everything that can fail happens before the swap, so ``outdir`` is either the previous output, untouched,
    or the complete new one. ``keep_others`` (a selection of environments was synthesized) carries the stacks
    of the other environments over from the previous output; ``layers_selected`` (``--layer``) synthesizes only
    those layers' stacks (the layers they require are built as producers, not written) and keeps the others. ``check`` does all of it in a private temporary
    folder and swaps nothing in: ``outdir`` is only read.
    """
    outdir = outdir.absolute()
    try:
        previous = previous_manifest(outdir)
    except OutputFolderError:
        if keep_others or not (outdir / MANIFEST).exists():  # stacks to keep are unknown, or not an output
            raise
        previous = None  # replaced as a whole: only the list of removed stacks is lost
    if check:
        parent = Path(tempfile.gettempdir())
    else:
        outdir.parent.mkdir(parents=True, exist_ok=True)
        parent = outdir.parent
    staging: Path | None = None
    try:
        # A signal while the folder is created is raised when this block ends: inside the try, with ``staging``
        # set, so the finally below removes the folder.
        with uninterruptible():
            staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", dir=parent))
        documents: dict[str, Mapping[str, Any]] = {}
        app, built = build_app(environments, outdir=str(staging), only=layers_selected)
        app.synth()
        stacks = [s for s in built if layers_selected is None or s.layer in layers_selected]
        drop_producers(staging, [s for s in built if s not in stacks])
        kept = finalize_staged_output(
            staging,
            stacks,
            previous=previous,
            outdir=outdir,
            keep_others=keep_others or layers_selected is not None,
            selected_layers=layers_selected,
            documents=documents,
        )
        # every environment in the staged output, kept stacks included (read again only those)
        write_diagrams(staging, dot_binary(), documents=documents)
        produced = {stack.label.stack_id for stack in stacks}
        removed = tuple(sorted(name for name in previous or {} if name not in produced and name not in kept))
        summary = render(stacks, display_path(outdir))
        if not check:
            swap_in(staging, outdir, uninterruptible=uninterruptible)
    except BaseException as error:
        if not isinstance(error, Exception):
            # Interrupted (a signal, KeyboardInterrupt) while the CDK may be answering a request: its node
            # process can still be writing into the staging folder, and the pipe holds a reply nobody reads.
            # Stop it before the folder is removed, or a half-written stack could outlive the clean-up.
            stop_engine(kill=True)
        raise
    finally:
        with uninterruptible():  # a signal during the clean-up is raised after it, not instead of it
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    return SynthResult(stacks=stacks, kept=kept, removed=removed, summary=summary)

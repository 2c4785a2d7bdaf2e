"""A picture per environment: its stacks, the modules each calls and the outputs that cross layers.

Written at synth into the staged output, next to the stacks, as ``<outdir>/diagrams/<env>.md`` (a Mermaid
flowchart, which GitHub renders in Markdown and pull-request comments) and, when Graphviz ``dot`` is installed,
``<outdir>/diagrams/<env>.svg`` (its rendering of the same graph in DOT). Drawn from what the synthesized
stacks say (``cdk.tf.json``: the module blocks and the ``terraform_remote_state`` reads their inputs use) in
the registry's order: pure Python over files the synth already wrote, no call into the CDK.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_infra import layers

DIAGRAMS_FOLDER = "diagrams"
DOT_ENV = "LLM_INFRA_DOT"  # the Graphviz dot to use; unset: `dot` on PATH, if any
DOT_TIMEOUT_S = 60
_READ = re.compile(
    r"data\.terraform_remote_state\.(?P<layer>[a-z][a-z0-9_]*)\.outputs\.(?P<field>[a-z][a-z0-9_]*)"
)


@dataclass(frozen=True)
class StackView:
    """One stack as the picture shows it. ``modules``: construct id -> module folder name; ``reads``: (producer
    layer, consumer module or None for the stack itself) -> the producer's outputs read."""

    name: str
    layer: str
    modules: Mapping[str, str]
    reads: Mapping[tuple[str, str | None], tuple[str, ...]]


def stack_view(name: str, document: Mapping[str, Any]) -> StackView:
    modules = {
        construct_id: str(block.get("source", "")).rstrip("/").rsplit("/", 1)[-1]
        for construct_id, block in document.get("module", {}).items()
    }
    reads: dict[tuple[str, str | None], set[str]] = {}
    for construct_id, block in document.get("module", {}).items():
        for match in _READ.finditer(json.dumps(block)):
            reads.setdefault((match["layer"], construct_id), set()).add(match["field"])
    used = {(layer, field) for (layer, _), fields in reads.items() for field in fields}
    rest = {key: value for key, value in document.items() if key not in ("module", "data")}
    for match in _READ.finditer(json.dumps(rest)):  # outputs, checks: read by the stack, not a module
        if (match["layer"], match["field"]) not in used:
            reads.setdefault((match["layer"], None), set()).add(match["field"])
    return StackView(
        name=name,
        layer=name.partition("-")[2],
        modules=modules,
        reads={key: tuple(sorted(fields)) for key, fields in sorted(reads.items(), key=str)},
    )


def _ordered(views: Sequence[StackView]) -> list[StackView]:
    order = {name: index for index, name in enumerate(layers.names())}
    return sorted(views, key=lambda view: (order.get(view.layer, len(order)), view.name))


def _id(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", part) for part in parts)


def mermaid(environment: str, views: Sequence[StackView]) -> str:
    """The Mermaid flowchart (without the Markdown fence)."""
    lines = ["flowchart LR"]
    by_layer = {view.layer: view for view in views}
    for view in _ordered(views):
        lines.append(f'  subgraph {_id(view.name)}["{view.name}"]')
        for construct_id, module in view.modules.items():
            lines.append(f'    {_id(view.name, construct_id)}["module.{construct_id}<br/>modules/{module}"]')
        lines.append("  end")
    for view in _ordered(views):
        for (layer, consumer), fields in view.reads.items():
            producer = by_layer.get(layer)
            source = _id(producer.name) if producer else _id(f"{environment}-{layer}")
            target = _id(view.name, consumer) if consumer else _id(view.name)
            lines.append(f'  {source} -- "{"<br/>".join(fields)}" --> {target}')
    return "\n".join(lines) + "\n"


def markdown(environment: str, views: Sequence[StackView]) -> str:
    return (
        f"# {environment}: stacks, modules and the outputs that cross layers\n\n"
        "Generated at synth from the stacks in `stacks/` (an arrow: a layer's outputs that a module of another "
        "layer's stack reads through `terraform_remote_state`).\n\n"
        f"```mermaid\n{mermaid(environment, views)}```\n"
    )


def dot(environment: str, views: Sequence[StackView]) -> str:
    """The same graph in Graphviz DOT."""
    lines = [f'digraph "{environment}" {{', "  rankdir=LR; compound=true; node [shape=box, fontsize=10];"]
    by_layer = {view.layer: view for view in views}
    anchors: dict[str, str] = {}
    for view in _ordered(views):
        lines.append(f'  subgraph cluster_{_id(view.name)} {{ label="{view.name}";')
        anchor = _id(view.name, "stack")
        lines.append(f'    {anchor} [label="", shape=point, style=invis];')
        anchors[view.name] = anchor
        for construct_id, module in view.modules.items():
            lines.append(
                f'    {_id(view.name, construct_id)} [label="module.{construct_id}\\nmodules/{module}"];'
            )
        lines.append("  }")
    for view in _ordered(views):
        for (layer, consumer), fields in view.reads.items():
            producer = by_layer.get(layer)
            if producer is None:
                continue
            source = anchors[producer.name]
            target = _id(view.name, consumer) if consumer else anchors[view.name]
            label = "\\n".join(fields)
            lines.append(
                f'  {source} -> {target} [label="{label}", fontsize=9, ltail=cluster_{_id(producer.name)}];'
            )
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_binary() -> str | None:
    return os.environ.get(DOT_ENV) or shutil.which("dot")


def write_diagrams(
    output: Path, dot_command: str | None = None, *, documents: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Path]:
    """Write the picture of every environment whose stacks are in ``output`` (a synth output folder: its
    ``stacks/*/cdk.tf.json``). ``documents``: stacks' JSON already read (stack id -> document); the others are
    read here. Returns the files written. A failing ``dot`` raises (the synth then fails, and nothing is swapped
    in)."""
    known = documents or {}
    views: dict[str, list[StackView]] = {}
    for path in sorted((output / "stacks").glob("*/cdk.tf.json")):
        name = path.parent.name
        document = known.get(name) or json.loads(path.read_text(encoding="utf-8"))
        views.setdefault(name.partition("-")[0], []).append(stack_view(name, document))
    folder = output / DIAGRAMS_FOLDER
    folder.mkdir(exist_ok=True)
    written = []
    for environment, stacks in sorted(views.items()):
        target = folder / f"{environment}.md"
        target.write_text(markdown(environment, stacks), encoding="utf-8")
        written.append(target)
    if dot_command:
        written.extend(_render_svgs(dot_command, folder, views))
    return written


def _render_svgs(dot_command: str, folder: Path, views: Mapping[str, Sequence[StackView]]) -> list[Path]:
    """One ``dot -Tsvg`` per environment, all running at once (each takes ~0.1 s; a synth waits for the
    slowest, not for their sum)."""
    running: dict[str, subprocess.Popen[str]] = {}
    try:
        for environment, stacks in sorted(views.items()):
            process = subprocess.Popen(
                [dot_command, "-Tsvg"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            running[environment] = process
            source = dot(environment, stacks)  # a few KiB: fits the pipe, so every dot lays out at once
            assert process.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # a dot that exits at once: reported below
                process.stdin.write(source)
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()
        written = []
        for environment, process in running.items():
            assert process.stdout is not None and process.stderr is not None
            stdout = process.stdout.read()  # dot writes a few lines to stderr at most: read after stdout
            stderr = process.stderr.read()
            process.wait(timeout=DOT_TIMEOUT_S)
            if process.returncode != 0:
                raise RuntimeError(f"{dot_command} -Tsvg failed for {environment}: {stderr.strip()[-500:]}")
            (folder / f"{environment}.svg").write_text(stdout, encoding="utf-8")
            written.append(folder / f"{environment}.svg")
        return written
    finally:
        for process in running.values():
            if process.poll() is None:
                process.kill()
                process.wait()

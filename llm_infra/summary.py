"""The short table ``make synth`` prints: what was written, and each layer's note (``LAYER.note``), e.g. whether
storage keeps up with training."""

from __future__ import annotations

from collections.abc import Sequence

from llm_infra import layers
from llm_infra.stacks.base import LayerStack


def note(stack: LayerStack) -> str:
    """The note of the stack's layer (from the registry; empty for a layer that has none)."""
    by_name = {layer.name: layer for layer in layers.registry()}
    layer = by_name.get(stack.layer)
    return layer.note(stack.environment) if layer is not None else ""


def render(stacks: Sequence[LayerStack], outdir: str) -> str:
    rows = [("stack", "state key", "notes")]
    rows += [(s.label.stack_id, s.state_key, note(s)) for s in stacks]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
    lines.insert(1, f"{'-' * widths[0]}  {'-' * widths[1]}  -----")
    lines.append(f"{len(stacks)} stack(s) written to {outdir}/stacks")
    return "\n".join(lines)

"""The short table ``make synth`` prints: what was written, and whether storage keeps up with training."""

from __future__ import annotations

from collections.abc import Sequence

from llm_infra.config.efa import max_efa_interfaces
from llm_infra.stacks.base import LayerStack


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def storage_note(stack: LayerStack) -> str:
    storage = stack.environment.storage
    if storage is None or storage.fsx is None:
        return ""
    fsx = storage.fsx
    per_unit = fsx.per_unit_storage_throughput or "200 (baseline)"
    return (
        f"FSx {fsx.deployment_type} {fsx.storage_capacity_gib} GiB x {per_unit} MB/s/TiB = "
        f"{fsx.aggregate_throughput_mbps:,.0f} MB/s; {storage.checkpoint_size_gib:g} GiB checkpoint "
        f"~ {_duration(storage.checkpoint_write_seconds())}"
    )


def network_note(stack: LayerStack) -> str:
    network = stack.environment.network
    table = max_efa_interfaces()
    templates = ", ".join(
        f"{t.instance_type} x{table.get(t.instance_type, 0)} EFA"
        for t in network.efa_launch_templates.values()
    )
    egress = "closed (endpoints)" if network.closed_network else f"NAT {network.nat_gateway_mode}"
    return f"{len(network.az_ids)} AZ ({', '.join(network.az_ids)}), {egress}" + (
        f"; {templates}" if templates else ""
    )


NOTES = {"network": network_note, "storage": storage_note}


def render(stacks: Sequence[LayerStack], outdir: str) -> str:
    rows = [("stack", "state key", "notes")]
    rows += [(s.label.stack_id, s.state_key, NOTES.get(s.layer, lambda _s: "")(s)) for s in stacks]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
    lines.insert(1, f"{'-' * widths[0]}  {'-' * widths[1]}  -----")
    lines.append(f"{len(stacks)} stack(s) written to {outdir}/stacks")
    return "\n".join(lines)

"""The training layer's summary line: nodes and accelerators, aggregate accelerator memory, EFA bandwidth per
node, FSx throughput per accelerator, the time to write one checkpoint and whether the model's training state fits.

Formula (README): training state = parameters_billion x 1e9 x bytes_per_parameter (default 16: bf16 weights and
gradients, fp32 master weights and two Adam moments); it fits when state <= sum over groups of count x
accelerators x memory per accelerator. Checkpoint time = state / FSx aggregate throughput.
"""

from __future__ import annotations

from dataclasses import dataclass

from llm_infra.config.efa import ec2_type
from llm_infra.layers.storage.summary import _duration
from llm_infra.layers.training.config import TrainingConfig


@dataclass(frozen=True)
class Accelerators:
    count: int
    memory_gib: float  # per accelerator
    efa_gbps: int  # per node, 0 without EFA


# AWS instance-type pages (accelerators, memory, EFA network bandwidth). Types absent here count no accelerators.
ACCELERATORS: dict[str, Accelerators] = {
    "p4d.24xlarge": Accelerators(8, 40, 400),
    "p4de.24xlarge": Accelerators(8, 80, 400),
    "p5.48xlarge": Accelerators(8, 80, 3200),
    "p5e.48xlarge": Accelerators(8, 141, 3200),
    "p5en.48xlarge": Accelerators(8, 141, 3200),
    "trn1.32xlarge": Accelerators(16, 32, 800),
    "trn1n.32xlarge": Accelerators(16, 32, 1600),
    "trn2.48xlarge": Accelerators(16, 96, 3200),
    "g5.xlarge": Accelerators(1, 24, 0),
    "g5.2xlarge": Accelerators(1, 24, 0),
    "g5.4xlarge": Accelerators(1, 24, 0),
    "g5.8xlarge": Accelerators(1, 24, 0),
    "g5.12xlarge": Accelerators(4, 24, 0),
    "g5.48xlarge": Accelerators(8, 24, 0),
}


def note(training: TrainingConfig, fsx_throughput_mbps: float | None) -> str:
    nodes = sum(g.count for g in training.groups.values())
    accelerated = [
        (g, ACCELERATORS[ec2_type(g.instance_type)])
        for g in training.groups.values()
        if ec2_type(g.instance_type) in ACCELERATORS
    ]
    chips = sum(g.count * a.count for g, a in accelerated)
    memory_gib = sum(g.count * a.count * a.memory_gib for g, a in accelerated)
    efa = max((a.efa_gbps for _g, a in accelerated), default=0)
    parts = [
        f"{nodes} nodes, {chips} accelerators, {memory_gib / 1024:,.2f} TiB accelerator memory",
        f"EFA {efa} Gbps/node" if efa else "no EFA",
    ]
    if fsx_throughput_mbps and chips:
        parts.append(f"FSx {fsx_throughput_mbps / chips:,.0f} MB/s per accelerator")
    if training.model is not None:
        state_gib = training.model.parameters_billion * 1e9 * training.model.bytes_per_parameter / 2**30
        fits = "fits" if state_gib <= memory_gib else "does NOT fit"
        parts.append(
            f"model {training.model.parameters_billion:g}B x {training.model.bytes_per_parameter:g} B "
            f"= {state_gib / 1024:,.2f} TiB state {fits}"
        )
        if fsx_throughput_mbps:
            parts.append(f"checkpoint ~ {_duration(state_gib * 1024 / fsx_throughput_mbps)}")
    return "; ".join(parts)

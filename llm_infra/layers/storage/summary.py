"""The storage layer's line in the synth summary: does the file system keep up with a checkpoint?"""

from __future__ import annotations

from llm_infra.layers.storage.config import StorageConfig


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def note(storage: StorageConfig) -> str:
    if storage.fsx is None:
        return ""
    fsx = storage.fsx
    per_unit = fsx.per_unit_storage_throughput or "200 (baseline)"
    return (
        f"FSx {fsx.deployment_type} {fsx.storage_capacity_gib} GiB x {per_unit} MB/s/TiB = "
        f"{fsx.aggregate_throughput_mbps:,.0f} MB/s; {storage.checkpoint_size_gib:g} GiB checkpoint "
        f"~ {_duration(storage.checkpoint_write_seconds())}"
    )

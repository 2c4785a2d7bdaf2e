"""What preflight checks for the storage layer: the file system's AZ, where the training instances must run."""

from __future__ import annotations

from llm_infra.layers.spec import PreflightInputs
from llm_infra.layers.storage.config import StorageConfig


def inputs(storage: StorageConfig) -> PreflightInputs:
    # The storage layer's keys name no service-linked role (FSx's role is matched by a condition).
    if storage.fsx is None:
        return PreflightInputs()
    az_ids = (storage.fsx.az_id,)
    return PreflightInputs(az_ids=az_ids, pinned_az_ids=az_ids, pinned_reason="the file system's AZ")

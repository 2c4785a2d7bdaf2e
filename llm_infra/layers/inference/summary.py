"""The inference layer's line in the synth summary: per endpoint, what it runs on and whether the weights fit."""

from __future__ import annotations

from llm_infra.layers.inference.config import InferenceConfig
from llm_infra.layers.inference.config import note as endpoint_note


def note(inference: InferenceConfig) -> str:
    """One part per endpoint, e.g. ``large: ml.inf2.48xlarge x 2-3, 24 NeuronCores, tp 24, 1 copy per instance,
    70B bf16 = 130 GiB of 384 GiB, rollout ROLLING 50% with auto-rollback``."""
    return "; ".join(endpoint_note(key, inference.endpoints[key]) for key in sorted(inference.endpoints))

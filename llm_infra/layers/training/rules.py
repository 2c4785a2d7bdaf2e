"""Training rules that need more than the ``[training]`` table: every group in one of the network's AZ IDs
(TRN-015) and, when the file system has EFA, every accelerated group in the FSx AZ (TRN-016: EFA to Lustre needs
the same AZ)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llm_infra.config.types import rule
from llm_infra.layers.spec import Problems
from llm_infra.layers.training.config import TrainingConfig

if TYPE_CHECKING:
    from llm_infra.config import Environment


def training_rules(training: TrainingConfig, az_ids: tuple[str, ...], fsx: Any | None) -> Problems:
    """The cross-layer rules on plain inputs (the network's AZ IDs, the storage layer's FSx table or None)."""
    problems: Problems = []
    for name, group in training.groups.items():
        if group.az_id not in az_ids:
            problems.append(
                rule(
                    f"training.groups.{name}.az_id",
                    "not one of the environment's AZ IDs",
                    group.az_id,
                    id="TRN-015",
                    allowed=", ".join(az_ids),
                )
            )
    if fsx is not None and fsx.efa_enabled:
        for name, group in training.accelerated_groups.items():
            if group.az_id != fsx.az_id:
                problems.append(
                    rule(
                        f"training.groups.{name}.az_id",
                        "an accelerated group must be in the AZ of the EFA-enabled file system",
                        group.az_id,
                        id="TRN-016",
                        allowed=fsx.az_id,
                    )
                )
    return problems


def rules(environment: Environment) -> Problems:
    from llm_infra.layers.network import LAYER as NETWORK  # noqa: PLC0415
    from llm_infra.layers.storage import LAYER as STORAGE  # noqa: PLC0415

    training = getattr(environment, "training", None)
    if not isinstance(training, TrainingConfig) or not training.enabled:
        return []
    storage = STORAGE.config(environment)
    return training_rules(training, NETWORK.require(environment).az_ids, storage.fsx if storage else None)

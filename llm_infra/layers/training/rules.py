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
    if storage is not None and storage.fsx is None:
        # Every node mounts the file system (node-config.json, the cluster's fsx_lustre_config): no FSx, no cluster.
        return [
            rule(
                "training.enabled",
                "the HyperPod cluster mounts the storage layer's FSx for Lustre file system, which "
                "storage.fsx_enabled = false turns off",
                True,
                id="TRN-021",
                allowed="storage.fsx_enabled = true, or training.enabled = false",
            )
        ]
    problems = training_rules(training, NETWORK.require(environment).az_ids, storage.fsx if storage else None)
    buckets = tuple(storage.buckets) if storage else ()
    return problems + naming_rules(environment, training, buckets)


def naming_rules(environment: Environment, training: TrainingConfig, buckets: tuple[str, ...]) -> Problems:
    """What the training and hyperpod stacks derive must fit their modules: the lifecycle bucket name (HPP-002),
    the cluster's tag count (TRN-019), and the buckets the nodes read and write must be storage buckets (TRN-020)."""
    from llm_infra.layers.training.names import (  # noqa: PLC0415
        CLUSTER_TAGS_MAX,
        LIFECYCLE_BUCKET_PREFIX_MAX,
        cluster_tags,
        lifecycle_bucket_prefix,
    )

    problems: Problems = []
    prefix = lifecycle_bucket_prefix(environment)
    if len(prefix) > LIFECYCLE_BUCKET_PREFIX_MAX:
        problems.append(
            rule(
                "namespace",
                f"the lifecycle bucket prefix {prefix} is {len(prefix)} characters",
                environment.namespace,
                id="HPP-002",
                allowed=f"a namespace and name that keep it at most {LIFECYCLE_BUCKET_PREFIX_MAX}",
            )
        )
    tags = cluster_tags(environment)
    if len(tags) > CLUSTER_TAGS_MAX:
        problems.append(
            rule(
                "tags.extra",
                f"the HyperPod cluster would get {len(tags)} tags",
                len(tags),
                id="TRN-019",
                allowed=f"at most {CLUSTER_TAGS_MAX} with the label's own",
            )
        )
    for field in ("read_buckets", "write_buckets"):
        for key in getattr(training, field):
            if key not in buckets:
                problems.append(
                    rule(
                        f"training.{field}",
                        "not a bucket of the storage layer",
                        key,
                        id="TRN-020",
                        allowed=", ".join(sorted(buckets)) or "none configured",
                    )
                )
    return problems

"""Wrapper of ``modules/hyperpod-prerequisites``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from llm_infra.cdk import Construct, Provider
from llm_infra.layers.training.config import PosixUser
from llm_infra.wrappers.base import ModuleWrapper


class HyperpodPrerequisitesModule(ModuleWrapper):
    module_name = "hyperpod-prerequisites"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        permissions_boundary: str | None = None,
        provider: Provider,
        name: str,
        bucket_name: str,
        cluster_name: str,
        dataset_bucket_arns: Sequence[str],
        checkpoint_bucket_arns: Sequence[str],
        kms_key_arn: str,
        fsx: Mapping[str, Any] | None,
        users: Sequence[PosixUser],
        observability: Mapping[str, str] | None,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            variables={
                "permissions_boundary": permissions_boundary,
                "name": name,
                "bucket_name": bucket_name,
                "cluster_name": cluster_name,
                "storage": {
                    "dataset_bucket_arns": list(dataset_bucket_arns),
                    "checkpoint_bucket_arns": list(checkpoint_bucket_arns),
                    "kms_key_arn": kms_key_arn,
                },
                "fsx": dict(fsx) if fsx is not None else None,
                "users": [{"name": u.name, "uid": u.uid, "groups": list(u.groups)} for u in users],
                "observability": dict(observability) if observability is not None else None,
            },
            # Explicit: the module hands its default provider on to s3-buckets as both `aws` and `aws.replica`,
            # and terraform then requires the caller to pass `aws` by name (implicit inheritance fails).
            providers={"aws": provider},
        )

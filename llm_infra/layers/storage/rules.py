"""Storage rules that need more than the ``[storage]`` table: bucket names (namespace, environment, account),
the FSx AZ among the network's AZ IDs (CFG-004), the replica region unlike the home region (CFG-011)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_infra.config.limits import s3_limits
from llm_infra.config.types import rule
from llm_infra.layers.network import LAYER as NETWORK
from llm_infra.layers.spec import Problems
from llm_infra.layers.storage.config import StorageConfig, storage_bucket_prefix

if TYPE_CHECKING:
    from llm_infra.config import Environment

# The s3-buckets module names data buckets "<name>-<key>" and replicas "<name>-<key>-replica".
_S3 = s3_limits()
MAX_BUCKET_NAME = int(_S3["bucket_name_max_length"])


def rules(environment: Environment) -> Problems:
    from llm_infra.layers.storage import LAYER  # noqa: PLC0415 - the package imports this module lazily

    storage = LAYER.require(environment)
    problems = bucket_name_rules(environment, storage)
    if storage.fsx is not None:
        az_ids = NETWORK.require(environment).az_ids
        if storage.fsx.az_id not in az_ids:
            problems.append(
                rule(
                    "storage.fsx.az_id",
                    "not one of the environment's AZ IDs",
                    storage.fsx.az_id,
                    id="CFG-004",
                    allowed=", ".join(az_ids),
                )
            )
        replication = storage.replication
        if replication.enabled and replication.region == environment.region:
            problems.append(
                rule(
                    "storage.replication.region",
                    f"must differ from the home region {environment.region}",
                    replication.region,
                    id="CFG-011",
                )
            )
    return problems


def bucket_name_rules(environment: Environment, storage: StorageConfig) -> Problems:
    prefix = storage_bucket_prefix(environment.namespace, environment.name, environment.account_id)
    problems = []
    reserved_prefix = next((p for p in _S3["reserved_bucket_prefixes"] if prefix.startswith(p)), None)
    if reserved_prefix is not None:
        problems.append(
            rule(
                "namespace",
                f"bucket names would start with {reserved_prefix!r}, which S3 reserves",
                environment.namespace,
                id="S3-002",
            )
        )
    for key, bucket in storage.buckets.items():
        name = f"{prefix}-{key}"
        if len(name) > MAX_BUCKET_NAME:
            problems.append(
                rule(
                    f"storage.buckets.{key}",
                    f"bucket name {name} is {len(name)} characters",
                    key,
                    id="S3-006",
                    allowed=f"at most {MAX_BUCKET_NAME}",
                )
            )
        elif storage.replication.enabled and bucket.replicate and len(f"{name}-replica") > MAX_BUCKET_NAME:
            replica = f"{name}-replica"
            problems.append(
                rule(
                    f"storage.buckets.{key}",
                    f"bucket name {replica} is {len(replica)} characters",
                    key,
                    id="S3-007",
                    allowed=f"at most {MAX_BUCKET_NAME}",
                )
            )
        suffix = next((x for x in _S3["reserved_bucket_suffixes"] if name.endswith(x)), None)
        if suffix is not None:
            problems.append(
                rule(
                    f"storage.buckets.{key}",
                    f"bucket name {name} ends with {suffix!r}, which S3 reserves",
                    key,
                    id="S3-008",
                )
            )
    return problems

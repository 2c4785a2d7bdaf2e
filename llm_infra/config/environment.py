"""The whole validated configuration of one environment."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.network import NetworkConfig
from llm_infra.config.storage import StorageConfig
from llm_infra.config.types import AccountId, BucketName, KmsKeyArn, Region, RoleArn, rule, violations


class TagsConfig(Model):
    project: str = Field(min_length=1, max_length=256)
    owner: str = Field(min_length=1, max_length=256)
    cost_center: str = Field(min_length=1, max_length=256)
    extra: dict[str, str] = {}


class StateConfig(Model):
    """Where this environment's Terraform state lives (created by scripts/bootstrap_state.py)."""

    bucket: BucketName
    kms_key_arn: KmsKeyArn
    region: Region | None = None
    noncurrent_version_expiration_days: int = Field(default=90, ge=1, le=3650)


class ProtectionConfig(Model):
    prevent_destroy: bool = False


_DIRECTIONS = {
    "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
# An S3 bucket name is at most 63 characters; the s3-buckets module names replicas "<name>-<key>-replica".
MAX_BUCKET_NAME = 63


def az_id_prefix(region: str) -> str | None:
    """``us-west-2`` -> ``usw2``, ``ap-southeast-1`` -> ``apse1``, ``us-gov-west-1`` -> ``usgw1``; None if unknown."""
    parts = region.split("-")
    country, number, middle = parts[0], parts[-1], parts[1:-1]
    letters = ["g" if part == "gov" else _DIRECTIONS.get(part, "") for part in middle]
    return None if "" in letters else country + "".join(letters) + number


def storage_bucket_prefix(namespace: str, environment: str, account_id: str) -> str:
    """Prefix of the data bucket names (the storage layer's label plus the account, for global uniqueness)."""
    return f"{namespace}-{environment}-storage-{account_id}"


class Environment(Model):
    name: str = Field(pattern=r"^[a-z][a-z0-9]{1,11}$")
    namespace: str = Field(pattern=r"^[a-z][a-z0-9]{1,9}$")
    account_id: AccountId
    region: Region
    role_arn: RoleArn | None = None
    tags: TagsConfig
    protection: ProtectionConfig = ProtectionConfig()
    state: StateConfig
    network: NetworkConfig
    storage: StorageConfig | None = None

    @property
    def state_region(self) -> str:
        return self.state.region or self.region

    @model_validator(mode="after")
    def _rules(self) -> Environment:
        problems: list[dict[str, Any]] = []
        prefix = az_id_prefix(self.region)
        for az_id in self.network.az_ids:
            if prefix is not None and not az_id.startswith(f"{prefix}-"):
                problems.append(
                    rule(
                        "network",
                        f"AZ ID {az_id} is not in region {self.region} (expected {prefix}-az<N>)",
                        az_id,
                    )
                )
        if self.storage is not None and self.storage.enabled:
            problems += self._bucket_name_rules(self.storage)
        if self.role_arn is not None and f"::{self.account_id}:" not in self.role_arn:
            problems.append(rule("role_arn", f"role is not in account {self.account_id}", self.role_arn))
        if self.storage is not None and self.storage.enabled and self.storage.fsx is not None:
            az_ids = self.network.az_ids
            if self.storage.fsx.az_id not in az_ids:
                problems.append(
                    rule(
                        "storage.fsx.az_id",
                        f"not one of the environment's AZ IDs ({', '.join(az_ids)})",
                        self.storage.fsx.az_id,
                    )
                )
            replication = self.storage.replication
            if replication.enabled and replication.region == self.region:
                problems.append(
                    rule(
                        "storage.replication.region",
                        f"must differ from the home region {self.region}",
                        replication.region,
                    )
                )
        if problems:
            raise violations(problems)
        return self

    def _bucket_name_rules(self, storage: StorageConfig) -> list[dict[str, Any]]:
        prefix = storage_bucket_prefix(self.namespace, self.name, self.account_id)
        problems = []
        for key, bucket in storage.buckets.items():
            suffix = "-replica" if storage.replication.enabled and bucket.replicate else ""
            name = f"{prefix}-{key}{suffix}"
            if len(name) > MAX_BUCKET_NAME:
                problems.append(
                    rule(
                        f"storage.buckets.{key}",
                        f"bucket name {name} is {len(name)} characters (max 63)",
                        key,
                    )
                )
        return problems

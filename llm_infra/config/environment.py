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
        if self.role_arn is not None and f"::{self.account_id}:" not in self.role_arn:
            problems.append(rule("role_arn", f"role is not in account {self.account_id}", self.role_arn))
        if self.storage is not None and self.storage.enabled:
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

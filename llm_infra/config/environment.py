"""The whole validated configuration of one environment."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.limits import s3_limits
from llm_infra.config.network import NetworkConfig
from llm_infra.config.storage import StorageConfig
from llm_infra.config.types import (
    AccountId,
    BucketName,
    KmsKeyArn,
    Region,
    RoleArn,
    Rule,
    StrictBool,
    StrictInt,
    invalid,
    rule,
    violations,
)
from llm_infra.label import Label

# AWS tags (Tagging API, "Tag naming limits and requirements"): keys 1-128 and values 0-256 Unicode
# characters of letters, digits, white space and _ . : / = + - @; the aws: prefix is reserved for AWS.
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
_TAG_PUNCTUATION = set("_.:/=+-@")
_TAG_CHARSET = "letters, digits, spaces and _ . : / = + - @"


def _tag_text_ok(text: str) -> bool:
    return all(
        ch.isalpha() or ch.isnumeric() or unicodedata.category(ch).startswith("Z") or ch in _TAG_PUNCTUATION
        for ch in text
    )


def _tag_value(value: str) -> str:
    if not _tag_text_ok(value):
        raise invalid("tag_charset", "not a valid tag value", _TAG_CHARSET)
    return value


TagValue = Annotated[str, Field(max_length=TAG_VALUE_MAX), AfterValidator(_tag_value)]


class TagsConfig(Model):
    project: Annotated[TagValue, Field(min_length=1), Rule("CFG-007")]
    owner: Annotated[TagValue, Field(min_length=1), Rule("CFG-007")]
    cost_center: Annotated[TagValue, Field(min_length=1), Rule("CFG-007")]
    extra: Annotated[dict[str, TagValue], Rule("CFG-007")] = {}

    @model_validator(mode="after")
    def _rules(self) -> TagsConfig:
        problems = []
        for key in self.extra:
            path = f"extra.{key}"
            if not 1 <= len(key) <= TAG_KEY_MAX or not _tag_text_ok(key):
                problems.append(
                    rule(
                        path,
                        "not a valid tag key",
                        key,
                        id="CFG-007",
                        allowed=f"1-{TAG_KEY_MAX} {_TAG_CHARSET}",
                    )
                )
            if key.lower().startswith("aws:"):
                problems.append(
                    rule(
                        path,
                        "the aws: prefix is reserved for AWS",
                        key,
                        id="CFG-007",
                        allowed="any other key",
                    )
                )
        if problems:
            raise violations(problems)
        return self


class StateConfig(Model):
    """Where this environment's Terraform state lives (created by scripts/bootstrap_state.py)."""

    bucket: Annotated[BucketName, Rule("CFG-012")]
    kms_key_arn: Annotated[KmsKeyArn, Rule("CFG-012")]
    region: Annotated[Region | None, Rule("CFG-012")] = None
    noncurrent_version_expiration_days: Annotated[StrictInt, Field(ge=1, le=3650), Rule("CFG-009")] = 90


class ProtectionConfig(Model):
    prevent_destroy: StrictBool = False


_DIRECTIONS = {
    "east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}  # fmt: skip
# The s3-buckets module names data buckets "<name>-<key>" and replicas "<name>-<key>-replica".
_S3 = s3_limits()
MAX_BUCKET_NAME = int(_S3["bucket_name_max_length"])


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
    account_id: Annotated[AccountId, Rule("CFG-012")]
    region: Annotated[Region, Rule("CFG-012")]
    role_arn: Annotated[RoleArn | None, Rule("CFG-003")] = None
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
                        f"AZ ID {az_id} is not in region {self.region}",
                        az_id,
                        id="CFG-002",
                        allowed=f"{prefix}-az<N>",
                    )
                )
        if self.storage is not None and self.storage.enabled:
            problems += self._bucket_name_rules(self.storage)
        problems += self._tag_rules()
        if self.role_arn is not None and f"::{self.account_id}:" not in self.role_arn:
            problems.append(
                rule("role_arn", f"role is not in account {self.account_id}", self.role_arn, id="CFG-003")
            )
        if self.storage is not None and self.storage.enabled and self.storage.fsx is not None:
            az_ids = self.network.az_ids
            if self.storage.fsx.az_id not in az_ids:
                problems.append(
                    rule(
                        "storage.fsx.az_id",
                        "not one of the environment's AZ IDs",
                        self.storage.fsx.az_id,
                        id="CFG-004",
                        allowed=", ".join(az_ids),
                    )
                )
            replication = self.storage.replication
            if replication.enabled and replication.region == self.region:
                problems.append(
                    rule(
                        "storage.replication.region",
                        f"must differ from the home region {self.region}",
                        replication.region,
                        id="CFG-011",
                    )
                )
        if problems:
            raise violations(problems)
        return self

    def _tag_rules(self) -> list[dict[str, Any]]:
        """Keys of ``tags.extra`` must not collide with the tags the label sets (it would overwrite them)."""
        plain = self.model_copy(update={"tags": self.tags.model_copy(update={"extra": {}})})
        reserved = sorted(Label.for_layer(plain, "network").tags)
        return [
            rule(
                f"tags.extra.{key}",
                "collides with a tag the label sets",
                key,
                id="CFG-008",
                allowed=f"any key but {', '.join(reserved)}",
            )
            for key in self.tags.extra
            if key in reserved
        ]

    def _bucket_name_rules(self, storage: StorageConfig) -> list[dict[str, Any]]:
        prefix = storage_bucket_prefix(self.namespace, self.name, self.account_id)
        problems = []
        reserved_prefix = next((p for p in _S3["reserved_bucket_prefixes"] if prefix.startswith(p)), None)
        if reserved_prefix is not None:
            problems.append(
                rule(
                    "namespace",
                    f"bucket names would start with {reserved_prefix!r}, which S3 reserves",
                    self.namespace,
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
            elif (
                storage.replication.enabled and bucket.replicate and len(f"{name}-replica") > MAX_BUCKET_NAME
            ):
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

"""The whole validated configuration of one environment."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, Field, create_model, model_validator

from llm_infra import layers
from llm_infra.config.base import Model
from llm_infra.config.types import (
    AccountId,
    BucketName,
    KmsKeyArn,
    PolicyArn,
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


class EnvironmentBase(Model):
    """What every environment has besides its layers' tables; ``Environment`` adds one field per layer."""

    name: str = Field(pattern=r"^[a-z][a-z0-9]{1,11}$")
    namespace: str = Field(pattern=r"^[a-z][a-z0-9]{1,9}$")
    account_id: Annotated[AccountId, Rule("CFG-012")]
    region: Annotated[Region, Rule("CFG-012")]
    role_arn: Annotated[RoleArn | None, Rule("CFG-003")] = None
    # The permissions boundary every role the stacks create carries (modules/ci-identities makes it; the CI apply
    # role may create roles only with it). Every module that creates a role takes it as `permissions_boundary`.
    permissions_boundary_arn: Annotated[PolicyArn | None, Rule("CFG-014")] = None
    tags: TagsConfig
    protection: ProtectionConfig = ProtectionConfig()
    state: StateConfig

    @property
    def state_region(self) -> str:
        return self.state.region or self.region

    @model_validator(mode="after")
    def _rules(self) -> EnvironmentBase:
        problems: list[dict[str, Any]] = []
        problems += self._tag_rules()
        if self.role_arn is not None and f"::{self.account_id}:" not in self.role_arn:
            problems.append(
                rule("role_arn", f"role is not in account {self.account_id}", self.role_arn, id="CFG-003")
            )
        boundary = self.permissions_boundary_arn
        if boundary is not None and f"::{self.account_id}:" not in boundary:
            problems.append(
                rule(
                    "permissions_boundary_arn",
                    f"policy is not in account {self.account_id}",
                    boundary,
                    id="CFG-014",
                )
            )
        for layer in layers.registry():
            if not layer.is_on(self):
                continue
            missing = [name for name in layer.requires if not layers.lookup(name).is_on(self)]
            for name in missing:
                problems.append(
                    rule(
                        layer.enabled_path(),
                        f"requires layer {name}, which is disabled in this environment",
                        True,
                        id="CFG-013",
                        allowed=f"enable {layers.lookup(name).enabled_path()}, or disable {layer.name}",
                    )
                )
            if not missing:
                problems += layer.rules(self)
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


@cache
def _compose(registered: Sequence[layers.AnyLayer]) -> type[EnvironmentBase]:
    fields: dict[str, Any] = {
        layer.table: (layer.config_model, ...) if layer.required_table else (layer.config_model | None, None)
        for layer in registered
        if layer.table_from is None  # a layer reading another layer's table adds no field
    }
    model: type[EnvironmentBase] = create_model(
        "Environment", __base__=EnvironmentBase, __module__=__name__, **fields
    )
    model.__doc__ = (
        "The whole validated configuration of one environment: the base fields and one table per layer."
    )
    return model


def environment_model() -> type[EnvironmentBase]:
    """The environment model of the layers registered now (each layer's table, typed by its config model)."""
    return _compose(layers.registry())


if TYPE_CHECKING:
    Environment = EnvironmentBase  # layer tables are read through each layer's typed accessor (LAYER.config)
else:
    Environment = environment_model()

"""One label derives every name and tag: ``<namespace>-<environment>-<layer>[-<name>]``.

Three forms of the name: ``prefix`` (``llm-prod-storage``) for most resources, ``scoped(account)`` for names that
must be unique across AWS (S3 buckets), and ``short`` (``llm-prod-sto``) for services with tight name limits
(a SageMaker endpoint-config ``name_prefix`` allows 37 characters, an IAM ``name_prefix`` 38). ``fit`` builds a
name within a service's budget or says, in one line, by how much it is over; layers call it from their config
rules, so an over-long name is a config error before synth, never an apply-time failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if (
    TYPE_CHECKING
):  # the config reads the label's tag keys, so the label must not import the config at run time
    from llm_infra.config import Environment


@dataclass(frozen=True)
class Label:
    namespace: str
    environment: str
    layer: str
    org_tags: tuple[tuple[str, str], ...] = ()

    @classmethod
    def for_layer(cls, environment: Environment, layer: str) -> Label:
        tags = environment.tags
        org = {"Project": tags.project, "Owner": tags.owner, "CostCenter": tags.cost_center, **tags.extra}
        return cls(environment.namespace, environment.name, layer, tuple(sorted(org.items())))

    @property
    def prefix(self) -> str:
        return f"{self.namespace}-{self.environment}-{self.layer}"

    @property
    def short(self) -> str:
        """``<namespace>-<environment>-<first 3 letters of the layer>``: at most 10 + 1 + 12 + 1 + 3 = 27
        characters (the namespace and environment patterns cap them), for services with tight name limits."""
        return f"{self.namespace}-{self.environment}-{short_layer(self.layer)}"

    def scoped(self, account_id: str) -> str:
        """The prefix plus the account id, for names that must be unique across all of AWS (bucket names)."""
        return f"{self.prefix}-{account_id}"

    def fit(self, limit: int, *parts: str, what: str, short: bool = False, start: str = "") -> str:
        """``start`` + the prefix (or the short form) + ``parts`` joined by ``-``, if it has at most ``limit``
        characters; else NameBudgetError naming ``what``, the name and the budget."""
        name = start + "-".join((self.short if short else self.prefix, *parts))
        if len(name) > limit:
            raise NameBudgetError(what=what, name=name, limit=limit)
        return name

    @property
    def stack_id(self) -> str:
        return f"{self.environment}-{self.layer}"

    def name(self, *parts: str) -> str:
        return "-".join((self.prefix, *parts))

    @property
    def tags(self) -> dict[str, str]:
        """Tags for the provider's default_tags: organisation tags plus where the resource comes from."""
        return {
            **dict(self.org_tags),
            "Namespace": self.namespace,
            "Environment": self.environment,
            "Layer": self.layer,
            "ManagedBy": "llm-infra",
        }

    @property
    def tag_list(self) -> list[dict[str, str]]:
        """The tags as ``[{key, value}]``, sorted by key: awscc resources (HyperPod) have no ``default_tags``
        and take their tags in this form."""
        return [{"key": key, "value": value} for key, value in sorted(self.tags.items())]


def short_layer(layer: str) -> str:
    """The layer's part of ``Label.short``: its first three letters (the registry refuses two layers that
    share them)."""
    return layer[:3]


class NameBudgetError(ValueError):
    """A derived name is longer than the service allows."""

    def __init__(self, *, what: str, name: str, limit: int) -> None:
        self.what, self.name, self.limit = what, name, limit
        super().__init__(f"{what} {name} is {len(name)} characters (allowed at most {limit})")

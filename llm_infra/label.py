"""One label derives every name and tag: ``<namespace>-<environment>-<layer>[-<name>]``."""

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

"""Observability layer config: ``[observability]`` (retention, Grafana, subscriptions, alarm thresholds, dashboards,
budget, HyperPod node alerts).

Rule ids ``OBS-0xx`` are shared with ``modules/observability/variables.tf``; limits come from its ``limits.json``.
``OBS-1xx`` are the node-alert thresholds (``alerts.py``), config-only: the module receives finished rule files.
Behaviour never depends on the environment's name: prod.toml sets ``min_retention_days = 365``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.limits import module_limits
from llm_infra.config.types import (
    FiniteFloat,
    Rule,
    StrictBool,
    StrictInt,
    invalid,
    rule,
    violations,
)
from llm_infra.layers.observability.alerts import NodeAlerts

_OBS = module_limits("observability")
RETENTION_DAYS: tuple[int, ...] = tuple(_OBS["log_retention_days"])
GRAFANA_VERSIONS: tuple[str, ...] = tuple(_OBS["grafana_versions"])
GRAFANA_SUBNETS = _OBS["grafana_subnets"]
GRAFANA_SECURITY_GROUPS = _OBS["grafana_security_groups"]
AMP_ALIAS_MAX = int(_OBS["amp_alias_max_length"])
FREE_PERCENT = _OBS["free_capacity_alarm_percent"]
BUDGET_PERCENT = _OBS["budget_threshold_percent"]


def _retention(value: int) -> int:
    if value not in RETENTION_DAYS:
        raise invalid("retention", "not a CloudWatch Logs retention", ", ".join(map(str, RETENTION_DAYS)))
    return value


def _grafana_version(value: str) -> str:
    if value not in GRAFANA_VERSIONS:
        raise invalid("grafana_version", "not a Grafana version AMG offers", ", ".join(GRAFANA_VERSIONS))
    return value


RetentionDays = Annotated[StrictInt, AfterValidator(_retention)]
GrafanaVersion = Annotated[str, AfterValidator(_grafana_version)]
_MEMBER_ID = re.compile(r"[A-Za-z0-9._@+=,-]{1,256}")
AUTHENTICATION_PROVIDERS: tuple[str, ...] = tuple(_OBS["grafana_authentication_providers"])


def _member_ids(value: tuple[str, ...]) -> tuple[str, ...]:
    bad = [item for item in value if not _MEMBER_ID.fullmatch(item)]
    if bad:
        raise invalid(
            "member_id", f"not user or group ids: {', '.join(map(repr, bad))}", "1-256 of A-Za-z0-9._@+=,-"
        )
    return value


def _providers(value: tuple[str, ...]) -> tuple[str, ...]:
    allowed = ", ".join(AUTHENTICATION_PROVIDERS)
    if (
        not value
        or any(item not in AUTHENTICATION_PROVIDERS for item in value)
        or len(set(value)) != len(value)
    ):
        raise invalid("authentication", "one or more distinct authentication providers AMG offers", allowed)
    return value


MemberIds = Annotated[tuple[str, ...], AfterValidator(_member_ids)]


class Members(Model):
    """Who gets one Grafana role: IAM Identity Center (or SAML) user and group ids."""

    user_ids: Annotated[MemberIds, Rule("OBS-010")] = ()
    group_ids: Annotated[MemberIds, Rule("OBS-010")] = ()

    @property
    def empty(self) -> bool:
        return not (self.user_ids or self.group_ids)


class GrafanaConfig(Model):
    enabled: StrictBool = True
    # Changing the providers replaces the workspace: fix them per environment.
    authentication: Annotated[tuple[str, ...], AfterValidator(_providers), Rule("OBS-008")] = ("AWS_SSO",)
    version: Annotated[GrafanaVersion, Rule("OBS-009")] = "10.4"
    plugin_admin_enabled: StrictBool = False
    admins: Members = Members()
    editors: Members = Members()
    viewers: Members = Members()
    # In the network layer's private subnets (one per AZ; OBS-011: 2-6), with the module's security group and up
    # to four more (OBS-012); and/or behind network access control (prefix lists, VPC endpoints) (OBS-013).
    vpc: StrictBool = True
    security_group_ids: Annotated[
        tuple[Annotated[str, Field(pattern=r"^sg-[0-9a-f]{8,17}$")], ...],
        Field(max_length=GRAFANA_SECURITY_GROUPS["max"] - 1),
        Rule("OBS-012"),
    ] = ()
    prefix_list_ids: Annotated[
        tuple[Annotated[str, Field(pattern=r"^pl-[0-9a-f]{8,17}$")], ...], Rule("OBS-013")
    ] = ()
    vpce_ids: Annotated[
        tuple[Annotated[str, Field(pattern=r"^vpce-[0-9a-f]{8,17}$")], ...], Rule("OBS-013")
    ] = ()

    @model_validator(mode="after")
    def _rules(self) -> GrafanaConfig:
        problems = []
        if self.enabled and not self.vpc and not (self.prefix_list_ids or self.vpce_ids):
            problems.append(
                rule(
                    "vpc",
                    "a Grafana workspace needs the VPC or network access control (prefix_list_ids / vpce_ids)",
                    self.vpc,
                    id="OBS-013",
                    allowed="vpc = true, or prefix_list_ids / vpce_ids",
                )
            )
        if problems:
            raise violations(problems)
        return self

    def role_associations(self) -> dict[str, dict[str, list[str]]]:
        """The module's ``role_associations``: the roles that have members."""
        roles = {"ADMIN": self.admins, "EDITOR": self.editors, "VIEWER": self.viewers}
        return {
            role: {"user_ids": list(members.user_ids), "group_ids": list(members.group_ids)}
            for role, members in roles.items()
            if not members.empty
        }


class Subscription(Model):
    protocol: Annotated[Literal["email", "https"], Rule("OBS-005")]
    endpoint: Annotated[str, Rule("OBS-006")]

    @model_validator(mode="after")
    def _rules(self) -> Subscription:
        pattern = r"[^@\s]+@[^@\s]+\.[^@\s]+" if self.protocol == "email" else r"https://[^\s]+"
        if not re.fullmatch(pattern, self.endpoint):
            raise violations(
                [
                    rule(
                        "endpoint",
                        f"not a valid {self.protocol} endpoint",
                        self.endpoint,
                        id="OBS-006",
                        allowed="an e-mail address" if self.protocol == "email" else "an https:// URL",
                    )
                ]
            )
        return self


class BudgetConfig(Model):
    amount_usd: Annotated[FiniteFloat, Field(gt=0, le=1e9), Rule("OBS-015")]
    time_unit: Annotated[Literal["MONTHLY", "QUARTERLY", "ANNUALLY"], Rule("OBS-016")] = "MONTHLY"
    alert_thresholds_percent: Annotated[
        tuple[Annotated[StrictInt, Field(ge=BUDGET_PERCENT["min"], le=BUDGET_PERCENT["max"])], ...],
        Rule("OBS-017"),
    ] = (80, 100)

    @model_validator(mode="after")
    def _rules(self) -> BudgetConfig:
        values = self.alert_thresholds_percent
        if len(set(values)) != len(values):
            raise violations(
                [
                    rule(
                        "alert_thresholds_percent",
                        "each threshold at most once",
                        list(values),
                        id="OBS-017",
                        allowed="distinct percentages 1-1000",
                    )
                ]
            )
        return self


class AlarmThresholds(Model):
    """CloudWatch alarm thresholds of what exists before this layer."""

    fsx_free_capacity_percent: Annotated[
        StrictInt, Field(ge=FREE_PERCENT["min"], le=FREE_PERCENT["max"]), Rule("OBS-014")
    ] = 10


class ObservabilityConfig(Model):
    enabled: StrictBool = True
    retention_days: Annotated[RetentionDays, Rule("OBS-002")] = 30
    # The least retention this environment accepts (prod.toml: 365): a field, never a rule on the name.
    min_retention_days: Annotated[StrictInt, Field(ge=0, le=RETENTION_DAYS[-1]), Rule("OBS-003")] = 1
    amp_alias: Annotated[str | None, Field(min_length=1, max_length=AMP_ALIAS_MAX), Rule("OBS-004")] = None
    subscriptions: tuple[Subscription, ...] = ()
    dashboards: StrictBool = True
    # The FSx alarm and dashboard: unset = whenever the storage layer has a file system; true = required (OBS-018
    # when storage is off); false = never.
    fsx: StrictBool | None = None
    alarms: AlarmThresholds = AlarmThresholds()
    budget: BudgetConfig | None = None
    grafana: GrafanaConfig = GrafanaConfig()
    node_alerts: NodeAlerts = NodeAlerts()

    @model_validator(mode="after")
    def _rules(self) -> ObservabilityConfig:
        if self.retention_days != 0 and self.retention_days < self.min_retention_days:
            raise violations(
                [
                    rule(
                        "retention_days",
                        f"below this environment's min_retention_days ({self.min_retention_days})",
                        self.retention_days,
                        id="OBS-003",
                        allowed=", ".join(
                            str(d) for d in RETENTION_DAYS if d == 0 or d >= self.min_retention_days
                        ),
                    )
                ]
            )
        return self

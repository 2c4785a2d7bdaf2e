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


_ASSERTION = Annotated[str, Field(min_length=1, max_length=256)]
_ROLE_VALUE = Annotated[str, Field(min_length=1, max_length=256)]


class SamlConfig(Model):
    """``[observability.grafana.saml]``: the IdP and the assertion attributes of a SAML workspace
    (``aws_grafana_workspace_saml_configuration``). The IdP metadata is a URL or the XML itself, one of them."""

    idp_metadata_url: Annotated[str | None, Rule("OBS-020")] = None
    idp_metadata_xml: Annotated[str | None, Field(min_length=1), Rule("OBS-020")] = None
    # The assertion attribute that holds the user's roles, and its values that make an admin / an editor
    # (editors are required by AMG; everyone else is a viewer).
    role_assertion: Annotated[_ASSERTION | None, Rule("OBS-021")] = None
    admin_role_values: tuple[_ROLE_VALUE, ...] = ()
    editor_role_values: Annotated[tuple[_ROLE_VALUE, ...], Rule("OBS-021")] = ()
    # Organizations allowed to sign in (needs org_assertion, the attribute that holds the organization).
    allowed_organizations: Annotated[tuple[_ROLE_VALUE, ...], Rule("OBS-022")] = ()
    org_assertion: _ASSERTION | None = None
    email_assertion: _ASSERTION | None = None
    groups_assertion: _ASSERTION | None = None
    login_assertion: _ASSERTION | None = None
    name_assertion: _ASSERTION | None = None
    # How long a SAML sign-in stays valid, in minutes (unset: AMG's default).
    login_validity_minutes: Annotated[StrictInt | None, Field(ge=1), Rule("OBS-023")] = None

    @model_validator(mode="after")
    def _rules(self) -> SamlConfig:
        problems = []
        if (self.idp_metadata_url is None) == (self.idp_metadata_xml is None):
            problems.append(
                rule(
                    "idp_metadata_url",
                    "set exactly one of idp_metadata_url and idp_metadata_xml",
                    {"idp_metadata_url": self.idp_metadata_url, "idp_metadata_xml": self.idp_metadata_xml},
                    id="OBS-020",
                    allowed="an https:// URL of the IdP metadata, or the metadata XML",
                )
            )
        elif self.idp_metadata_url is not None and not re.fullmatch(r"https://\S+", self.idp_metadata_url):
            problems.append(
                rule(
                    "idp_metadata_url",
                    "not an https URL",
                    self.idp_metadata_url,
                    id="OBS-020",
                    allowed="an https:// URL",
                )
            )
        if not self.editor_role_values or self.role_assertion is None:
            problems.append(
                rule(
                    "editor_role_values",
                    "a SAML workspace needs role_assertion and at least one editor role value",
                    {
                        "role_assertion": self.role_assertion,
                        "editor_role_values": list(self.editor_role_values),
                    },
                    id="OBS-021",
                    allowed="role_assertion = '<attribute>', editor_role_values = ['<value>', ...]",
                )
            )
        if self.allowed_organizations and self.org_assertion is None:
            problems.append(
                rule(
                    "allowed_organizations",
                    "allowed_organizations needs org_assertion (the attribute that holds the organization)",
                    list(self.allowed_organizations),
                    id="OBS-022",
                    allowed="org_assertion = '<attribute>'",
                )
            )
        if problems:
            raise violations(problems)
        return self

    def to_module(self) -> dict[str, object]:
        """The module's ``grafana.saml``."""
        values = self.model_dump(exclude={"login_validity_minutes"})
        values["admin_role_values"] = list(self.admin_role_values)
        values["editor_role_values"] = list(self.editor_role_values)
        values["allowed_organizations"] = list(self.allowed_organizations)
        values["login_validity_duration"] = self.login_validity_minutes
        return values


class GrafanaConfig(Model):
    enabled: StrictBool = True
    # Changing the providers replaces the workspace: fix them per environment.
    authentication: Annotated[tuple[str, ...], AfterValidator(_providers), Rule("OBS-008")] = ("AWS_SSO",)
    # Required with SAML among the providers, refused without it (OBS-019).
    saml: Annotated[SamlConfig | None, Rule("OBS-019")] = None
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
        if self.enabled and ("SAML" in self.authentication) != (self.saml is not None):
            problems.append(
                rule(
                    "saml",
                    "a SAML workspace needs [observability.grafana.saml]"
                    if self.saml is None
                    else "[observability.grafana.saml] is set but authentication has no SAML",
                    list(self.authentication),
                    id="OBS-019",
                    allowed="authentication with SAML and a saml table, or neither",
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

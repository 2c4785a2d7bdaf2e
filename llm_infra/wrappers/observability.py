"""Wrapper of ``modules/observability``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llm_infra.cdk import Construct
from llm_infra.label import Label
from llm_infra.layers.observability.config import ObservabilityConfig
from llm_infra.wrappers.base import ModuleWrapper
from llm_infra.wrappers.protection import Move, Twin, twin_moves


def terraform_literal(text: str) -> str:
    """``text`` as a Terraform JSON string that evaluates to ``text`` itself (template sequences escaped)."""
    return text.replace("${", "$${").replace("%{", "%%{")


class ObservabilityModule(ModuleWrapper):
    module_name = "observability"
    # The module's twin blocks (see modules/observability/*.tf), each with count 0 or 1.
    WORKSPACE_TWIN = Twin(
        unprotected="aws_prometheus_workspace.this", protected="aws_prometheus_workspace.protected"
    )
    LOG_GROUP_TWIN = Twin(
        unprotected="aws_cloudwatch_log_group.this", protected="aws_cloudwatch_log_group.protected"
    )
    GRAFANA_TWIN = Twin(unprotected="aws_grafana_workspace.this", protected="aws_grafana_workspace.protected")
    PROTECTION_TWINS = (WORKSPACE_TWIN, LOG_GROUP_TWIN, GRAFANA_TWIN)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        permissions_boundary: str | None = None,
        label: Label,
        config: ObservabilityConfig,
        rule_groups: Mapping[str, str],
        alertmanager_definition_template: str,
        grafana_vpc_id: str | None,
        grafana_subnet_ids: str | None,
        fsx: Mapping[str, Any] | None,
        dashboards: Mapping[str, Any],
        prevent_destroy: bool,
    ) -> None:
        grafana = config.grafana
        self.grafana_enabled = grafana.enabled
        budget = config.budget
        super().__init__(
            scope,
            construct_id,
            variables={
                "permissions_boundary": permissions_boundary,
                "name": label.prefix,
                "prevent_destroy": prevent_destroy,
                "log_retention_days": config.retention_days,
                "min_log_retention_days": config.min_retention_days,
                "amp_alias": config.amp_alias,
                "subscriptions": [s.model_dump() for s in config.subscriptions],
                "rule_groups": dict(rule_groups),
                # Literal in the stack's JSON (where `${` would be interpolated): the module renders the template.
                "alertmanager_definition_template": terraform_literal(alertmanager_definition_template),
                "grafana": {
                    "enabled": grafana.enabled,
                    "authentication_providers": list(grafana.authentication),
                    "saml": None if grafana.saml is None else grafana.saml.to_module(),
                    "version": grafana.version,
                    "plugin_admin_enabled": grafana.plugin_admin_enabled,
                    "role_associations": grafana.role_associations(),
                    "vpc_id": grafana_vpc_id if grafana.vpc else None,
                    # an expression that evaluates to the list (see ObservabilityStack)
                    "subnet_ids": grafana_subnet_ids if grafana.vpc and grafana_subnet_ids else [],
                    "security_group_ids": list(grafana.security_group_ids),
                    "prefix_list_ids": list(grafana.prefix_list_ids),
                    "vpce_ids": list(grafana.vpce_ids),
                },
                "fsx": None if fsx is None else dict(fsx),
                "dashboards": dict(dashboards),
                "budget": None
                if budget is None
                else {
                    "limit_amount": budget.amount_usd,
                    "time_unit": budget.time_unit,
                    "alert_thresholds_percent": list(budget.alert_thresholds_percent),
                },
            },
        )

    def protection_moves(self, *, protect: bool) -> tuple[Move, ...]:
        """The ``moved`` statements that carry each stateful resource to the block ``protect`` selects."""
        twins = [self.WORKSPACE_TWIN, self.LOG_GROUP_TWIN] + (
            [self.GRAFANA_TWIN] if self.grafana_enabled else []
        )
        return tuple(
            move
            for twin in twins
            for move in twin_moves(module=self.construct_id, twin=twin, keys=(0,), protect=protect)
        )

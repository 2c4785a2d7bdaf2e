"""Wrapper of ``modules/cloudwatch-dashboard`` (the observability layer's shared dashboard/alarm module) for a
consumer layer's own dashboard."""

from __future__ import annotations

from collections.abc import Sequence

from llm_infra.cdk import Construct
from llm_infra.layers.observability.dashboards import Widget
from llm_infra.wrappers.base import ModuleWrapper


class CloudWatchDashboardModule(ModuleWrapper):
    module_name = "cloudwatch-dashboard"
    DASHBOARD = "aws_cloudwatch_dashboard.this[0]"

    def __init__(self, scope: Construct, construct_id: str, *, name: str, widgets: Sequence[Widget]) -> None:
        super().__init__(
            scope,
            construct_id,
            variables={"name": name, "widgets": [widget.to_module() for widget in widgets]},
        )

"""``<env>-observability``: key, alarm topic, AMP, Grafana, FSx alarm, dashboards and budget of one environment."""

from __future__ import annotations

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.observability.alerts import alertmanager_template, rule_groups
from llm_infra.layers.observability.config import ObservabilityConfig
from llm_infra.layers.observability.dashboards import Widget, fsx_widgets, nat_widgets, to_module
from llm_infra.layers.observability.outputs import ObservabilityOutputs
from llm_infra.layers.storage.outputs import StorageOutputs
from llm_infra.stacks.base import LayerStack
from llm_infra.wrappers.base import expression
from llm_infra.wrappers.observability import ObservabilityModule
from llm_infra.wrappers.protection import moved_blocks


def grafana_subnet_az_ids(environment: Environment) -> tuple[str, ...]:
    """The AZ IDs of the private subnets Grafana's VPC connection uses: the network's, at most six."""
    from llm_infra.layers import NETWORK  # noqa: PLC0415

    return NETWORK.require(environment).az_ids[:6]


class ObservabilityStack(LayerStack):
    outputs: ObservabilityOutputs

    def __init__(
        self,
        scope: Construct,
        *,
        environment: Environment,
        config: ObservabilityConfig,
        network: NetworkOutputs,
        storage: StorageOutputs | None,
    ) -> None:
        """``network`` / ``storage``: the producers' outputs (their types only: values are read by name from their
        state). ``storage`` is None when the environment has no storage layer (no FSx alarm or dashboard)."""
        super().__init__(scope, environment=environment, layer="observability")
        from llm_infra.layers import NETWORK, STORAGE  # noqa: PLC0415

        net = self.read_outputs("network", type(network))
        network_config = NETWORK.require(environment)
        protect = environment.protection.prevent_destroy
        dashboards: dict[str, tuple[Widget, ...]] = {}
        fsx = None
        storage_config = STORAGE.config(environment)
        if (
            storage is not None
            and config.fsx is not False
            and storage_config is not None
            and storage_config.fsx is not None
        ):
            store = self.read_outputs("storage", type(storage))
            fsx_config = storage_config.fsx
            fsx = {
                "file_system_id": store.fsx_file_system_id,
                "storage_capacity_gib": fsx_config.storage_capacity_gib,
                "throughput_mbps": round(fsx_config.aggregate_throughput_mbps, 1),
                "free_capacity_alarm_percent": config.alarms.fsx_free_capacity_percent,
            }
            dashboards["fsx"] = fsx_widgets(
                file_system_id=store.fsx_file_system_id,
                capacity_gib=fsx_config.storage_capacity_gib,
                baseline_mbps=fsx_config.aggregate_throughput_mbps,
                free_alarm_percent=config.alarms.fsx_free_capacity_percent,
            )
        nat_ids = {
            az: self.remote_entry(net.nat_gateway_ids, az, source="network.nat_gateway_mode")
            for az in network_config.nat_az_ids
        }
        dashboards["network"] = nat_widgets(nat_ids)
        # Grafana's VPC connection: the network's private subnets in AZ-ID order, at most six (OBS-011 checked the
        # count). One expression, not a checked entry per AZ: every entry is there by construction of the map.
        assert isinstance(net.private_subnet_ids, str)  # read by name: one reference to the whole map
        reference = expression(net.private_subnet_ids)
        count = len(grafana_subnet_az_ids(environment))
        subnet_ids = f"${{[for az in slice(sort(keys({reference})), 0, {count}) : {reference}[az]]}}"
        self.observability = ObservabilityModule(
            self,
            "observability",
            permissions_boundary=self.environment.permissions_boundary_arn,
            label=self.label,
            config=config,
            rule_groups=rule_groups(config.node_alerts),
            alertmanager_definition_template=alertmanager_template(),
            grafana_vpc_id=net.vpc_id,
            grafana_subnet_ids=subnet_ids if config.grafana.enabled else None,
            fsx=fsx,
            dashboards=to_module(dashboards) if config.dashboards else {},
            prevent_destroy=protect,
        )
        # Flipping protection.prevent_destroy moves the workspaces and the log group between the module's twins.
        self.protection_moves = self.observability.protection_moves(protect=protect)
        self.add_override("moved", moved_blocks(self.protection_moves))
        module = self.observability
        self.emit_outputs(
            ObservabilityOutputs(
                alarm_topic_arn=module.output("alarm_topic_arn"),
                kms_key_arn=module.output("kms_key_arn"),
                amp_workspace_arn=module.output("amp_workspace_arn"),
                amp_workspace_id=module.output("amp_workspace_id"),
                amp_remote_write_url=module.output("amp_remote_write_url"),
            )
        )

"""``<env>-inference``: SageMaker real-time endpoints on Inferentia2 in the network's private subnets, models read
from and data captured to the storage layer's buckets, rollback alarms to the observability topic when there is
one."""

from __future__ import annotations

from llm_infra.cdk import Construct
from llm_infra.config import Environment
from llm_infra.layers.inference.config import InferenceConfig
from llm_infra.layers.inference.dashboards import fleet_widgets
from llm_infra.layers.inference.outputs import InferenceOutputs
from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.layers.observability.outputs import ObservabilityOutputs
from llm_infra.layers.storage.outputs import StorageBucketOutputs, StorageOutputs
from llm_infra.stacks.base import LayerStack
from llm_infra.wrappers.base import expression
from llm_infra.wrappers.cloudwatch_dashboard import CloudWatchDashboardModule
from llm_infra.wrappers.inference_fleet import InferenceFleetModule
from llm_infra.wrappers.protection import Move, moved_blocks

# The endpoints' dashboard was a resource of modules/inference-fleet; it is built with the shared
# modules/cloudwatch-dashboard now, under the same name: moved, never destroyed and created again.
DASHBOARD_MOVE = Move(
    "module.fleet.aws_cloudwatch_dashboard.endpoints", "module.dashboard.aws_cloudwatch_dashboard.this[0]"
)


class InferenceStack(LayerStack):
    outputs: InferenceOutputs

    def __init__(
        self,
        scope: Construct,
        *,
        environment: Environment,
        config: InferenceConfig,
        network: NetworkOutputs,
        storage: StorageOutputs,
        observability: ObservabilityOutputs | None = None,
    ) -> None:
        """``network``, ``storage``, ``observability``: the producers' outputs. Only their types are used (and
        whether observability is on): the values are read from the producers' states by name."""
        super().__init__(scope, environment=environment, layer="inference")
        net = self.read_outputs("network", type(network))
        # only the buckets and their key: the plan does not depend on the file system (a serving-only account)
        sto = self.read_outputs("storage", StorageBucketOutputs)
        obs = self.read_outputs("observability", type(observability)) if observability is not None else None
        s3_key = self.remote_entry(sto.kms_key_arns, "s3", source="the storage layer's S3 key")
        capture_bucket = self.remote_entry(
            sto.bucket_names, config.capture_bucket, source="inference.capture_bucket"
        )
        protect = environment.protection.prevent_destroy
        self.fleet = InferenceFleetModule(
            self,
            "fleet",
            permissions_boundary=self.environment.permissions_boundary_arn,
            name=self.label.short,
            config=config,
            # every private subnet: SageMaker spreads a variant's instances over them, so an AZ can fail
            subnet_ids=f"${{values({expression(str(net.private_subnet_ids))})}}",
            vpc_id=net.vpc_id,
            # the endpoints' volumes and data capture use the storage layer's S3 key, which the buckets use too
            kms_key_arn=s3_key,
            model_data_kms_key_arns=[s3_key],
            model_bucket_arn=self.remote_entry(
                sto.bucket_arns, config.model_bucket, source="inference.model_bucket"
            ),
            capture_s3_uri=f"s3://${{{expression(capture_bucket)}}}/{config.capture_prefix}",
            alarm_topic_arn=obs.alarm_topic_arn if obs is not None else None,
            prevent_destroy=protect,
        )
        # Flipping protection.prevent_destroy moves each endpoint between the module's twin blocks.
        self.protection_moves = self.fleet.protection_moves(protect=protect)
        out = self.fleet.output
        # The endpoints' dashboard (the rollback alarms stay in the fleet module: each endpoint's deployment_config
        # names them, and they must exist before the endpoint is created).
        self.dashboard = CloudWatchDashboardModule(
            self,
            "dashboard",
            name=f"{self.label.short}-inference",
            widgets=fleet_widgets(
                config.endpoints,
                {key: self.fleet.output_lookup("endpoint_names", key) for key in config.endpoints},
                out("variant_name"),
            ),
        )
        self.add_override("moved", moved_blocks((*self.protection_moves, DASHBOARD_MOVE)))
        self.emit_outputs(
            InferenceOutputs(
                endpoint_names=out("endpoint_names"),
                endpoint_arns=out("endpoint_arns"),
                endpoint_config_names=out("endpoint_config_names"),
                model_names=out("model_names"),
                variant_name=out("variant_name"),
                rollback_alarm_names=out("rollback_alarm_names"),
                autoscaling_resource_ids=out("autoscaling_resource_ids"),
                execution_role_arn=out("execution_role_arn"),
                security_group_id=out("security_group_id"),
                dashboard_name=self.dashboard.output("dashboard_name"),
            )
        )

"""What the inference layer gives the ops tools and plain-Terraform users: one documented Terraform output of
``<env>-inference`` per field, named after it (public API; see ``llm_infra.layers.outputs``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from llm_infra.layers.outputs import Expression, MapExpression, described


@dataclass(frozen=True)
class InferenceOutputs:
    """The inference layer's outputs, by the names of its stack outputs (values are Terraform expressions)."""

    endpoint_names: MapExpression = field(
        metadata=described("SageMaker endpoint name by inference.endpoints key (stable: never renamed)")
    )
    endpoint_arns: MapExpression = field(
        metadata=described("SageMaker endpoint ARN by inference.endpoints key")
    )
    endpoint_config_names: MapExpression = field(
        metadata=described(
            "endpoint configuration in use by inference.endpoints key (changes on every rollout)"
        )
    )
    model_names: MapExpression = field(
        metadata=described(
            "SageMaker model name by inference.endpoints key (carries a hash of what replaces it)"
        )
    )
    variant_name: Expression = field(metadata=described("the one production variant's name (stable)"))
    rollback_alarm_names: MapExpression = field(
        metadata=described("CloudWatch alarms that roll a deployment back, by inference.endpoints key")
    )
    autoscaling_resource_ids: MapExpression = field(
        metadata=described(
            "Application Auto Scaling resource id (endpoint/<name>/variant/<variant>) by inference.endpoints key"
        )
    )
    execution_role_arn: Expression = field(metadata=described("IAM execution role of the models"))
    security_group_id: Expression = field(
        metadata=described("security group of the models' network interfaces (no ingress, no egress)")
    )
    dashboard_name: Expression = field(metadata=described("CloudWatch dashboard of the endpoints"))

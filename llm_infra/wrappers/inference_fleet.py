"""Wrapper of ``modules/inference-fleet``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llm_infra.cdk import Construct
from llm_infra.layers.inference.config import Endpoint, InferenceConfig
from llm_infra.wrappers.base import ModuleWrapper
from llm_infra.wrappers.protection import Move, Twin, twin_moves


def endpoint_variables(endpoint: Endpoint) -> dict[str, Any]:
    """One entry of the module's ``endpoints`` map from one ``[inference.endpoints.<name>]`` table."""
    rollout = endpoint.rollout
    return {
        "image": endpoint.container.image,
        "model_data_url": endpoint.model_data_url,
        "environment": dict(endpoint.container.environment),
        "instance_type": endpoint.instance_type,
        "tensor_parallel_degree": endpoint.tensor_parallel_degree,
        "min_instances": endpoint.min_instances,
        "max_instances": endpoint.max_instances,
        "target_value": endpoint.target_value,
        "scaling_metric": endpoint.scaling_metric,
        "volume_size_in_gb": endpoint.volume_size_in_gb,
        "container_startup_health_check_timeout_in_seconds": (
            endpoint.container_startup_health_check_timeout_in_seconds
        ),
        "model_data_download_timeout_in_seconds": endpoint.model_data_download_timeout_in_seconds,
        "data_capture_sampling_percent": endpoint.data_capture_sampling_percent,
        "rollout": {
            "type": rollout.type,
            "size_percent": rollout.size_percent,
            "wait_in_seconds": rollout.wait_in_seconds,
            "maximum_execution_timeout_in_seconds": rollout.maximum_execution_timeout_in_seconds,
        },
        "alarms": {
            "error_5xx_threshold": rollout.error_5xx_threshold,
            "model_latency_p99_ms": rollout.model_latency_p99_ms,
        },
    }


class InferenceFleetModule(ModuleWrapper):
    module_name = "inference-fleet"
    # The module's twin blocks (see modules/inference-fleet/endpoint.tf): the endpoints by key.
    ENDPOINT_TWIN = Twin(
        unprotected="aws_sagemaker_endpoint.this", protected="aws_sagemaker_endpoint.protected"
    )
    PROTECTION_TWINS = (ENDPOINT_TWIN,)

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        permissions_boundary: str | None = None,
        name: str,
        config: InferenceConfig,
        subnet_ids: str | Sequence[str],
        vpc_id: str,
        kms_key_arn: str,
        model_data_kms_key_arns: Sequence[str],
        model_bucket_arn: str,
        capture_s3_uri: str,
        alarm_topic_arn: str | None,
        prevent_destroy: bool,
    ) -> None:
        self.keys = tuple(sorted(config.endpoints))
        super().__init__(
            scope,
            construct_id,
            variables={
                "permissions_boundary": permissions_boundary,
                "name": name,
                "endpoints": {key: endpoint_variables(config.endpoints[key]) for key in self.keys},
                "allowed_instance_types": sorted(
                    {e.instance_type for e in config.endpoints.values() if e.allow_instance_type}
                ),
                "subnet_ids": subnet_ids if isinstance(subnet_ids, str) else list(subnet_ids),
                "vpc_id": vpc_id,
                "kms_key_arn": kms_key_arn,
                "model_data_kms_key_arns": list(model_data_kms_key_arns),
                "model_bucket_arn": model_bucket_arn,
                "capture_s3_uri": capture_s3_uri,
                "alarm_topic_arn": alarm_topic_arn,
                "prevent_destroy": prevent_destroy,
            },
        )

    def protection_moves(self, *, protect: bool) -> tuple[Move, ...]:
        """``moved`` statements that carry every endpoint to the block ``protect`` selects."""
        return twin_moves(module=self.construct_id, twin=self.ENDPOINT_TWIN, keys=self.keys, protect=protect)

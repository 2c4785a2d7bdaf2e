"""Smoke probe of the inference layer, per endpoint: InService, the variant's instance count within min-max, the
autoscaling target registered with the configured bounds, and, when the endpoint sets ``smoke_payload``, one test
invocation. Plain functions on boto3 clients (``sagemaker``, ``application-autoscaling``, ``sagemaker-runtime``);
moto has no inf2 endpoint and no UpdateEndpoint, so the tests drive them with botocore's Stubber."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from llm_infra.layers.inference.config import Endpoint, InferenceConfig
from llm_infra.ops.report import Check, failed, passed
from llm_infra.ops.smoke import SmokeContext

VARIANT = "primary"  # modules/inference-fleet local.variant_name


def endpoint_checks(
    *,
    sagemaker: Any,
    autoscaling: Any,
    runtime: Any,
    endpoint_name: str,
    endpoint: Endpoint,
) -> list[Check]:
    name = f"endpoint {endpoint_name}"
    try:
        described = sagemaker.describe_endpoint(EndpointName=endpoint_name)
    except ClientError as error:
        return [failed(name, f"not found: {error.response['Error'].get('Message', error)}")]
    status = described["EndpointStatus"]
    if status != "InService":
        reason = described.get("FailureReason")
        return [failed(name, f"{status} (want InService)" + (f": {reason}" if reason else ""))]
    checks = [passed(name, f"InService on {described.get('EndpointConfigName')}")]
    variants = {v["VariantName"]: v for v in described.get("ProductionVariants", [])}
    low, high = endpoint.min_instances, endpoint.max_instances
    variant = variants.get(VARIANT)
    if variant is None:
        checks.append(
            failed(f"{name} variant", f"no variant {VARIANT} (got {', '.join(variants) or 'none'})")
        )
    else:
        count = int(variant.get("CurrentInstanceCount", -1))
        check = passed if low <= count <= high else failed
        checks.append(check(f"{name} instances", f"{count} running (allowed {low}-{high})"))
    resource_id = f"endpoint/{endpoint_name}/variant/{VARIANT}"
    targets = autoscaling.describe_scalable_targets(
        ServiceNamespace="sagemaker",
        ResourceIds=[resource_id],
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
    )["ScalableTargets"]
    if not targets:
        checks.append(failed(f"{name} autoscaling", f"no scalable target {resource_id}"))
    else:
        bounds = (int(targets[0]["MinCapacity"]), int(targets[0]["MaxCapacity"]))
        check = passed if bounds == (low, high) else failed
        checks.append(
            check(f"{name} autoscaling", f"target {bounds[0]}-{bounds[1]} (configured {low}-{high})")
        )
    if endpoint.smoke_payload is not None:
        checks.append(_invoke(runtime, name, endpoint_name, endpoint))
    return checks


def _invoke(runtime: Any, name: str, endpoint_name: str, endpoint: Endpoint) -> Check:
    try:
        response = runtime.invoke_endpoint(
            EndpointName=endpoint_name,
            ContentType=endpoint.smoke_content_type,
            Body=(endpoint.smoke_payload or "").encode(),
        )
    except ClientError as error:
        return failed(f"{name} invocation", error.response["Error"].get("Message", str(error)))
    body = response["Body"].read()
    return passed(f"{name} invocation", f"answered {len(body)} bytes ({response.get('ContentType', '?')})")


def fleet_checks(
    *, sagemaker: Any, autoscaling: Any, runtime: Any, name: str, inference: InferenceConfig
) -> list[Check]:
    """Every endpoint of the fleet; ``name`` is the module's name (endpoints are ``<name>-<key>``)."""
    checks = []
    for key in sorted(inference.endpoints):
        checks += endpoint_checks(
            sagemaker=sagemaker,
            autoscaling=autoscaling,
            runtime=runtime,
            endpoint_name=f"{name}-{key}",
            endpoint=inference.endpoints[key],
        )
    return checks


def inference_probe(context: SmokeContext) -> list[Check]:
    from llm_infra.layers.inference import LAYER  # noqa: PLC0415 - the package imports this module lazily

    inference = LAYER.config(context.environment)
    if inference is None:
        return []
    return fleet_checks(
        sagemaker=context.aws.client("sagemaker"),
        autoscaling=context.aws.client("application-autoscaling"),
        runtime=context.aws.client("sagemaker-runtime"),
        name=context.label("inference").short,
        inference=inference,
    )

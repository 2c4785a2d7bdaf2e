"""The endpoints' CloudWatch dashboard, through the observability layer's shared widget types and
``modules/cloudwatch-dashboard`` (one definition, three readers: the inference stack, the README's generated
tables, tests/synth/test_observability_dashboards.py which checks every metric against FACTS.md).

Metrics (FACTS.md "SageMaker endpoints on Inferentia2"): namespace ``AWS/SageMaker``, dimensions ``EndpointName``
and ``VariantName``; ``ModelLatency`` and ``OverheadLatency`` are in microseconds (shown in ms). SageMaker publishes
no instance-count metric for a variant: ``Invocations / InvocationsPerInstance`` is the number of instances that
served in the period (no line when there was no traffic), drawn against the configured min and max.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from llm_infra.layers.inference.config import Endpoint
from llm_infra.layers.observability.dashboards import Annotation, Metric, Widget

SAGEMAKER = "AWS/SageMaker"
WIDGET_WIDTH = 6  # four widgets per endpoint: one row of the 24-column grid


def endpoint_widgets(*, endpoint_name: str, variant_name: str, endpoint: Endpoint) -> tuple[Widget, ...]:
    """Invocations, 4xx/5xx errors, model and overhead latency, instances vs min/max of one endpoint."""
    dims = {"EndpointName": endpoint_name, "VariantName": variant_name}
    rollout = endpoint.rollout

    def metric(name: str, stat: str, metric_id: str | None = None, visible: bool = True) -> Metric:
        return Metric(SAGEMAKER, name, dims, stat=stat, id=metric_id, visible=visible, label=name)

    def to_ms(metric_id: str, label: str) -> Metric:
        return Metric(expression=f"{metric_id} / 1000", id=f"{metric_id}_ms", label=label)

    return (
        Widget(
            f"{endpoint_name}: invocations",
            (metric("Invocations", "Sum"),),
            period=60,
            y_label="count",
            width=WIDGET_WIDTH,
        ),
        Widget(
            f"{endpoint_name}: 4xx / 5xx errors",
            (metric("Invocation4XXErrors", "Sum"), metric("Invocation5XXErrors", "Sum")),
            period=60,
            y_label="count",
            annotations=(
                Annotation(
                    f"5xx rollback alarm above {rollout.error_5xx_threshold}", rollout.error_5xx_threshold
                ),
            ),
            width=WIDGET_WIDTH,
        ),
        Widget(
            f"{endpoint_name}: model and overhead latency p99 (ms)",
            (
                metric("ModelLatency", "p99", "model", visible=False),
                metric("OverheadLatency", "p99", "overhead", visible=False),
                to_ms("model", "model latency p99 ms"),
                to_ms("overhead", "overhead latency p99 ms"),
            ),
            period=60,
            y_label="ms",
            annotations=(
                Annotation(
                    f"latency rollback alarm above {rollout.model_latency_p99_ms} ms",
                    rollout.model_latency_p99_ms,
                ),
            ),
            width=WIDGET_WIDTH,
        ),
        Widget(
            f"{endpoint_name}: instances vs min/max",
            (
                metric("Invocations", "Sum", "invocations", visible=False),
                metric("InvocationsPerInstance", "Sum", "per_instance", visible=False),
                Metric(expression="invocations / per_instance", id="instances", label="instances serving"),
            ),
            period=60,
            y_label="instances",
            annotations=(
                Annotation(f"min {endpoint.min_instances}", endpoint.min_instances),
                Annotation(f"max {endpoint.max_instances}", endpoint.max_instances),
            ),
            width=WIDGET_WIDTH,
        ),
    )


def fleet_widgets(
    endpoints: Mapping[str, Endpoint], endpoint_names: Mapping[str, str], variant_name: str
) -> tuple[Widget, ...]:
    """One row of widgets per endpoint, in key order."""
    return tuple(
        widget
        for key in sorted(endpoints)
        for widget in endpoint_widgets(
            endpoint_name=endpoint_names[key], variant_name=variant_name, endpoint=endpoints[key]
        )
    )


# The README's example endpoint: dev's (ml.inf2.xlarge, min 1, max 2) with the default rollback thresholds.
README_ENDPOINT = Endpoint.model_validate({
    "container": {"image": "111122223333.dkr.ecr.us-west-2.amazonaws.com/djl-inference:tag", "framework": "lmi"},
    "model_data_url": "s3://bucket/model.tar.gz",
    "parameters_billion": 3,
    "instance_type": "ml.inf2.xlarge",
    "tensor_parallel_degree": 2,
    "min_instances": 1,
    "max_instances": 2,
})  # fmt: skip


def readme_widgets() -> Sequence[Widget]:
    """The widgets of the example endpoint, for the README table."""
    return endpoint_widgets(endpoint_name="{endpoint}", variant_name="primary", endpoint=README_ENDPOINT)

"""The inference layer's smoke probe (botocore Stubber: moto has no inf2 endpoint, no UpdateEndpoint), its
preflight quota findings, its summary line and its cross-layer rules on the shipped environments."""

from __future__ import annotations

import io
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from llm_infra.config import Environment
from llm_infra.layers.inference import LAYER
from llm_infra.layers.inference.config import Endpoint
from llm_infra.layers.inference.preflight import peak_instances, quota_findings, wanted_instances
from llm_infra.layers.inference.probes import endpoint_checks
from llm_infra.layers.inference.summary import note
from tests.support.layers import shipped_environments
from tests.unit.test_training_preflight import Quotas

NAME = "llm-dev-inf-chat"
IMAGE = "111111111111.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"


def endpoint(**over: Any) -> Endpoint:
    data: dict[str, Any] = {
        "container": {"image": IMAGE, "framework": "lmi"},
        "model_data_url": "s3://llm-dev-storage-111111111111-artifacts/models/m/model.tar.gz",
        "parameters_billion": 3,
        "instance_type": "ml.inf2.xlarge",
        "tensor_parallel_degree": 2,
        "min_instances": 1,
        "max_instances": 2,
    }
    data.update(over)
    return Endpoint.model_validate(data)


def clients() -> tuple[Any, Any, Any]:
    kwargs: dict[str, Any] = {
        "region_name": "us-west-2",
        "aws_access_key_id": "x",
        "aws_secret_access_key": "y",
    }
    return (
        boto3.client("sagemaker", **kwargs),
        boto3.client("application-autoscaling", **kwargs),
        boto3.client("sagemaker-runtime", **kwargs),
    )


def described(status: str = "InService", count: int = 1) -> dict[str, Any]:
    return {
        "EndpointName": NAME,
        "EndpointArn": f"arn:aws:sagemaker:us-west-2:111111111111:endpoint/{NAME}",
        "EndpointConfigName": f"{NAME}-20261203000000000000000001",
        "EndpointStatus": status,
        "CreationTime": "2026-12-03T00:00:00Z",
        "LastModifiedTime": "2026-12-03T00:00:00Z",
        "ProductionVariants": [{"VariantName": "primary", "CurrentInstanceCount": count}],
    }


def target(low: int, high: int) -> dict[str, Any]:
    return {
        "ScalableTargets": [
            {
                "ServiceNamespace": "sagemaker",
                "ResourceId": f"endpoint/{NAME}/variant/primary",
                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                "MinCapacity": low,
                "MaxCapacity": high,
                "RoleARN": "arn:aws:iam::111111111111:role/aws-service-role/x",
                "CreationTime": "2026-12-03T00:00:00Z",
            }
        ]
    }


TARGET_REQUEST = {
    "ServiceNamespace": "sagemaker",
    "ResourceIds": [f"endpoint/{NAME}/variant/primary"],
    "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
}


def run(
    ep: Endpoint, *, describe: dict[str, Any], targets: dict[str, Any] | None, invoke: bytes | None = None
):  # type: ignore[no-untyped-def]
    sagemaker, autoscaling, runtime = clients()
    with Stubber(sagemaker) as s, Stubber(autoscaling) as a, Stubber(runtime) as r:
        s.add_response("describe_endpoint", describe, {"EndpointName": NAME})
        if targets is not None:
            a.add_response("describe_scalable_targets", targets, TARGET_REQUEST)
        if invoke is not None:
            r.add_response(
                "invoke_endpoint",
                {"Body": StreamingBody(io.BytesIO(invoke), len(invoke)), "ContentType": "application/json"},
                {
                    "EndpointName": NAME,
                    "ContentType": "application/json",
                    "Body": (ep.smoke_payload or "").encode(),
                },
            )
        checks = endpoint_checks(sagemaker=sagemaker, autoscaling=autoscaling, runtime=runtime,
                                 endpoint_name=NAME, endpoint=ep)  # fmt: skip
        s.assert_no_pending_responses()
        a.assert_no_pending_responses()
        r.assert_no_pending_responses()
    return {c.name: (c.status, c.reason) for c in checks}


def test_a_healthy_endpoint_passes_every_check() -> None:
    found = run(endpoint(), describe=described(count=2), targets=target(1, 2))
    assert found == {
        f"endpoint {NAME}": ("pass", f"InService on {NAME}-20261203000000000000000001"),
        f"endpoint {NAME} instances": ("pass", "2 running (allowed 1-2)"),
        f"endpoint {NAME} autoscaling": ("pass", "target 1-2 (configured 1-2)"),
    }


def test_an_endpoint_still_updating_fails_and_stops_there() -> None:
    found = run(endpoint(), describe=described(status="Updating"), targets=None)
    assert found == {f"endpoint {NAME}": ("fail", "Updating (want InService)")}


def test_instance_count_outside_min_max_and_a_drifted_target_fail() -> None:
    found = run(endpoint(min_instances=2, max_instances=4), describe=described(count=1), targets=target(1, 4))
    assert found[f"endpoint {NAME} instances"] == ("fail", "1 running (allowed 2-4)")
    assert found[f"endpoint {NAME} autoscaling"] == ("fail", "target 1-4 (configured 2-4)")


def test_a_missing_scalable_target_fails() -> None:
    found = run(endpoint(), describe=described(), targets={"ScalableTargets": []})
    assert found[f"endpoint {NAME} autoscaling"] == (
        "fail",
        f"no scalable target endpoint/{NAME}/variant/primary",
    )


def test_the_configured_payload_is_sent_once() -> None:
    ep = endpoint(smoke_payload='{"inputs": "Hello", "parameters": {"max_new_tokens": 8}}')
    found = run(ep, describe=described(), targets=target(1, 2), invoke=b'{"generated_text": "Hi"}')
    assert found[f"endpoint {NAME} invocation"] == ("pass", "answered 24 bytes (application/json)")


def test_an_unknown_endpoint_fails_with_the_service_message() -> None:
    sagemaker, autoscaling, runtime = clients()
    with Stubber(sagemaker) as s:
        s.add_client_error("describe_endpoint", "ValidationException", f"Could not find endpoint {NAME}.")
        checks = endpoint_checks(sagemaker=sagemaker, autoscaling=autoscaling, runtime=runtime,
                                 endpoint_name=NAME, endpoint=endpoint())  # fmt: skip
    assert [(c.status, c.reason) for c in checks] == [("fail", f"not found: Could not find endpoint {NAME}.")]


def test_peak_instances_cover_a_rollout() -> None:
    assert peak_instances(endpoint(max_instances=3)) == 6  # blue/green: a second full fleet
    rolling = endpoint(max_instances=3, rollout={"type": "ROLLING", "size_percent": 50})
    assert peak_instances(rolling) == 5  # 3 + ceil(1.5)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Environment]:
    return shipped_environments()


def test_quota_findings_name_the_short_types(shipped: dict[str, Environment]) -> None:
    prod = LAYER.require(shipped["prod"])
    assert dict(wanted_instances(prod)) == {"ml.inf2.xlarge": 8, "ml.inf2.48xlarge": 5}
    quotas = Quotas({"ml.inf2.xlarge for endpoint usage": 8, "ml.inf2.48xlarge for endpoint usage": 4})
    assert quota_findings(quotas, prod) == [
        "quota 'ml.inf2.48xlarge for endpoint usage': 4 < 5 (max_instances of every endpoint of the type, "
        "doubled for blue/green or plus a batch for rolling)"
    ]
    assert quota_findings(Quotas({}), LAYER.require(shipped["dev"])) == [
        "quota 'ml.inf2.xlarge for endpoint usage': not found < 4 (max_instances of every endpoint of the type, "
        "doubled for blue/green or plus a batch for rolling)"
    ]


def test_the_summary_shows_weights_against_accelerator_memory(shipped: dict[str, Environment]) -> None:
    line = note(LAYER.require(shipped["prod"]))
    assert line.startswith("large: ml.inf2.48xlarge x 2-3, 24 NeuronCores, tp 24, 1 copy per instance, ")
    assert "70B bf16 = 130 GiB of 384 GiB" in line and "; small: ml.inf2.xlarge x 2-4" in line


def test_prod_sets_the_floor_as_a_field_and_dev_does_not(shipped: dict[str, Environment]) -> None:
    floors = {name: LAYER.require(env).min_instances_floor for name, env in shipped.items()}
    assert floors == {"dev": 1, "staging": 1, "prod": 2}
    assert all(e.min_instances >= 2 for e in LAYER.require(shipped["prod"]).endpoints.values())

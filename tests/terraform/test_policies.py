"""The custom checkov checks in policies/ fail what they must fail, pass what they must pass, on HCL and plans."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.checkov import checkov_binary, run_checkov

pytestmark = pytest.mark.checkov

FIXTURES = Path(__file__).parent / "fixtures" / "policies"
CUSTOM = "CKV_LLM_1,CKV_LLM_2"


@pytest.fixture(scope="module")
def binary() -> str:
    found = checkov_binary()
    if found is None:
        pytest.skip("checkov is not installed (make test installs it into .venv-checkov)")
    return found


def test_each_broken_resource_fails(binary: str) -> None:
    result = run_checkov(binary, ["-d", str(FIXTURES / "bad"), "--framework", "terraform", "-c", CUSTOM])
    assert sorted((check, address) for check, address, _file in result.failures) == [
        ("CKV_LLM_1", "aws_launch_template.card0_not_efa"),
        ("CKV_LLM_1", "aws_launch_template.card_used_twice"),
        ("CKV_LLM_1", "aws_launch_template.no_security_group"),
        ("CKV_LLM_1", "aws_launch_template.public_ip"),
        ("CKV_LLM_2", "aws_vpc_endpoint.no_private_dns"),
        ("CKV_LLM_2", "aws_vpc_endpoint.no_security_group"),
    ]
    assert result.passed == 0


def test_good_resources_pass(binary: str) -> None:
    result = run_checkov(binary, ["-d", str(FIXTURES / "good"), "--framework", "terraform", "-c", CUSTOM])
    assert result.failed == 0 and result.passed == 2


def test_plan_with_public_ip_on_an_efa_card_fails(binary: str) -> None:
    """In a plan, a security group unknown until apply is not a failure; a public IP on card 1 is."""
    result = run_checkov(
        binary, ["-f", str(FIXTURES / "bad_plan.json"), "--framework", "terraform_plan", "-c", CUSTOM]
    )
    assert [(check, address) for check, address, _file in result.failures] == [
        ("CKV_LLM_1", "aws_launch_template.this")
    ]


INFERENCE_FIXTURES = Path(__file__).parent / "fixtures" / "inference_policies"
INFERENCE_CHECKS = "CKV_LLM_21,CKV_LLM_22,CKV_LLM_23,CKV_LLM_24"


def test_each_broken_inference_resource_fails(binary: str) -> None:
    result = run_checkov(
        binary, ["-d", str(INFERENCE_FIXTURES / "bad"), "--framework", "terraform", "-c", INFERENCE_CHECKS]
    )
    assert sorted((check, address) for check, address, _file in result.failures) == [
        ("CKV_LLM_21", "aws_sagemaker_endpoint.no_deployment_config"),
        ("CKV_LLM_21", "aws_sagemaker_endpoint.no_rollback_alarms"),
        ("CKV_LLM_22", "aws_sagemaker_endpoint_configuration.capture_without_key"),
        ("CKV_LLM_22", "aws_sagemaker_endpoint_configuration.no_key"),
        ("CKV_LLM_23", "aws_appautoscaling_target.scale_to_zero"),
        ("CKV_LLM_23", "aws_appautoscaling_target.wrong_dimension"),
        ("CKV_LLM_24", "aws_sagemaker_model.no_vpc"),
        ("CKV_LLM_24", "aws_sagemaker_model.vpc_without_security_groups"),
    ]
    assert result.passed == 0


def test_good_inference_resources_pass(binary: str) -> None:
    result = run_checkov(
        binary, ["-d", str(INFERENCE_FIXTURES / "good"), "--framework", "terraform", "-c", INFERENCE_CHECKS]
    )
    assert result.failed == 0 and result.passed == 4


OBSERVABILITY = Path(__file__).parent / "fixtures" / "observability_policies"
OBSERVABILITY_CHECKS = "CKV_LLM_31,CKV_LLM_32,CKV_LLM_33,CKV_LLM_34,CKV_LLM_35"


def test_each_broken_observability_resource_fails(binary: str) -> None:
    result = run_checkov(
        binary, ["-d", str(OBSERVABILITY / "bad"), "--framework", "terraform", "-c", OBSERVABILITY_CHECKS]
    )
    assert sorted((check, address) for check, address, _file in result.failures) == [
        ("CKV_LLM_31", "aws_prometheus_workspace.no_key"),
        ("CKV_LLM_32", "aws_prometheus_workspace.log_arn_without_star"),
        ("CKV_LLM_32", "aws_prometheus_workspace.no_logging"),
        ("CKV_LLM_33", "aws_grafana_workspace.open"),
        ("CKV_LLM_33", "aws_grafana_workspace.vpc_without_security_group"),
        ("CKV_LLM_34", "aws_cloudwatch_metric_alarm.no_action"),
        ("CKV_LLM_34", "aws_cloudwatch_metric_alarm.not_a_topic"),
        ("CKV_LLM_35", "aws_sns_topic.aws_managed_key"),
        ("CKV_LLM_35", "aws_sns_topic.unencrypted"),
    ]
    # each bad AMP workspace breaks one of its two rules: the other passes
    assert result.passed == 3


def test_good_observability_resources_pass(binary: str) -> None:
    result = run_checkov(
        binary, ["-d", str(OBSERVABILITY / "good"), "--framework", "terraform", "-c", OBSERVABILITY_CHECKS]
    )
    assert result.failed == 0 and result.passed == 7

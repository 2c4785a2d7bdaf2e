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


OBSERVABILITY = Path(__file__).parent / "fixtures" / "observability_policies"
OBSERVABILITY_CHECKS = "CKV_LLM_21,CKV_LLM_22,CKV_LLM_23,CKV_LLM_24,CKV_LLM_25"


def test_each_broken_observability_resource_fails(binary: str) -> None:
    result = run_checkov(
        binary, ["-d", str(OBSERVABILITY / "bad"), "--framework", "terraform", "-c", OBSERVABILITY_CHECKS]
    )
    assert sorted((check, address) for check, address, _file in result.failures) == [
        ("CKV_LLM_21", "aws_prometheus_workspace.no_key"),
        ("CKV_LLM_22", "aws_prometheus_workspace.log_arn_without_star"),
        ("CKV_LLM_22", "aws_prometheus_workspace.no_logging"),
        ("CKV_LLM_23", "aws_grafana_workspace.open"),
        ("CKV_LLM_23", "aws_grafana_workspace.vpc_without_security_group"),
        ("CKV_LLM_24", "aws_cloudwatch_metric_alarm.no_action"),
        ("CKV_LLM_24", "aws_cloudwatch_metric_alarm.not_a_topic"),
        ("CKV_LLM_25", "aws_sns_topic.aws_managed_key"),
        ("CKV_LLM_25", "aws_sns_topic.unencrypted"),
    ]
    # each bad AMP workspace breaks one of its two rules: the other passes
    assert result.passed == 3


def test_good_observability_resources_pass(binary: str) -> None:
    result = run_checkov(
        binary, ["-d", str(OBSERVABILITY / "good"), "--framework", "terraform", "-c", OBSERVABILITY_CHECKS]
    )
    assert result.failed == 0 and result.passed == 7

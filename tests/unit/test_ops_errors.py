"""Expected AWS failures become one line and an exit code; the check runner turns them into verdicts."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, ProfileNotFound
from botocore.parsers import ResponseParserError
from botocore.stub import Stubber

from llm_infra.config import ConfigError
from llm_infra.ops.cli import run
from llm_infra.ops.errors import OpsError, classify, describe
from llm_infra.ops.report import Check, guarded, render_json, render_table
from llm_infra.ops.session import _assumed_credentials


def client_error(
    code: str, message: str = "", operation: str = "DescribeThings", status: int = 400, **meta: Any
) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status, **meta},
        },
        operation,
    )


HTML_500 = ResponseParserError(
    "Unable to parse response (syntax error: line 1, column 0), invalid XML received. Further retries may "
    "succeed:\nb'<!doctype html>\\n<html lang=en>\\n<title>500 Internal Server Error</title>\\n'"
)


@pytest.mark.parametrize(
    ("error", "kind", "message"),
    [
        (
            NoCredentialsError(),
            "credentials",
            "no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or run where an instance or container role is available",
        ),
        (
            ProfileNotFound(profile="ops"),
            "credentials",
            "AWS profile 'ops' is not configured (see ~/.aws/config)",
        ),
        (
            EndpointConnectionError(endpoint_url="https://ec2.us-west-2.amazonaws.com/"),
            "connection",
            "cannot reach the AWS endpoint https://ec2.us-west-2.amazonaws.com/ (network, proxy or region?)",
        ),
        (
            client_error(
                "AccessDenied", "User: arn:aws:iam::1:user/x is not authorized", "GetBucketPolicy", 403
            ),
            "access",
            "access denied: GetBucketPolicy (AccessDenied): User: arn:aws:iam::1:user/x is not authorized",
        ),
        (
            client_error("UnauthorizedOperation", "You are not authorized", "DescribeInstanceTypes", 403),
            "access",
            "access denied: DescribeInstanceTypes (UnauthorizedOperation): You are not authorized",
        ),
        (
            client_error(
                "ExpiredToken", "The security token included in the request is expired", "GetCallerIdentity"
            ),
            "credentials",
            "AWS rejected the credentials: GetCallerIdentity (ExpiredToken): The security token included in the "
            "request is expired",
        ),
        (
            client_error("ThrottlingException", "Rate exceeded", "GetServiceQuota", RetryAttempts=4),
            "throttled",
            "throttled: GetServiceQuota (ThrottlingException) still refused after 5 attempt(s): Rate exceeded",
        ),
        (
            client_error("InternalError", "boom", "DescribePlacementGroups", 500),
            "unavailable",
            "DescribePlacementGroups is not available at this endpoint (InternalError): boom",
        ),
        (
            HTML_500,
            "unavailable",
            "the endpoint answered with an HTML page '500 Internal Server Error', not an AWS API response "
            "(API not implemented there?)",
        ),
        (
            client_error("BucketAlreadyExists", "taken", "CreateBucket", 409),
            "other",
            "CreateBucket failed (BucketAlreadyExists): taken",
        ),
    ],
)
def test_each_expected_failure_has_a_kind_and_one_line(error: Exception, kind: str, message: str) -> None:
    assert classify(error) == kind
    assert describe(error) == message
    assert "\n" not in describe(error)


def _raiser(error: BaseException) -> Any:
    def main() -> int:
        raise error

    return main


@pytest.mark.parametrize(
    ("error", "code", "stderr"),
    [
        (NoCredentialsError(), 1, "error: no AWS credentials found: "),
        (client_error("AccessDenied", "nope", "HeadBucket", 403), 1, "error: access denied: HeadBucket"),
        (
            client_error("Throttling", "Rate exceeded", "GetCallerIdentity"),
            1,
            "error: throttled: GetCallerIdentity",
        ),
        (HTML_500, 1, "error: the endpoint answered with an HTML page"),
        (OpsError("the credentials are for account 2"), 1, "error: the credentials are for account 2"),
        (OpsError("bad kms arn", exit_code=2), 2, "error: bad kms arn"),
        (
            ConfigError(["environments/x.toml: no such environment (available: dev)"]),
            2,
            "environments/x.toml: ",
        ),
        (KeyboardInterrupt(), 130, "error: interrupted"),
    ],
)
def test_run_prints_one_line_and_no_traceback(
    error: BaseException, code: int, stderr: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(_raiser(error)) == code
    captured = capsys.readouterr()
    assert captured.err.startswith(stderr)
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_run_lets_programming_errors_through() -> None:
    with pytest.raises(ZeroDivisionError):
        run(_raiser(ZeroDivisionError("bug")))


def _checks(error: BaseException) -> Any:
    def check() -> list[Check]:
        raise error

    return check


def test_guarded_unavailable_api_is_unknown_even_when_required() -> None:
    assert guarded("placement groups", _checks(HTML_500)) == [
        Check(
            "placement groups",
            "unknown",
            "the endpoint answered with an HTML page '500 Internal Server Error', not an AWS API response "
            "(API not implemented there?)",
        )
    ]


def test_guarded_access_denied_fails_a_required_check_and_leaves_an_optional_one_unknown() -> None:
    denied = client_error("AccessDenied", "no", "HeadBucket", 403)
    assert guarded("state bucket", _checks(denied))[0].status == "fail"
    assert guarded("service quotas", _checks(denied), required=False)[0].status == "unknown"


def test_guarded_throttling_after_retries_is_unknown() -> None:
    throttled = client_error(
        "RequestLimitExceeded", "slow down", "DescribeInstanceTypeOfferings", RetryAttempts=4
    )
    [check] = guarded("instance type offerings", _checks(throttled))
    assert check.status == "unknown"
    assert check.reason.startswith(
        "throttled: DescribeInstanceTypeOfferings (RequestLimitExceeded) still refused"
    )


@pytest.mark.parametrize("fatal", [NoCredentialsError(), EndpointConnectionError(endpoint_url="http://x")])
def test_guarded_reraises_fatal_errors(fatal: Exception) -> None:
    with pytest.raises(type(fatal)):
        guarded("account", _checks(fatal))


def test_table_and_json_rendering() -> None:
    checks = [
        Check("account", "pass", "credentials are for 111111111111"),
        Check("offered p5e.48xlarge", "fail", "not offered in usw2-az1"),
        Check("placement groups", "unknown", "not implemented"),
    ]
    table = render_table(checks, title="Preflight of dev")
    assert table.splitlines() == [
        "Preflight of dev",
        "",
        "check                 status   reason",
        "--------------------  -------  ------",
        "account               pass     credentials are for 111111111111",
        "offered p5e.48xlarge  fail     not offered in usw2-az1",
        "placement groups      unknown  not implemented",
        "",
        "1 passed, 1 failed, 1 unknown",
    ]
    document = json.loads(render_json(checks, environment="dev"))
    assert document["environment"] == "dev"
    assert document["ok"] is False
    assert document["counts"] == {"pass": 1, "fail": 1, "unknown": 1}
    assert document["checks"][1] == {
        "name": "offered p5e.48xlarge",
        "status": "fail",
        "reason": "not offered in usw2-az1",
    }
    assert json.loads(render_json(checks[::2]))["ok"] is True


def test_a_role_that_cannot_be_assumed_is_named_in_the_error() -> None:
    sts = boto3.client("sts", region_name="us-west-2", aws_access_key_id="x", aws_secret_access_key="y")
    role = "arn:aws:iam::333333333333:role/llm-infra-deployer"
    with Stubber(sts) as stub:
        stub.add_client_error(
            "assume_role",
            service_error_code="AccessDenied",
            service_message="User: arn:aws:iam::333333333333:user/ci is not authorized to perform: sts:AssumeRole",
            http_status_code=403,
            expected_params={
                "RoleArn": role,
                "RoleSessionName": "llm-infra-preflight-prod",
                "DurationSeconds": 3600,
            },
        )
        with pytest.raises(OpsError) as caught:
            _assumed_credentials(sts, role, "llm-infra-preflight-prod")
    assert caught.value.message == (
        f"cannot assume {role}: access denied: AssumeRole (AccessDenied): User: arn:aws:iam::333333333333:user/ci "
        "is not authorized to perform: sts:AssumeRole"
    )

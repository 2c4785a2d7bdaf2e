"""Preflight verdicts from canned AWS answers (botocore Stubber: real clients, validated parameters, no network).

Covers the paths moto cannot show: APIs an endpoint does not implement (service quotas, placement groups)
give ``unknown`` with the reason, never a failure; unknown instance types; EFA-table and quota mismatches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from llm_infra.config import Environment
from llm_infra.ops.preflight import Preflight, layer_inputs, quota_for, training_az_ids
from llm_infra.ops.report import all_passed
from llm_infra.ops.session import Aws, client_config
from tests.support.layers import shipped_environments
from tests.unit.conftest import Loader

REGION = "us-west-2"
ACCOUNT = "111111111111"
STATE_BUCKET = "llm-infra-tfstate-111111111111-us-west-2"
KEY_ALIAS_ARN = "arn:aws:kms:us-west-2:111111111111:alias/llm-infra-tfstate"
KEY_ARN = "arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class StubbedAws:
    """An ``Aws`` whose clients are real botocore clients answered by Stubbers."""

    def __init__(self) -> None:
        core = botocore.session.Session()
        session = boto3.Session(
            aws_access_key_id="x", aws_secret_access_key="y", region_name=REGION, botocore_session=core
        )
        self.aws = Aws(session=session, config=client_config(core), region=REGION)
        self.stubs: dict[str, Stubber] = {}

    def __getitem__(self, service: str) -> Stubber:
        if service not in self.stubs:
            stub = Stubber(self.aws.client(service, REGION))
            stub.activate()
            self.stubs[service] = stub
        return self.stubs[service]

    def verify(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


@pytest.fixture
def stubs() -> Iterator[StubbedAws]:
    stubbed = StubbedAws()
    yield stubbed
    stubbed.verify()


@pytest.fixture
def dev(load: Loader) -> Environment:
    """The unit BASE environment: p5e.48xlarge EFA template, placement group 'train', FSx in usw2-az1; the
    training layer off (its own checks are tested below, with their stubs)."""
    return load(append=NO_TRAINING)


NO_TRAINING = "\n[training]\nenabled = false\n"


def instance_type(name: str, efa: int | None, vcpus: int = 192) -> dict[str, Any]:
    network: dict[str, Any] = {"EfaSupported": efa is not None}
    if efa is not None:
        network["EfaInfo"] = {"MaximumEfaInterfaces": efa}
    return {"InstanceType": name, "VCpuInfo": {"DefaultVCpus": vcpus}, "NetworkInfo": network}


def expect_identity(stubs: StubbedAws, account: str = ACCOUNT) -> None:
    stubs["sts"].add_response(
        "get_caller_identity",
        {"Account": account, "Arn": f"arn:aws:sts::{account}:assumed-role/deployer/s", "UserId": "AROAX:s"},
    )


def expect_zones(stubs: StubbedAws) -> None:
    zones = [
        {"ZoneName": "us-west-2a", "ZoneId": "usw2-az2", "State": "available", "RegionName": REGION},
        {"ZoneName": "us-west-2b", "ZoneId": "usw2-az1", "State": "available", "RegionName": REGION},
    ]
    stubs["ec2"].add_response(
        "describe_availability_zones", {"AvailabilityZones": zones}, {"AllAvailabilityZones": False}
    )


def expect_offerings(stubs: StubbedAws, offered: list[tuple[str, str]]) -> None:
    stubs["ec2"].add_response(
        "describe_instance_type_offerings",
        {
            "InstanceTypeOfferings": [
                {"InstanceType": t, "LocationType": "availability-zone-id", "Location": az}
                for t, az in offered
            ]
        },
        {
            "LocationType": "availability-zone-id",
            "Filters": [
                {"Name": "instance-type", "Values": ["p5e.48xlarge"]},
                {"Name": "location", "Values": ["usw2-az1"]},
            ],
        },
    )


def expect_state(stubs: StubbedAws) -> None:
    stubs["s3"].add_response("head_bucket", {}, {"Bucket": STATE_BUCKET})
    stubs["s3"].add_response("get_bucket_versioning", {"Status": "Enabled"}, {"Bucket": STATE_BUCKET})
    stubs["kms"].add_response(
        "describe_key",
        {"KeyMetadata": {"KeyId": KEY_ARN.rsplit("/", 1)[1], "Arn": KEY_ARN, "KeyState": "Enabled"}},
        {"KeyId": KEY_ALIAS_ARN},
    )


def by_name(checks: list[Any]) -> dict[str, tuple[str, str]]:
    return {check.name: (check.status, check.reason) for check in checks}


def test_apis_the_endpoint_lacks_give_unknown_with_the_reason_and_preflight_passes(
    stubs: StubbedAws, dev: Environment
) -> None:
    expect_identity(stubs)
    expect_zones(stubs)
    expect_offerings(stubs, [("p5e.48xlarge", "usw2-az1")])
    stubs["ec2"].add_response(
        "describe_instance_types", {"InstanceTypes": [instance_type("p5e.48xlarge", 32)]}
    )
    # moto answers GetServiceQuota for EC2 with NoSuchResourceException ...
    stubs["service-quotas"].add_client_error(
        "get_service_quota",
        service_error_code="NoSuchResourceException",
        service_message="This service is not available in the current Region.",
        expected_params={"ServiceCode": "ec2", "QuotaCode": "L-417A185B"},
    )
    # ... and DescribePlacementGroups with a server error.
    stubs["ec2"].add_client_error(
        "describe_placement_groups",
        service_error_code="InternalError",
        service_message="not implemented",
        http_status_code=500,
        expected_params={"Filters": [{"Name": "group-name", "Values": ["llm-dev-network-train"]}]},
    )
    expect_state(stubs)

    checks = Preflight(stubs.aws, dev).run()

    result = by_name(checks)
    assert result["quota L-417A185B"] == (
        "unknown",
        "Running On-Demand P instances: GetServiceQuota failed (NoSuchResourceException): This service is not "
        "available in the current Region.",
    )
    assert result["placement groups"] == (
        "unknown",
        "DescribePlacementGroups is not available at this endpoint (InternalError): not implemented",
    )
    assert result["offered p5e.48xlarge"] == ("pass", "offered in usw2-az1")
    assert result["efa p5e.48xlarge"] == ("pass", "EFA supported, 32 interfaces (matches the shipped table)")
    assert [c.status for c in checks].count("fail") == 0
    assert all_passed(checks)


def test_unknown_instance_type_gives_unknown_efa_and_the_others_are_still_compared(
    stubs: StubbedAws, load: Loader
) -> None:
    env = load(
        append='\n[network.efa_launch_templates.trn]\ninstance_type = "trn2.48xlarge"\n',
    )
    preflight = Preflight(stubs.aws, env)
    ec2 = stubs["ec2"]
    ec2.add_client_error(
        "describe_instance_types",
        service_error_code="InvalidInstanceType",
        service_message="The following supplied instance types do not exist: [trn2.48xlarge]",
        expected_params={"InstanceTypes": ["p5e.48xlarge", "trn2.48xlarge"]},
    )
    ec2.add_response(
        "describe_instance_types",
        {"InstanceTypes": [instance_type("p5e.48xlarge", 16)]},
        {"InstanceTypes": ["p5e.48xlarge"]},
    )
    ec2.add_client_error(
        "describe_instance_types",
        service_error_code="InvalidInstanceType",
        service_message="The following supplied instance types do not exist: [trn2.48xlarge]",
        expected_params={"InstanceTypes": ["trn2.48xlarge"]},
    )

    result = by_name(preflight.efa())

    assert result["efa p5e.48xlarge"] == (
        "fail",
        "EC2 says 16 EFA interfaces, the shipped table says 32: fix modules/network/efa_instance_types.json",
    )
    status, reason = result["efa trn2.48xlarge"]
    assert status == "unknown"
    assert reason.startswith("EC2 does not describe trn2.48xlarge in us-west-2 (DescribeInstanceTypes failed")
    assert reason.endswith("; cannot compare with the EFA table")


def test_efa_not_supported_fails(stubs: StubbedAws, dev: Environment) -> None:
    stubs["ec2"].add_response(
        "describe_instance_types", {"InstanceTypes": [instance_type("p5e.48xlarge", None)]}
    )
    [check] = Preflight(stubs.aws, dev).efa()
    assert (check.status, check.reason) == ("fail", "EC2 says p5e.48xlarge does not support EFA")


@pytest.mark.parametrize(
    ("value", "status", "reason"),
    [
        (0.0, "fail", "Running On-Demand P instances: 0 vCPUs, less than one p5e.48xlarge needs (192): "
         "request an increase in Service Quotas"),
        (384.0, "pass", "Running On-Demand P instances: 384 vCPUs, enough for one p5e.48xlarge (192 vCPUs)"),
    ],
)  # fmt: skip
def test_quota_must_fit_one_instance(
    stubs: StubbedAws, dev: Environment, value: float, status: str, reason: str
) -> None:
    preflight = Preflight(stubs.aws, dev)
    preflight.account_matches = True
    stubs["ec2"].add_response(
        "describe_instance_types", {"InstanceTypes": [instance_type("p5e.48xlarge", 32)]}
    )
    stubs["service-quotas"].add_response(
        "get_service_quota",
        {"Quota": {"QuotaCode": "L-417A185B", "Value": value}},
        {"ServiceCode": "ec2", "QuotaCode": "L-417A185B"},
    )
    [check] = preflight.quotas()
    assert (check.name, check.status, check.reason) == ("quota L-417A185B", status, reason)


def test_placement_group_with_another_strategy_fails_and_a_missing_one_passes(
    stubs: StubbedAws, load: Loader
) -> None:
    env = load(append='\n[network.placement_groups.spread]\nstrategy = "spread"\n')
    stubs["ec2"].add_response(
        "describe_placement_groups",
        {
            "PlacementGroups": [
                {"GroupName": "llm-dev-network-train", "Strategy": "spread", "State": "available"}
            ]
        },
        {"Filters": [{"Name": "group-name", "Values": ["llm-dev-network-spread", "llm-dev-network-train"]}]},
    )
    result = by_name(Preflight(stubs.aws, env).placement_groups())
    assert result["placement group llm-dev-network-train"] == (
        "fail",
        "exists with strategy spread, the environment wants cluster",
    )
    assert result["placement group llm-dev-network-spread"] == (
        "pass",
        "does not exist yet; the network layer creates it (spread)",
    )


def test_account_bound_checks_are_skipped_for_another_account(stubs: StubbedAws, dev: Environment) -> None:
    expect_identity(stubs, account="222222222222")
    preflight = Preflight(stubs.aws, dev)
    [account] = preflight.account()
    assert account.status == "fail"
    assert account.reason.startswith("credentials are for 222222222222 (arn:aws:sts::222222222222:")
    for check in (*preflight.state_bucket(), *preflight.state_key(), *preflight.quotas()):
        assert check.status == "unknown"
        assert check.reason == "not checked: the credentials are for another account (see 'account')"


def test_training_az_is_the_file_system_az_when_storage_is_on(load: Loader) -> None:
    assert training_az_ids(load()) == ("usw2-az1",)
    assert training_az_ids(load(append="\n[storage]\nenabled = false\n\n[training]\nenabled = false\n")) == (
        "usw2-az1",
        "usw2-az2",
    )


@pytest.mark.parametrize(
    ("instance_type", "code"),
    [("p5e.48xlarge", "L-417A185B"), ("p6-b200.48xlarge", "L-417A185B"), ("trn2.48xlarge", "L-2C3B7624"),
     ("inf2.48xlarge", "L-1945791B"), ("g6e.48xlarge", "L-DB2E81BA"), ("m7i.large", "L-1216C47A")],
)  # fmt: skip
def test_quota_codes_by_family(instance_type: str, code: str) -> None:
    assert quota_for(instance_type).code == code


AUTOSCALING_ON = {
    'public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.193.0/24" }': (
        'public_subnets = { usw2-az1 = "10.10.192.0/24", usw2-az2 = "10.10.193.0/24" }\n'
        "kms_key_allow_autoscaling_service_linked_role = true"
    )
}
AUTOSCALING_ARN = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
)


def expect_role(stubs: StubbedAws, arn: str | None) -> None:
    """GetRole of AWSServiceRoleForAutoScaling: the role at ``arn``, or NoSuchEntity when ``arn`` is None."""
    expected = {"RoleName": "AWSServiceRoleForAutoScaling"}
    if arn is None:
        stubs["iam"].add_client_error(
            "get_role",
            service_error_code="NoSuchEntity",
            service_message="The role with name AWSServiceRoleForAutoScaling cannot be found.",
            http_status_code=404,
            expected_params=expected,
        )
        return
    role = {
        "Path": arn.split(":role", 1)[1].rsplit("/", 1)[0] + "/",
        "RoleName": "AWSServiceRoleForAutoScaling",
        "RoleId": "AROAEXAMPLEEXAMPLE1",
        "Arn": arn,
        "CreateDate": "2026-01-01T00:00:00Z",
    }
    stubs["iam"].add_response("get_role", {"Role": role}, expected)


def full_run(stubs: StubbedAws, env: Environment) -> dict[str, tuple[str, str]]:
    """Preflight.run() with every AWS answer of a passing environment queued (roles are queued by the caller)."""
    expect_identity(stubs)
    expect_zones(stubs)
    expect_offerings(stubs, [("p5e.48xlarge", "usw2-az1")])
    stubs["ec2"].add_response(
        "describe_instance_types", {"InstanceTypes": [instance_type("p5e.48xlarge", 32)]}
    )
    stubs["service-quotas"].add_response(
        "get_service_quota",
        {"Quota": {"QuotaCode": "L-417A185B", "Value": 384.0}},
        {"ServiceCode": "ec2", "QuotaCode": "L-417A185B"},
    )
    stubs["ec2"].add_response("describe_placement_groups", {"PlacementGroups": []})
    expect_state(stubs)
    return by_name(Preflight(stubs.aws, env).run())


def test_missing_service_linked_role_of_a_key_policy_fails_with_the_command(
    stubs: StubbedAws, load: Loader
) -> None:
    env = load(replace=AUTOSCALING_ON, append=NO_TRAINING)
    expect_role(stubs, None)
    result = full_run(stubs, env)
    assert result["role AWSServiceRoleForAutoScaling"] == (
        "fail",
        "does not exist, and a key policy names it (network.kms_key_allow_autoscaling_service_linked_role = "
        "true): create it with `aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com`"
        ", or set network.kms_key_allow_autoscaling_service_linked_role = false",
    )
    assert [name for name, (status, _) in result.items() if status == "fail"] == [
        "role AWSServiceRoleForAutoScaling"
    ]


def test_existing_service_linked_role_passes(stubs: StubbedAws, load: Loader) -> None:
    expect_role(stubs, AUTOSCALING_ARN)
    result = full_run(stubs, load(replace=AUTOSCALING_ON, append=NO_TRAINING))
    assert result["role AWSServiceRoleForAutoScaling"] == (
        "pass",
        f"{AUTOSCALING_ARN} exists (a key policy names it: "
        "network.kms_key_allow_autoscaling_service_linked_role = true)",
    )
    assert all(status != "fail" for status, _ in result.values())


def test_a_plain_role_of_that_name_is_not_the_service_linked_role(stubs: StubbedAws, load: Loader) -> None:
    preflight = Preflight(stubs.aws, load(replace=AUTOSCALING_ON))
    preflight.account_matches = True
    expect_role(stubs, f"arn:aws:iam::{ACCOUNT}:role/AWSServiceRoleForAutoScaling")
    [check] = preflight.service_linked_roles()
    assert check.status == "fail"
    assert check.reason.startswith(
        f"arn:aws:iam::{ACCOUNT}:role/AWSServiceRoleForAutoScaling is not the service-linked role "
        f"{AUTOSCALING_ARN} the key policy names: create it with `aws iam create-service-linked-role"
    )


def test_no_key_policy_names_a_service_linked_role_by_default_so_none_is_checked(
    stubs: StubbedAws, dev: Environment
) -> None:
    # no GetRole answer is queued: a call would fail the run (Stubber raises on an unexpected call)
    result = full_run(stubs, dev)
    assert not [name for name in result if "role" in name]
    assert all(status != "fail" for status, _ in result.values())


def test_service_linked_roles_are_not_checked_for_another_account(stubs: StubbedAws, load: Loader) -> None:
    preflight = Preflight(stubs.aws, load(replace=AUTOSCALING_ON))
    [check] = preflight.service_linked_roles()
    assert (check.name, check.status) == ("role AWSServiceRoleForAutoScaling", "unknown")
    assert check.reason == "not checked: the credentials are for another account (see 'account')"


def test_training_adds_the_hyperpod_quota_and_training_plan_checks(stubs: StubbedAws, load: Loader) -> None:
    """With training on, preflight asks Service Quotas for '<type> for cluster usage' (SageMaker's, not EC2's)
    and SageMaker for each training plan a group names."""
    plan = "arn:aws:sagemaker:us-west-2:111111111111:training-plan/llm-dev-p5"
    env = load(append=f'\n[training.groups.controller]\ntraining_plan_arn = "{plan}"\n')
    stubs["service-quotas"].add_response(
        "list_service_quotas",
        {"Quotas": [{"QuotaName": "ml.m5.2xlarge for cluster usage", "Value": 0.0}]},
        {"ServiceCode": "sagemaker"},
    )
    stubs["sagemaker"].add_response(
        "describe_training_plan",
        {
            "TrainingPlanArn": plan,
            "TrainingPlanName": "llm-dev-p5",
            "Status": "Scheduled",
        },
        {"TrainingPlanName": "llm-dev-p5"},
    )
    inputs = next(i for i in layer_inputs(env) if i.account_checks)
    result = by_name([c for name, check in inputs.account_checks for c in check(stubs.aws)])
    assert result == {
        "hyperpod quotas": ("fail", "quota 'ml.m5.2xlarge for cluster usage': 0.0 < 1 requested"),
        "training plans": ("fail", "group controller: training plan llm-dev-p5 is Scheduled (want Active)"),
    }


def test_inference_adds_the_endpoint_usage_quota_check(stubs: StubbedAws) -> None:
    """With inference on (shipped prod: 3B endpoints on ml.inf2.xlarge, a 70B one on ml.inf2.48xlarge), preflight
    asks Service Quotas for SageMaker's '<type> for endpoint usage' (by name: no published quota code) and fails a
    type whose quota is below the rollout peak; a quota that covers every type passes."""
    prod = shipped_environments()["prod"]
    (check,) = [
        c for inputs in layer_inputs(prod) for name, c in inputs.account_checks if name == "endpoint quotas"
    ]
    answers = [
        {"Quotas": [{"QuotaName": "ml.inf2.xlarge for endpoint usage", "Value": 8.0}]},
        {"Quotas": [{"QuotaName": "ml.inf2.48xlarge for endpoint usage", "Value": 4.0}]},
    ]
    stubs["service-quotas"].add_response(
        "list_service_quotas", {**answers[0], "NextToken": "t"}, {"ServiceCode": "sagemaker"}
    )
    stubs["service-quotas"].add_response(
        "list_service_quotas", answers[1], {"ServiceCode": "sagemaker", "NextToken": "t"}
    )
    assert by_name(check(stubs.aws)) == {
        "endpoint quotas": (
            "fail",
            "quota 'ml.inf2.48xlarge for endpoint usage': 4 < 5 (max_instances of every endpoint of the type, "
            "doubled for blue/green or plus a batch for rolling)",
        )
    }
    enough = [
        {"QuotaName": f"{t} for endpoint usage", "Value": 8.0} for t in ("ml.inf2.xlarge", "ml.inf2.48xlarge")
    ]
    stubs["service-quotas"].add_response(
        "list_service_quotas", {"Quotas": enough}, {"ServiceCode": "sagemaker"}
    )
    assert by_name(check(stubs.aws)) == {
        "endpoint quotas": (
            "pass",
            "'<type> for endpoint usage' covers 5 x ml.inf2.48xlarge, 8 x ml.inf2.xlarge at the peak of a rollout",
        )
    }

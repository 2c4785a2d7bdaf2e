"""Smoke probes on canned answers: FSx still CREATING is polled (fake clock) until AVAILABLE or the deadline."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from llm_infra.config import Environment
from llm_infra.layers.storage.probes import fsx_probe
from llm_infra.ops.report import Check
from llm_infra.ops.smoke import SmokeContext, smoke
from llm_infra.ops.wait import Backoff, Deadline, Progress
from tests.unit.conftest import Loader
from tests.unit.test_ops_preflight import StubbedAws
from tests.unit.test_ops_wait import FakeClock

TAGS = [
    {"Key": "Namespace", "Value": "llm"},
    {"Key": "Environment", "Value": "dev"},
    {"Key": "Layer", "Value": "storage"},
]


@pytest.fixture
def stubs() -> Iterator[StubbedAws]:
    stubbed = StubbedAws()
    yield stubbed
    stubbed.verify()


def file_system(lifecycle: str | None, tags: list[dict[str, str]] = TAGS, **extra: Any) -> dict[str, Any]:
    fs: dict[str, Any] = {
        "FileSystemId": "fs-0123456789abcdef0",
        "FileSystemType": "LUSTRE",
        "SubnetIds": ["subnet-0123456789abcdef0"],
        "DNSName": "fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com",
        "LustreConfiguration": {"MountName": "abcdefgh"},
        "Tags": tags,
        **extra,
    }
    if lifecycle is not None:
        fs["Lifecycle"] = lifecycle
    return fs


def context(
    stubs: StubbedAws, environment: Environment, timeout: float = 600
) -> tuple[SmokeContext, FakeClock, list[Progress]]:
    clock = FakeClock()
    reports: list[Progress] = []
    smoke_context = SmokeContext(
        environment,
        stubs.aws,
        Deadline(timeout, clock),
        sleep=clock.sleep,
        progress=reports.append,
        backoff=Backoff(initial=10, factor=2, maximum=60),
    )
    return smoke_context, clock, reports


def expect_list(stubs: StubbedAws, *file_systems: dict[str, Any]) -> None:
    stubs["fsx"].add_response("describe_file_systems", {"FileSystems": list(file_systems)}, {})


def expect_poll(stubs: StubbedAws, fs: dict[str, Any]) -> None:
    stubs["fsx"].add_response(
        "describe_file_systems", {"FileSystems": [fs]}, {"FileSystemIds": [fs["FileSystemId"]]}
    )


def expect_subnet(stubs: StubbedAws, az_id: str = "usw2-az1") -> None:
    stubs["ec2"].add_response(
        "describe_subnets",
        {"Subnets": [{"SubnetId": "subnet-0123456789abcdef0", "AvailabilityZoneId": az_id}]},
        {"SubnetIds": ["subnet-0123456789abcdef0"]},
    )


def test_creating_file_system_is_polled_until_available(stubs: StubbedAws, load: Loader) -> None:
    smoke_context, clock, reports = context(stubs, load())
    expect_list(stubs, file_system("CREATING"))
    expect_poll(stubs, file_system("CREATING"))
    expect_poll(stubs, file_system("UPDATING"))
    expect_poll(stubs, file_system("AVAILABLE"))
    expect_subnet(stubs)

    checks = fsx_probe(smoke_context)

    assert checks == [
        Check(
            "fsx fs-0123456789abcdef0",
            "pass",
            "AVAILABLE, fs-0123456789abcdef0.fsx.us-west-2.amazonaws.com@tcp:/abcdefgh",
        ),
        Check(
            "fsx fs-0123456789abcdef0 az", "pass", "subnet-0123456789abcdef0 is in usw2-az1, as configured"
        ),
    ]
    assert clock.sleeps == [10, 20]
    assert [report.state for report in reports] == ["CREATING", "UPDATING"]


def test_wait_is_bounded_by_the_timeout(stubs: StubbedAws, load: Loader) -> None:
    smoke_context, clock, _ = context(stubs, load(), timeout=25)
    expect_list(stubs, file_system("CREATING"))
    for _ in range(3):  # at 0 s, 10 s, 25 s (the deadline)
        expect_poll(stubs, file_system("CREATING"))
    expect_subnet(stubs)

    lifecycle, _az = fsx_probe(smoke_context)

    assert lifecycle.status == "fail"
    assert lifecycle.reason == "still CREATING after 25s (raise --timeout to wait longer)"
    assert sum(clock.sleeps) == 25


def test_failed_file_system_fails_with_aws_reason(stubs: StubbedAws, load: Loader) -> None:
    smoke_context, clock, _ = context(stubs, load())
    expect_list(stubs, file_system("FAILED", FailureDetails={"Message": "subnet has no free IP addresses"}))
    expect_subnet(stubs, az_id="usw2-az2")

    lifecycle, az = fsx_probe(smoke_context)

    assert (lifecycle.status, lifecycle.reason) == (
        "fail",
        "Lifecycle FAILED: subnet has no free IP addresses",
    )
    assert (az.status, az.reason) == (
        "fail",
        "subnet-0123456789abcdef0 is in usw2-az2, the environment puts the file system in usw2-az1",
    )
    assert clock.sleeps == []


def test_file_system_without_lifecycle_is_unknown(stubs: StubbedAws, load: Loader) -> None:
    smoke_context, _, _ = context(stubs, load())
    expect_list(stubs, file_system(None))
    expect_subnet(stubs)
    lifecycle, _az = fsx_probe(smoke_context)
    assert lifecycle.status == "unknown"
    assert lifecycle.reason == "the FSx API returned no Lifecycle, so availability cannot be told (emulator?)"


def test_file_systems_of_other_environments_do_not_count(stubs: StubbedAws, load: Loader) -> None:
    smoke_context, _, _ = context(stubs, load())
    other = [dict(tag, Value="prod") if tag["Key"] == "Environment" else tag for tag in TAGS]
    expect_list(stubs, file_system("AVAILABLE", tags=other))
    [check] = fsx_probe(smoke_context)
    assert check.status == "fail"
    assert check.reason == (
        "no FSx for Lustre file system tagged Namespace=llm, Environment=dev, Layer=storage in us-west-2: "
        "is the storage layer applied?"
    )


def test_storage_disabled_has_no_fsx_probe(stubs: StubbedAws, load: Loader) -> None:
    smoke_context, _, _ = context(
        stubs, load(append="\n[storage]\nenabled = false\n\n[training]\nenabled = false\n")
    )
    assert fsx_probe(smoke_context) == []


def test_probes_are_pluggable_and_an_aws_error_in_one_becomes_its_verdict(
    stubs: StubbedAws, load: Loader
) -> None:
    smoke_context, _, _ = context(stubs, load())

    def endpoints(_context: SmokeContext) -> list[Check]:
        return [Check("endpoint chat", "pass", "InService")]

    stubs["fsx"].add_client_error(
        "describe_file_systems",
        service_error_code="AccessDeniedException",
        service_message="no",
        http_status_code=403,
    )
    checks = smoke(smoke_context, probes=[("fsx", fsx_probe), ("endpoints", endpoints)])
    assert checks == [
        Check("fsx", "fail", "access denied: DescribeFileSystems (AccessDeniedException): no"),
        Check("endpoint chat", "pass", "InService"),
    ]


@pytest.mark.parametrize("state", ["MISCONFIGURED", "DELETING"])
def test_terminal_bad_states_are_not_waited_for(stubs: StubbedAws, load: Loader, state: str) -> None:
    smoke_context, clock, _ = context(stubs, load())
    expect_list(stubs, file_system(state))
    expect_subnet(stubs)
    lifecycle, _az = fsx_probe(smoke_context)
    assert (lifecycle.status, lifecycle.reason) == ("fail", f"Lifecycle {state}")
    assert clock.sleeps == []

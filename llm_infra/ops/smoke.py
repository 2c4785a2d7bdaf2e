"""After an apply: is what exists healthy? Probes per layer, each a function from the context to checks.

Later layers (HyperPod nodes, inference endpoints) add a probe to ``PROBES``; a probe finds its resources by
the tags every stack's provider sets (``Namespace``, ``Environment``, ``Layer``), reads their state, and waits,
bounded and with backoff, while they are still converging (no boto3 waiter exists for FSx or HyperPod).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from llm_infra.config import Environment
from llm_infra.label import Label
from llm_infra.ops.report import Check, failed, guarded, passed, unknown
from llm_infra.ops.session import Aws
from llm_infra.ops.wait import Backoff, Deadline, Progress, Sleep, WaitTimeoutError, poll

T = TypeVar("T")
FSX_READY = "AVAILABLE"
FSX_CONVERGING = frozenset({"CREATING", "UPDATING"})


@dataclass
class SmokeContext:
    """What every probe gets: the environment, its AWS session, and one deadline shared by all waits."""

    environment: Environment
    aws: Aws
    deadline: Deadline
    sleep: Sleep
    progress: Callable[[Progress], None] | None = None
    backoff: Backoff = field(default_factory=Backoff)

    def label(self, layer: str) -> Label:
        return Label.for_layer(self.environment, layer)

    def wait(
        self, fetch: Callable[[], T], done: Callable[[T], bool], *, what: str, state: Callable[[T], str]
    ) -> T:
        return poll(
            fetch,
            done,
            what=what,
            deadline=self.deadline,
            state=state,
            backoff=self.backoff,
            sleep=self.sleep,
            progress=self.progress,
        )


Probe = Callable[[SmokeContext], list[Check]]


def layer_tags(label: Label) -> dict[str, str]:
    """The tags that tell a layer's resources apart (set by the stack's provider through default_tags)."""
    return {"Namespace": label.namespace, "Environment": label.environment, "Layer": label.layer}


def layer_filters(label: Label) -> list[dict[str, Any]]:
    """EC2 ``Filters`` selecting the layer's resources."""
    return [{"Name": f"tag:{key}", "Values": [value]} for key, value in layer_tags(label).items()]


def has_layer_tags(tags: Iterable[dict[str, str]], label: Label) -> bool:
    found = {tag["Key"]: tag["Value"] for tag in tags}
    return all(found.get(key) == value for key, value in layer_tags(label).items())


def _tag_text(label: Label) -> str:
    return ", ".join(f"{key}={value}" for key, value in layer_tags(label).items())


# -- network --------------------------------------------------------------------------------------------------


def network_probe(context: SmokeContext) -> list[Check]:
    """The VPC is available and has an available subnet in each configured AZ ID."""
    ec2 = context.aws.client("ec2")
    network = context.environment.network
    label = context.label("network")
    if network.existing_vpc_id:
        vpcs = ec2.describe_vpcs(VpcIds=[network.existing_vpc_id])["Vpcs"]
    else:
        vpcs = ec2.describe_vpcs(Filters=layer_filters(label))["Vpcs"]
    if not vpcs:
        return [
            failed(
                "vpc",
                f"no VPC tagged {_tag_text(label)} in {context.environment.region}: is the network layer applied?",
            )
        ]
    if len(vpcs) > 1:
        ids = ", ".join(sorted(vpc["VpcId"] for vpc in vpcs))
        return [failed("vpc", f"{len(vpcs)} VPCs tagged {_tag_text(label)} ({ids}): expected one")]
    vpc = vpcs[0]
    checks = [
        passed("vpc", f"{vpc['VpcId']} {vpc['CidrBlock']} available")
        if vpc.get("State") == "available"
        else failed("vpc", f"{vpc['VpcId']} is {vpc.get('State')}")
    ]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    if network.existing_private_subnet_ids:
        wanted = dict(network.existing_private_subnet_ids)
        by_az = {az: [s for s in subnets if s["SubnetId"] == subnet_id] for az, subnet_id in wanted.items()}
    else:
        private = [s for s in subnets if {"Key": "Tier", "Value": "private"} in s.get("Tags", [])]
        by_az = {az: [s for s in private if s.get("AvailabilityZoneId") == az] for az in network.az_ids}
    for az, found in sorted(by_az.items()):
        name = f"private subnet {az}"
        if not found:
            checks.append(failed(name, f"no private subnet of {vpc['VpcId']} in {az}"))
        elif found[0].get("State") != "available":
            checks.append(failed(name, f"{found[0]['SubnetId']} is {found[0].get('State')}"))
        else:
            checks.append(passed(name, f"{found[0]['SubnetId']} {found[0]['CidrBlock']} available"))
    return checks


# -- storage --------------------------------------------------------------------------------------------------


def _file_systems(fsx: Any) -> Iterator[dict[str, Any]]:
    for page in fsx.get_paginator("describe_file_systems").paginate():
        yield from page["FileSystems"]


def _lifecycle_check(context: SmokeContext, fsx: Any, file_system: dict[str, Any]) -> Check:
    fs_id = file_system["FileSystemId"]
    name = f"fsx {fs_id}"
    if "Lifecycle" not in file_system:
        return unknown(name, "the FSx API returned no Lifecycle, so availability cannot be told (emulator?)")

    def fetch() -> dict[str, Any]:
        return dict(fsx.describe_file_systems(FileSystemIds=[fs_id])["FileSystems"][0])

    def lifecycle(fs: dict[str, Any]) -> str:
        return str(fs.get("Lifecycle", "UNKNOWN"))

    try:
        current = (
            context.wait(
                fetch, lambda fs: lifecycle(fs) not in FSX_CONVERGING, what=f"FSx {fs_id}", state=lifecycle
            )
            if lifecycle(file_system) in FSX_CONVERGING
            else file_system
        )
    except WaitTimeoutError as timeout:
        return failed(
            name, f"still {timeout.state} after {timeout.waited:.0f}s (raise --timeout to wait longer)"
        )
    state = lifecycle(current)
    if state != FSX_READY:
        details = current.get("FailureDetails", {}).get("Message")
        return failed(name, f"Lifecycle {state}" + (f": {details}" if details else ""))
    mount = current.get("LustreConfiguration", {}).get("MountName", "?")
    return passed(name, f"AVAILABLE, {current.get('DNSName')}@tcp:/{mount}")


def _az_check(context: SmokeContext, file_system: dict[str, Any], az_id: str) -> Check:
    name = f"fsx {file_system['FileSystemId']} az"
    subnet_ids = file_system.get("SubnetIds", [])
    if not subnet_ids:
        return unknown(name, "the file system lists no subnet")
    subnets = context.aws.client("ec2").describe_subnets(SubnetIds=subnet_ids[:1])["Subnets"]
    actual = subnets[0].get("AvailabilityZoneId") if subnets else None
    if actual == az_id:
        return passed(name, f"{subnet_ids[0]} is in {az_id}, as configured")
    return failed(name, f"{subnet_ids[0]} is in {actual}, the environment puts the file system in {az_id}")


def fsx_probe(context: SmokeContext) -> list[Check]:
    """Every FSx for Lustre file system of the storage layer is AVAILABLE and in the configured AZ."""
    storage = context.environment.storage
    if storage is None or not storage.enabled or storage.fsx is None:
        return []
    fsx = context.aws.client("fsx")
    label = context.label("storage")
    mine = [
        fs
        for fs in _file_systems(fsx)
        if fs.get("FileSystemType") == "LUSTRE" and has_layer_tags(fs.get("Tags", []), label)
    ]
    if not mine:
        return [
            failed(
                "fsx",
                f"no FSx for Lustre file system tagged {_tag_text(label)} in {context.environment.region}: "
                "is the storage layer applied?",
            )
        ]
    checks = []
    for file_system in mine:
        checks.append(_lifecycle_check(context, fsx, file_system))
        checks.append(_az_check(context, file_system, storage.fsx.az_id))
    return checks


PROBES: tuple[tuple[str, Probe], ...] = (
    ("network", network_probe),
    ("fsx", fsx_probe),
)


def smoke(context: SmokeContext, probes: Sequence[tuple[str, Probe]] = PROBES) -> list[Check]:
    checks: list[Check] = []
    for name, probe in probes:
        checks += guarded(name, partial(probe, context))
    return checks

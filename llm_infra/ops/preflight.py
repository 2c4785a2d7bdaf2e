"""Before an apply: does the account, region and capacity match what the environment file asks for?

Every check gives pass, fail or unknown with a reason. ``unknown`` is for what cannot be established here:
APIs an endpoint does not implement (emulators lack service quotas and placement groups), quotas AWS does not
publish, or account-bound checks skipped because the credentials are for another account. Only ``fail``
makes preflight exit non-zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from llm_infra import layers
from llm_infra.config import Environment
from llm_infra.config.efa import max_efa_interfaces
from llm_infra.label import Label
from llm_infra.layers import NETWORK, PreflightInputs
from llm_infra.ops.errors import AWS_ERRORS, describe, error_code, is_fatal
from llm_infra.ops.report import Check, failed, guarded, passed, unknown
from llm_infra.ops.session import Aws
from llm_infra.service_linked_roles import ServiceLinkedRole, key_policy_service_linked_roles


@dataclass(frozen=True)
class Ec2Quota:
    code: str
    name: str


# On-Demand vCPU quotas of EC2 (service code "ec2"), by instance family prefix.
EC2_ON_DEMAND_QUOTAS: Mapping[str, Ec2Quota] = {
    "p": Ec2Quota("L-417A185B", "Running On-Demand P instances"),
    "trn": Ec2Quota("L-2C3B7624", "Running On-Demand Trn instances"),
    "inf": Ec2Quota("L-1945791B", "Running On-Demand Inf instances"),
    "g": Ec2Quota("L-DB2E81BA", "Running On-Demand G and VT instances"),
    "vt": Ec2Quota("L-DB2E81BA", "Running On-Demand G and VT instances"),
    "dl": Ec2Quota("L-6E869C2A", "Running On-Demand DL instances"),
}
STANDARD_QUOTA = Ec2Quota("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances")


def quota_for(instance_type: str) -> Ec2Quota:
    family = re.match(r"[a-z]+", instance_type)
    return EC2_ON_DEMAND_QUOTAS.get(family.group(0) if family else "", STANDARD_QUOTA)


def layer_inputs(environment: Environment) -> list[PreflightInputs]:
    """What each enabled layer asks preflight to check, in layer order (from the registry)."""
    return [layer.preflight(environment) for layer in layers.registry() if layer.is_on(environment)]


def configured_instance_types(environment: Environment) -> dict[str, list[str]]:
    """EC2 instance type -> where the environment file asks for it (each layer's preflight inputs)."""
    types: dict[str, list[str]] = {}
    for inputs in layer_inputs(environment):
        for instance_type, where in inputs.instance_types.items():
            types.setdefault(instance_type, []).extend(where)
    return types


def _pinned(environment: Environment) -> tuple[tuple[str, ...], str]:
    """Where the accelerated instances must run because a layer says so (e.g. the file system's AZ)."""
    pins = [inputs for inputs in layer_inputs(environment) if inputs.pinned_az_ids]
    az_ids = tuple(dict.fromkeys(az for inputs in pins for az in inputs.pinned_az_ids))
    return az_ids, " and ".join(inputs.pinned_reason for inputs in pins)


def training_az_ids(environment: Environment) -> tuple[str, ...]:
    """Where the accelerated instances must run: the file system's AZ when storage is on, else any AZ used."""
    pinned, _reason = _pinned(environment)
    return pinned or tuple(dict.fromkeys(az for i in layer_inputs(environment) for az in i.az_ids))


def environment_az_ids(environment: Environment) -> tuple[str, ...]:
    return tuple(sorted({az for inputs in layer_inputs(environment) for az in inputs.az_ids}))


def _join(items: Iterable[str]) -> str:
    return ", ".join(items) or "none"


class Preflight:
    def __init__(self, aws: Aws, environment: Environment) -> None:
        self.aws = aws
        self.environment = environment
        self.ec2 = aws.client("ec2")
        self.types = configured_instance_types(environment)
        self.type_info: dict[str, dict[str, Any] | str] = {}
        self.account_matches = False
        self.partition = "aws"

    def run(self) -> list[Check]:
        checks = guarded("account", self.account)
        checks += guarded("availability zones", self.availability_zones)
        if self.types:
            checks += guarded("instance type offerings", self.offerings)
            checks += guarded("instance types", self.efa)
            checks += guarded("service quotas", self.quotas, required=False)
        if any(inputs.placement_groups for inputs in layer_inputs(self.environment)):
            checks += guarded("placement groups", self.placement_groups, required=False)
        if key_policy_service_linked_roles(self.environment):
            checks += guarded("service-linked roles", self.service_linked_roles)
        for inputs in layer_inputs(self.environment):
            for name, check in inputs.account_checks:
                checks += guarded(name, partial(self._layer_check, name, check))
        checks += guarded("state bucket", self.state_bucket)
        checks += guarded("state kms key", self.state_key)
        return checks

    # -- identity and region -------------------------------------------------------------------------------

    def account(self) -> list[Check]:
        identity = self.aws.caller_identity()
        self.partition = identity["arn"].split(":")[1]
        expected = self.environment.account_id
        self.account_matches = identity["account"] == expected
        if self.account_matches:
            return [passed("account", f"credentials are for {expected} ({identity['arn']})")]
        return [
            failed(
                "account",
                f"credentials are for {identity['account']} ({identity['arn']}), the environment is {expected}: "
                "use a profile of that account or set role_arn",
            )
        ]

    def _account_bound(self, name: str) -> Check | None:
        """Checks that read account resources are skipped when the credentials are for another account."""
        if self.account_matches:
            return None
        return unknown(name, "not checked: the credentials are for another account (see 'account')")

    def _layer_check(self, name: str, check: Callable[[Aws], list[Check]]) -> list[Check]:
        skipped = self._account_bound(name)
        return [skipped] if skipped else check(self.aws)

    def availability_zones(self) -> list[Check]:
        zones = self.ec2.describe_availability_zones(AllAvailabilityZones=False)["AvailabilityZones"]
        by_id = {zone["ZoneId"]: zone for zone in zones}
        region = self.environment.region
        checks = []
        for az_id in environment_az_ids(self.environment):
            zone = by_id.get(az_id)
            name = f"az {az_id}"
            if zone is None:
                checks.append(failed(name, f"not an AZ ID of {region} (it has {_join(sorted(by_id))})"))
            elif zone.get("State") != "available":
                checks.append(failed(name, f"{zone['ZoneName']} is {zone.get('State')}"))
            else:
                checks.append(passed(name, f"{zone['ZoneName']} in {region}, available"))
        return checks

    # -- instance types ------------------------------------------------------------------------------------

    def offerings(self) -> list[Check]:
        candidates = training_az_ids(self.environment)
        offered: dict[str, set[str]] = {instance_type: set() for instance_type in self.types}
        pages = self.ec2.get_paginator("describe_instance_type_offerings").paginate(
            LocationType="availability-zone-id",
            Filters=[
                {"Name": "instance-type", "Values": sorted(self.types)},
                {"Name": "location", "Values": list(candidates)},
            ],
        )
        for page in pages:
            for offering in page["InstanceTypeOfferings"]:
                offered.setdefault(offering["InstanceType"], set()).add(offering["Location"])
        where = _pinned(self.environment)[1] or "any of the environment's AZs"
        checks = []
        for instance_type in sorted(self.types):
            name = f"offered {instance_type}"
            here = sorted(offered[instance_type] & set(candidates))
            missing = sorted(set(candidates) - set(here))
            if here:
                extra = f"; not in {_join(missing)}" if missing else ""
                checks.append(passed(name, f"offered in {_join(here)}{extra}"))
            else:
                checks.append(
                    failed(
                        name,
                        f"not offered in {_join(candidates)} ({where}); used by {_join(self.types[instance_type])}",
                    )
                )
        return checks

    def _describe_types(self) -> dict[str, dict[str, Any] | str]:
        """Instance type -> DescribeInstanceTypes entry, or the reason it could not be read."""
        if self.type_info:
            return self.type_info
        names = sorted(self.types)
        try:
            found = self.ec2.describe_instance_types(InstanceTypes=names)["InstanceTypes"]
            info: dict[str, dict[str, Any] | str] = {entry["InstanceType"]: entry for entry in found}
        except ClientError as error:
            if error_code(error) != "InvalidInstanceType":
                raise
            info = {}
            for name in names:  # one by one, to tell the known from the unknown
                try:
                    info[name] = self.ec2.describe_instance_types(InstanceTypes=[name])["InstanceTypes"][0]
                except ClientError as single:
                    if error_code(single) != "InvalidInstanceType":
                        raise
                    info[name] = (
                        f"EC2 does not describe {name} in {self.environment.region} ({describe(single)})"
                    )
        for name in names:
            info.setdefault(name, f"EC2 returned no description of {name}")
        self.type_info = info
        return info

    def efa(self) -> list[Check]:
        table = max_efa_interfaces()
        checks = []
        for instance_type, entry in sorted(self._describe_types().items()):
            name = f"efa {instance_type}"
            if isinstance(entry, str):
                checks.append(unknown(name, f"{entry}; cannot compare with the EFA table"))
                continue
            network = entry.get("NetworkInfo", {})
            shipped = table.get(instance_type)
            reported = network.get("EfaInfo", {}).get("MaximumEfaInterfaces")
            if network.get("EfaSupported") is False:
                checks.append(failed(name, f"EC2 says {instance_type} does not support EFA"))
            elif reported is None:
                checks.append(unknown(name, f"EC2 reports no MaximumEfaInterfaces for {instance_type}"))
            elif shipped != reported:
                checks.append(
                    failed(
                        name,
                        f"EC2 says {reported} EFA interfaces, the shipped table says {shipped}: "
                        "fix modules/network/efa_instance_types.json",
                    )
                )
            else:
                checks.append(
                    passed(name, f"EFA supported, {reported} interfaces (matches the shipped table)")
                )
        return checks

    def quotas(self) -> list[Check]:
        skipped = self._account_bound("service quotas")
        if skipped:
            return [skipped]
        quotas = self.aws.client("service-quotas")
        info = self._describe_types()
        needs: dict[Ec2Quota, list[tuple[int | None, str]]] = {}
        for instance_type in sorted(self.types):
            entry = info.get(instance_type)
            vcpus = entry.get("VCpuInfo", {}).get("DefaultVCpus") if isinstance(entry, dict) else None
            needs.setdefault(quota_for(instance_type), []).append((vcpus, instance_type))
        return [self._quota(quotas, quota, types) for quota, types in needs.items()]

    def _quota(self, quotas: Any, quota: Ec2Quota, types: list[tuple[int | None, str]]) -> Check:
        name = f"quota {quota.code}"
        try:
            value = float(quotas.get_service_quota(ServiceCode="ec2", QuotaCode=quota.code)["Quota"]["Value"])
        except AWS_ERRORS as error:
            if is_fatal(error):
                raise
            return unknown(name, f"{quota.name}: {describe(error)}")
        known = [(vcpus, instance_type) for vcpus, instance_type in types if vcpus]
        if not known:
            return unknown(
                name, f"{quota.name}: {value:g} vCPUs; vCPUs of {_join(t for _, t in types)} unknown"
            )
        vcpus, instance_type = max(known)
        summary = f"{quota.name}: {value:g} vCPUs"
        if value >= vcpus:
            return passed(name, f"{summary}, enough for one {instance_type} ({vcpus} vCPUs)")
        return failed(
            name,
            f"{summary}, less than one {instance_type} needs ({vcpus}): request an increase in Service Quotas",
        )

    def placement_groups(self) -> list[Check]:
        label = Label.for_layer(self.environment, "network")
        network = NETWORK.require(self.environment)
        wanted = {label.name(key): group for key, group in network.placement_groups.items()}
        found = self.ec2.describe_placement_groups(
            Filters=[{"Name": "group-name", "Values": sorted(wanted)}]
        )["PlacementGroups"]
        existing = {group["GroupName"]: group for group in found}
        checks = []
        for group_name, group in sorted(wanted.items()):
            name = f"placement group {group_name}"
            current = existing.get(group_name)
            if current is None:
                checks.append(
                    passed(name, f"does not exist yet; the network layer creates it ({group.strategy})")
                )
            elif current.get("Strategy") != group.strategy:
                checks.append(
                    failed(
                        name,
                        f"exists with strategy {current.get('Strategy')}, the environment wants {group.strategy}",
                    )
                )
            else:
                checks.append(
                    passed(name, f"exists ({group.strategy}, {current.get('State', 'state unknown')})")
                )
        return checks

    # -- roles named by key policies ------------------------------------------------------------------------

    def service_linked_roles(self) -> list[Check]:
        """Each service-linked role a key policy names must exist: KMS rejects a policy naming a missing one."""
        return [self._service_linked_role(role) for role in key_policy_service_linked_roles(self.environment)]

    def _service_linked_role(self, role: ServiceLinkedRole) -> Check:
        name = f"role {role.name}"
        skipped = self._account_bound(name)
        if skipped:
            return skipped
        expected = role.arn(partition=self.partition, account_id=self.environment.account_id)
        fix = f"create it with `{role.create_command}`, or set {role.setting} = false"
        try:
            arn = self.aws.client("iam").get_role(RoleName=role.name)["Role"]["Arn"]
        except ClientError as error:
            if error_code(error) != "NoSuchEntity":
                raise
            return failed(name, f"does not exist, and a key policy names it ({role.setting} = true): {fix}")
        if arn != expected:
            return failed(
                name, f"{arn} is not the service-linked role {expected} the key policy names: {fix}"
            )
        return passed(name, f"{arn} exists (a key policy names it: {role.setting} = true)")

    # -- state backend -------------------------------------------------------------------------------------

    def state_bucket(self) -> list[Check]:
        skipped = self._account_bound("state bucket")
        if skipped:
            return [skipped]
        state = self.environment.state
        s3 = self.aws.client("s3", self.environment.state_region)
        bootstrap = f"run scripts/bootstrap_state.py --env {self.environment.name}"
        try:
            s3.head_bucket(Bucket=state.bucket)
        except ClientError as error:
            if error_code(error) in ("404", "NoSuchBucket", "NotFound"):
                return [failed("state bucket", f"s3://{state.bucket} does not exist: {bootstrap}")]
            raise
        status = s3.get_bucket_versioning(Bucket=state.bucket).get("Status")
        if status != "Enabled":
            return [
                failed("state bucket", f"s3://{state.bucket} versioning is {status or 'off'}: {bootstrap}")
            ]
        return [passed("state bucket", f"s3://{state.bucket} exists, versioning Enabled")]

    def state_key(self) -> list[Check]:
        skipped = self._account_bound("state kms key")
        if skipped:
            return [skipped]
        arn = self.environment.state.kms_key_arn
        kms = self.aws.client("kms", self.environment.state_region)
        try:
            metadata = kms.describe_key(KeyId=arn)["KeyMetadata"]
        except ClientError as error:
            if error_code(error) == "NotFoundException":
                return [failed("state kms key", f"{arn} does not exist: run scripts/bootstrap_state.py")]
            raise
        if metadata.get("KeyState") != "Enabled":
            return [failed("state kms key", f"{metadata['Arn']} is {metadata.get('KeyState')}")]
        return [passed("state kms key", f"{arn} -> {metadata['Arn']}, Enabled")]


def preflight(aws: Aws, environment: Environment) -> list[Check]:
    return Preflight(aws, environment).run()

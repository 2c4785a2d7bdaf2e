"""Network layer config: VPC (new or existing), subnets keyed by AZ ID, NAT or closed network, EFA compute.

Rule ids ``NET-…`` are shared with ``modules/network/variables.tf``; limits come from its ``limits.json``.
"""

from __future__ import annotations

import ipaddress
from itertools import combinations
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.efa import max_efa_interfaces
from llm_infra.config.limits import network_limits
from llm_infra.config.types import (
    AzId,
    Cidr,
    Key,
    NetworkRetentionDays,
    Rule,
    StrictBool,
    StrictInt,
    SubnetId,
    VpcId,
    rule,
    violations,
)

_LIMITS = network_limits()
_PARTITIONS = _LIMITS["placement_group_partition_count"]
_ROOT_VOLUME = _LIMITS["root_volume_size_gb"]
_PREFIX = _LIMITS["cidr_prefix_length"]


class PlacementGroup(Model):
    strategy: Annotated[Literal["cluster", "partition", "spread"], Rule("NET-027")] = "cluster"
    partition_count: Annotated[
        StrictInt | None, Field(ge=_PARTITIONS["min"], le=_PARTITIONS["max"]), Rule("NET-028")
    ] = None

    @model_validator(mode="after")
    def _rules(self) -> PlacementGroup:
        if self.partition_count is not None and self.strategy != "partition":
            raise violations(
                [
                    rule(
                        "partition_count",
                        "only for strategy 'partition'",
                        self.partition_count,
                        id="NET-028",
                        allowed="unset",
                    )
                ]
            )
        return self


class EfaLaunchTemplate(Model):
    instance_type: Annotated[str, Rule("NET-031")]
    placement_group: Annotated[Key | None, Rule("NET-032")] = None
    image_id: Annotated[str | None, Field(pattern=r"^ami-[0-9a-f]{8,17}$"), Rule("NET-033")] = None
    root_volume_size_gb: Annotated[
        StrictInt, Field(ge=_ROOT_VOLUME["min"], le=_ROOT_VOLUME["max"]), Rule("NET-034")
    ] = 512


class NetworkConfig(Model):
    vpc_cidr: Annotated[Cidr | None, Rule("NET-007")] = None
    existing_vpc_id: Annotated[VpcId | None, Rule("NET-003")] = None
    existing_private_subnet_ids: Annotated[dict[AzId, SubnetId], Rule("NET-004", key="NET-004")] = {}
    private_subnets: Annotated[dict[AzId, Cidr], Rule("NET-009", key="NET-008")] = {}
    public_subnets: Annotated[dict[AzId, Cidr], Rule("NET-015", key="NET-014")] = {}
    nat_gateway_mode: Annotated[Literal["none", "single", "per_az"], Rule("NET-016")] = "single"
    closed_network: Annotated[StrictBool, Rule("NET-019")] = False
    interface_endpoints_enabled: StrictBool = False
    flow_logs_retention_days: Annotated[NetworkRetentionDays, Rule("NET-024")] = 365
    # The network key's policy names AWSServiceRoleForAutoScaling (EBS of instances that Auto Scaling launches from
    # the launch templates). KMS rejects a policy naming a role that does not exist, so off unless asked for.
    kms_key_allow_autoscaling_service_linked_role: StrictBool = False
    placement_groups: Annotated[dict[Key, PlacementGroup], Rule("NET-027", key="NET-026")] = {}
    efa_launch_templates: Annotated[dict[Key, EfaLaunchTemplate], Rule("NET-031", key="NET-030")] = {}

    @property
    def creates_vpc(self) -> bool:
        return self.existing_vpc_id is None

    @property
    def az_ids(self) -> tuple[str, ...]:
        """The AZ IDs the environment's private subnets live in, sorted."""
        return tuple(sorted(self.private_subnets or self.existing_private_subnet_ids))

    @property
    def nat_az_ids(self) -> tuple[str, ...]:
        """The AZ IDs of the public subnets that hold a NAT gateway (the module's ``nat_azs``), sorted."""
        if not self.creates_vpc or self.closed_network or self.nat_gateway_mode == "none":
            return ()
        public = tuple(sorted(self.public_subnets))
        return public[:1] if self.nat_gateway_mode == "single" else public

    @property
    def all_az_ids(self) -> tuple[str, ...]:
        """Every AZ ID the network names (private, public and existing subnets), sorted."""
        return tuple(sorted({*self.private_subnets, *self.public_subnets, *self.existing_private_subnet_ids}))

    @model_validator(mode="after")
    def _rules(self) -> NetworkConfig:
        problems = [
            *self._vpc_rules(),
            *self._subnet_rules(),
            *self._egress_rules(),
            *self._compute_rules(),
        ]
        if problems:
            raise violations(problems)
        return self

    def _vpc_rules(self) -> list[dict[str, Any]]:
        if self.vpc_cidr is None and self.existing_vpc_id is None:
            return [
                rule(
                    "vpc_cidr",
                    "set vpc_cidr (new VPC) or existing_vpc_id (bring your own)",
                    None,
                    id="NET-006",
                )
            ]
        if self.vpc_cidr is not None and self.existing_vpc_id is not None:
            return [
                rule(
                    "existing_vpc_id",
                    "set either vpc_cidr or existing_vpc_id, not both",
                    self.existing_vpc_id,
                    id="CFG-001",
                )
            ]
        if self.creates_vpc:
            problems = []
            if not self.private_subnets:
                problems.append(
                    rule("private_subnets", "a new VPC needs at least one private subnet", {}, id="NET-010")
                )
            if self.existing_private_subnet_ids:
                problems.append(
                    rule(
                        "existing_private_subnet_ids",
                        "only with existing_vpc_id",
                        self.existing_private_subnet_ids,
                        id="CFG-001",
                    )
                )
            return problems
        problems = []
        if not self.existing_private_subnet_ids:
            problems.append(
                rule(
                    "existing_private_subnet_ids",
                    "existing_vpc_id needs its private subnet ids",
                    {},
                    id="NET-005",
                )
            )
        for field in ("private_subnets", "public_subnets"):
            if getattr(self, field):
                problems.append(
                    rule(field, "subnets are created only with vpc_cidr", getattr(self, field), id="CFG-001")
                )
        return problems

    def _subnet_rules(self) -> list[dict[str, Any]]:
        problems = []
        prefixes = sorted({az.split("-az")[0] for az in self.all_az_ids})
        if len(prefixes) > 1:
            problems.append(
                rule(
                    "private_subnets",
                    "all AZ IDs must belong to one region",
                    list(self.all_az_ids),
                    id="NET-013",
                    allowed=f"one prefix, e.g. {prefixes[0]}-az1, {prefixes[0]}-az2",
                )
            )
        if self.vpc_cidr is None:
            return problems
        vpc = ipaddress.IPv4Network(self.vpc_cidr)
        sizes = f"/{_PREFIX['min']} to /{_PREFIX['max']}"
        if not _PREFIX["min"] <= vpc.prefixlen <= _PREFIX["max"]:
            problems.append(
                rule("vpc_cidr", "prefix length out of range", self.vpc_cidr, id="NET-007", allowed=sizes)
            )
        subnets = [
            (kind, f"{kind}.{az}", ipaddress.IPv4Network(cidr))  # paths relative to network
            for kind in ("private_subnets", "public_subnets")
            for az, cidr in getattr(self, kind).items()
        ]
        for kind, path, net in subnets:
            if not _PREFIX["min"] <= net.prefixlen <= _PREFIX["max"]:
                problems.append(
                    rule(
                        path,
                        "subnet prefix length out of range",
                        str(net),
                        id="NET-009" if kind == "private_subnets" else "NET-015",
                        allowed=sizes,
                    )
                )
            if not net.subnet_of(vpc):
                problems.append(rule(path, f"subnet is outside the VPC CIDR {vpc}", str(net), id="NET-011"))
        for (_, path_a, net_a), (_, path_b, net_b) in combinations(subnets, 2):
            if net_a.overlaps(net_b):
                problems.append(
                    rule(path_b, f"overlaps network.{path_a} ({net_a})", str(net_b), id="NET-012")
                )
        return problems

    def _egress_rules(self) -> list[dict[str, Any]]:
        problems = []
        if self.closed_network:
            if self.nat_gateway_mode != "none":
                problems.append(
                    rule(
                        "nat_gateway_mode",
                        "a closed network has no NAT",
                        self.nat_gateway_mode,
                        id="NET-019",
                        allowed="'none'",
                    )
                )
            if self.public_subnets:
                problems.append(
                    rule(
                        "public_subnets",
                        "a closed network has no public subnets",
                        self.public_subnets,
                        id="NET-019",
                        allowed="{}",
                    )
                )
        elif self.creates_vpc and self.nat_gateway_mode != "none" and not self.public_subnets:
            problems.append(
                rule("public_subnets", "a NAT gateway needs at least one public subnet", {}, id="NET-017")
            )
        if self.nat_gateway_mode == "per_az" and self.creates_vpc:
            missing = sorted(set(self.private_subnets) - set(self.public_subnets))
            if missing:
                problems.append(
                    rule(
                        "public_subnets",
                        f"per_az NAT needs a public subnet in {', '.join(missing)}",
                        self.public_subnets,
                        id="NET-018",
                    )
                )
        return problems

    def _compute_rules(self) -> list[dict[str, Any]]:
        table = max_efa_interfaces()
        problems = []
        for key, template in self.efa_launch_templates.items():
            if template.instance_type not in table:
                hint = (
                    " (use the EC2 name, without 'ml.')" if template.instance_type.startswith("ml.") else ""
                )
                problems.append(
                    rule(
                        f"efa_launch_templates.{key}.instance_type",
                        f"EFA requested for an instance type absent from the EFA table{hint}",
                        template.instance_type,
                        id="NET-031",
                        allowed=", ".join(sorted(table)),
                    )
                )
            if template.placement_group is not None and template.placement_group not in self.placement_groups:
                allowed = (
                    ", ".join(sorted(self.placement_groups)) or "none defined in network.placement_groups"
                )
                problems.append(
                    rule(
                        f"efa_launch_templates.{key}.placement_group",
                        "unknown placement group",
                        template.placement_group,
                        id="NET-032",
                        allowed=allowed,
                    )
                )
        return problems

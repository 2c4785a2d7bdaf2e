"""Network layer config: VPC (new or existing), subnets keyed by AZ ID, NAT or closed network, EFA compute."""

from __future__ import annotations

import ipaddress
from itertools import combinations
from typing import Any, Literal

from pydantic import Field, model_validator

from llm_infra.config.base import Model
from llm_infra.config.efa import max_efa_interfaces
from llm_infra.config.types import AzId, Cidr, Key, RetentionDays, SubnetId, VpcId, rule, violations


class PlacementGroup(Model):
    strategy: Literal["cluster", "partition", "spread"] = "cluster"
    partition_count: int | None = Field(default=None, ge=1, le=7)

    @model_validator(mode="after")
    def _rules(self) -> PlacementGroup:
        if self.partition_count is not None and self.strategy != "partition":
            raise violations([rule("partition_count", "only for strategy 'partition'", self.partition_count)])
        return self


class EfaLaunchTemplate(Model):
    instance_type: str
    placement_group: Key | None = None
    image_id: str | None = Field(default=None, pattern=r"^ami-[0-9a-f]{8,17}$")
    root_volume_size_gb: int = Field(default=512, ge=8, le=16384)


class NetworkConfig(Model):
    vpc_cidr: Cidr | None = None
    existing_vpc_id: VpcId | None = None
    existing_private_subnet_ids: dict[AzId, SubnetId] = {}
    private_subnets: dict[AzId, Cidr] = {}
    public_subnets: dict[AzId, Cidr] = {}
    nat_gateway_mode: Literal["none", "single", "per_az"] = "single"
    closed_network: bool = False
    interface_endpoints_enabled: bool = False
    flow_logs_retention_days: RetentionDays = 365
    # The network key's policy names AWSServiceRoleForAutoScaling (EBS of instances that Auto Scaling launches from
    # the launch templates). KMS rejects a policy naming a role that does not exist, so off unless asked for.
    kms_key_allow_autoscaling_service_linked_role: bool = False
    placement_groups: dict[Key, PlacementGroup] = {}
    efa_launch_templates: dict[Key, EfaLaunchTemplate] = {}

    @property
    def creates_vpc(self) -> bool:
        return self.existing_vpc_id is None

    @property
    def az_ids(self) -> tuple[str, ...]:
        """The AZ IDs the environment's private subnets live in, sorted."""
        return tuple(sorted(self.private_subnets or self.existing_private_subnet_ids))

    @model_validator(mode="after")
    def _rules(self) -> NetworkConfig:
        problems = [*self._vpc_rules(), *self._subnet_rules(), *self._egress_rules(), *self._compute_rules()]
        if problems:
            raise violations(problems)
        return self

    def _vpc_rules(self) -> list[dict[str, Any]]:
        if self.vpc_cidr is None and self.existing_vpc_id is None:
            return [rule("vpc_cidr", "set vpc_cidr (new VPC) or existing_vpc_id (bring your own)", None)]
        if self.vpc_cidr is not None and self.existing_vpc_id is not None:
            return [
                rule(
                    "existing_vpc_id",
                    "set either vpc_cidr or existing_vpc_id, not both",
                    self.existing_vpc_id,
                )
            ]
        if self.creates_vpc:
            problems = []
            if not self.private_subnets:
                problems.append(rule("private_subnets", "a new VPC needs at least one private subnet", {}))
            if self.existing_private_subnet_ids:
                problems.append(
                    rule(
                        "existing_private_subnet_ids",
                        "only with existing_vpc_id",
                        self.existing_private_subnet_ids,
                    )
                )
            return problems
        problems = []
        if not self.existing_private_subnet_ids:
            problems.append(
                rule("existing_private_subnet_ids", "existing_vpc_id needs its private subnet ids", {})
            )
        for field in ("private_subnets", "public_subnets"):
            if getattr(self, field):
                problems.append(rule(field, "subnets are created only with vpc_cidr", getattr(self, field)))
        return problems

    def _subnet_rules(self) -> list[dict[str, Any]]:
        if self.vpc_cidr is None:
            return []
        vpc = ipaddress.IPv4Network(self.vpc_cidr)
        problems = []
        if not 16 <= vpc.prefixlen <= 28:
            problems.append(rule("vpc_cidr", "a VPC CIDR must be /16 to /28", self.vpc_cidr))
        subnets = [
            (f"{kind}.{az}", ipaddress.IPv4Network(cidr))  # paths relative to network
            for kind in ("private_subnets", "public_subnets")
            for az, cidr in getattr(self, kind).items()
        ]
        for path, net in subnets:
            if not 16 <= net.prefixlen <= 28:
                problems.append(rule(path, "a subnet CIDR must be /16 to /28", str(net)))
            if not net.subnet_of(vpc):
                problems.append(rule(path, f"subnet is outside the VPC CIDR {vpc}", str(net)))
        for (path_a, net_a), (path_b, net_b) in combinations(subnets, 2):
            if net_a.overlaps(net_b):
                problems.append(rule(path_b, f"overlaps network.{path_a} ({net_a})", str(net_b)))
        return problems

    def _egress_rules(self) -> list[dict[str, Any]]:
        problems = []
        if self.closed_network:
            if self.nat_gateway_mode != "none":
                problems.append(
                    rule(
                        "nat_gateway_mode",
                        "a closed network has no NAT (allowed: 'none')",
                        self.nat_gateway_mode,
                    )
                )
            if self.public_subnets:
                problems.append(
                    rule("public_subnets", "a closed network has no public subnets", self.public_subnets)
                )
        elif self.creates_vpc and self.nat_gateway_mode != "none" and not self.public_subnets:
            problems.append(rule("public_subnets", "a NAT gateway needs at least one public subnet", {}))
        if self.nat_gateway_mode == "per_az" and self.creates_vpc:
            missing = sorted(set(self.private_subnets) - set(self.public_subnets))
            if missing:
                problems.append(
                    rule(
                        "public_subnets",
                        f"per_az NAT needs a public subnet in {', '.join(missing)}",
                        self.public_subnets,
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
                        f"EFA requested for an instance type absent from the EFA table{hint} "
                        f"(allowed: {', '.join(sorted(table))})",
                        template.instance_type,
                    )
                )
            if template.placement_group is not None and template.placement_group not in self.placement_groups:
                allowed = (
                    ", ".join(sorted(self.placement_groups)) or "none defined in network.placement_groups"
                )
                problems.append(
                    rule(
                        f"efa_launch_templates.{key}.placement_group",
                        f"unknown placement group (allowed: {allowed})",
                        template.placement_group,
                    )
                )
        return problems

"""Smoke probe of the network layer: the VPC and its private subnets exist and are available."""

from __future__ import annotations

from llm_infra.layers.network import LAYER
from llm_infra.ops.report import Check, failed, passed
from llm_infra.ops.smoke import SmokeContext, layer_filters, tag_text


def network_probe(context: SmokeContext) -> list[Check]:
    """The VPC is available and has an available subnet in each configured AZ ID."""
    ec2 = context.aws.client("ec2")
    network = LAYER.require(context.environment)
    label = context.label("network")
    if network.existing_vpc_id:
        vpcs = ec2.describe_vpcs(VpcIds=[network.existing_vpc_id])["Vpcs"]
    else:
        vpcs = ec2.describe_vpcs(Filters=layer_filters(label))["Vpcs"]
    if not vpcs:
        return [
            failed(
                "vpc",
                f"no VPC tagged {tag_text(label)} in {context.environment.region}: is the network layer applied?",
            )
        ]
    if len(vpcs) > 1:
        ids = ", ".join(sorted(vpc["VpcId"] for vpc in vpcs))
        return [failed("vpc", f"{len(vpcs)} VPCs tagged {tag_text(label)} ({ids}): expected one")]
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

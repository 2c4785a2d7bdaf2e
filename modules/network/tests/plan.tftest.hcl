# Plans realistic configurations offline against a mocked aws provider and
# asserts the shape of what the module would create.

# Data-source values shared by every test file of this module: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name     = "llm-test-network"
  vpc_cidr = "10.0.0.0/16"
  private_subnets = {
    "usw2-az1" = "10.0.0.0/19"
    "usw2-az2" = "10.0.32.0/19"
    "usw2-az3" = "10.0.64.0/19"
  }
  public_subnets = {
    "usw2-az1" = "10.0.240.0/24"
    "usw2-az2" = "10.0.241.0/24"
    "usw2-az3" = "10.0.242.0/24"
  }
  placement_groups = {
    training = {}
    spread   = { strategy = "spread", spread_level = "rack" }
  }
  efa_launch_templates = {
    p5e = {
      instance_type   = "p5e.48xlarge"
      placement_group = "training"
      image_id        = "ami-0123456789abcdef0"
    }
    trn2 = {
      instance_type               = "trn2.48xlarge"
      root_volume_size_gb         = 1024
      http_put_response_hop_limit = 2
    }
  }
  tags = { Project = "llm-infra" }
}

run "single_nat_realistic" {
  command = plan

  override_resource {
    target          = aws_nat_gateway.this["usw2-az1"]
    override_during = plan
    values          = { id = "nat-usw2-az1" }
  }

  assert {
    condition     = length(aws_vpc.this) == 1 && aws_vpc.this[0].cidr_block == "10.0.0.0/16"
    error_message = "Expected one VPC with the given CIDR."
  }

  assert {
    condition     = toset(keys(aws_subnet.private)) == toset(["usw2-az1", "usw2-az2", "usw2-az3"])
    error_message = "Private subnets must be keyed by AZ ID."
  }

  assert {
    condition     = alltrue([for az, s in aws_subnet.private : s.availability_zone_id == az && s.map_public_ip_on_launch == false])
    error_message = "Private subnets must use availability_zone_id = key and no public IPs."
  }

  assert {
    condition     = alltrue([for s in values(aws_subnet.public) : s.map_public_ip_on_launch == false])
    error_message = "Public (NAT) subnets must not map public IPs on launch."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && contains(keys(aws_nat_gateway.this), "usw2-az1")
    error_message = "single NAT mode must create exactly one NAT gateway, in the first public subnet by AZ ID."
  }

  assert {
    condition     = length(aws_internet_gateway.this) == 1 && length(aws_route.public_internet) == 1
    error_message = "A NAT path needs an internet gateway and a public default route."
  }

  assert {
    condition     = toset(keys(aws_route.private_nat)) == toset(["usw2-az1", "usw2-az2", "usw2-az3"])
    error_message = "Every private route table needs a default route through the NAT gateway."
  }

  assert {
    condition     = alltrue([for r in values(aws_route.private_nat) : r.nat_gateway_id == "nat-usw2-az1" && r.destination_cidr_block == "0.0.0.0/0"])
    error_message = "In single mode every private subnet routes through the one NAT gateway."
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 1 && aws_vpc_endpoint.s3[0].service_name == "com.amazonaws.us-west-2.s3" && aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway"
    error_message = "The S3 gateway endpoint must always exist when the module creates the VPC."
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 0 && output.endpoint_security_group_id == null
    error_message = "No interface endpoints (and no endpoint SG) unless closed_network or interface_endpoints_enabled."
  }

  assert {
    condition     = length(aws_default_security_group.this) == 1
    error_message = "The default security group must be managed (and thereby stripped of its rules)."
  }

  assert {
    condition     = length(aws_flow_log.this) == 1 && aws_flow_log.this[0].traffic_type == "ALL" && aws_flow_log.this[0].log_destination_type == "cloud-watch-logs"
    error_message = "Flow logs must capture ALL traffic into CloudWatch Logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].retention_in_days == 365 && aws_cloudwatch_log_group.this[0].name == "/aws/vpc-flow-logs/llm-test-network"
    error_message = "Flow-log group must keep logs 365 days by default."
  }

  assert {
    condition     = output.flow_log_group_name == "/aws/vpc-flow-logs/llm-test-network"
    error_message = "flow_log_group_name output must name the log group."
  }

  assert {
    condition     = length(module.kms) == 1 && module.kms[0].enable_key_rotation == true && module.kms[0].deletion_window_in_days == 30
    error_message = "The module must create a rotating KMS key when kms_key_arn is null."
  }

  assert {
    condition     = module.kms[0].alias_name == "alias/llm-test-network"
    error_message = "KMS alias must be alias/<name>."
  }

  # EFA launch templates -------------------------------------------------------

  assert {
    condition     = length(aws_launch_template.this["p5e"].network_interfaces) == 32
    error_message = "p5e.48xlarge must get 32 EFA interfaces."
  }

  assert {
    condition = (
      aws_launch_template.this["p5e"].network_interfaces[0].interface_type == "efa" &&
      aws_launch_template.this["p5e"].network_interfaces[0].device_index == 0 &&
      aws_launch_template.this["p5e"].network_interfaces[0].network_card_index == 0
    )
    error_message = "Network card 0 must carry an efa interface on device index 0."
  }

  assert {
    condition = alltrue([
      for i, ni in aws_launch_template.this["p5e"].network_interfaces : ni.interface_type == "efa-only" && ni.device_index == 1 && ni.network_card_index == i
      if i > 0
    ])
    error_message = "Network cards 1..31 must carry efa-only interfaces on device index 1."
  }

  assert {
    condition = alltrue([
      for ni in aws_launch_template.this["p5e"].network_interfaces :
      ni.associate_public_ip_address == "false" && ni.delete_on_termination == "true" && length(ni.security_groups) == 1
    ])
    error_message = "Every EFA interface must be private, deleted on termination and in the EFA security group."
  }

  assert {
    condition     = length(aws_launch_template.this["trn2"].network_interfaces) == 16
    error_message = "trn2.48xlarge must get 16 EFA interfaces."
  }

  assert {
    condition     = output.efa_interfaces_by_launch_template == { p5e = 32, trn2 = 16 }
    error_message = "efa_interfaces_by_launch_template must follow efa_instance_types.json."
  }

  assert {
    condition = (
      aws_launch_template.this["p5e"].metadata_options[0].http_tokens == "required" &&
      aws_launch_template.this["p5e"].metadata_options[0].http_endpoint == "enabled" &&
      aws_launch_template.this["p5e"].metadata_options[0].http_put_response_hop_limit == 1 &&
      aws_launch_template.this["trn2"].metadata_options[0].http_put_response_hop_limit == 2
    )
    error_message = "Launch templates must require IMDSv2 with the requested hop limit."
  }

  assert {
    condition = (
      aws_launch_template.this["p5e"].block_device_mappings[0].ebs[0].volume_type == "gp3" &&
      aws_launch_template.this["p5e"].block_device_mappings[0].ebs[0].encrypted == "true" &&
      aws_launch_template.this["p5e"].block_device_mappings[0].ebs[0].volume_size == 512 &&
      aws_launch_template.this["trn2"].block_device_mappings[0].ebs[0].volume_size == 1024
    )
    error_message = "Root volumes must be encrypted gp3 with the requested size (default 512)."
  }

  assert {
    condition     = aws_launch_template.this["p5e"].placement[0].group_name == "llm-test-network-training" && length(aws_launch_template.this["trn2"].placement) == 0
    error_message = "Only launch templates that name a placement group get one."
  }

  assert {
    condition     = toset([for ts in aws_launch_template.this["p5e"].tag_specifications : ts.resource_type]) == toset(["instance", "volume", "network-interface"])
    error_message = "Launch templates must tag instances, volumes and network interfaces."
  }

  assert {
    condition     = aws_launch_template.this["p5e"].update_default_version == true && aws_launch_template.this["p5e"].name == "llm-test-network-p5e"
    error_message = "Launch templates must be named <name>-<key> and update their default version."
  }

  # Placement groups and security groups ---------------------------------------

  assert {
    condition = (
      aws_placement_group.this["training"].strategy == "cluster" &&
      aws_placement_group.this["spread"].strategy == "spread" &&
      aws_placement_group.this["spread"].spread_level == "rack" &&
      output.placement_group_names == { training = "llm-test-network-training", spread = "llm-test-network-spread" }
    )
    error_message = "Placement groups must be named <name>-<key> with the requested strategy."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.efa_self_all.ip_protocol == "-1" && aws_vpc_security_group_egress_rule.efa_self_all.ip_protocol == "-1"
    error_message = "The EFA SG needs all-protocol ingress and egress to itself."
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.efa_https_internet) == 1 && aws_vpc_security_group_egress_rule.efa_https_internet[0].cidr_ipv4 == "0.0.0.0/0" && aws_vpc_security_group_egress_rule.efa_https_internet[0].from_port == 443
    error_message = "With a NAT path the EFA SG allows HTTPS to the internet."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.efa_https_vpc.cidr_ipv4 == "10.0.0.0/16"
    error_message = "The EFA SG allows HTTPS to the VPC CIDR (endpoints)."
  }

  assert {
    condition     = output.vpc_cidr_block == "10.0.0.0/16" && toset(keys(output.private_subnet_ids)) == toset(["usw2-az1", "usw2-az2", "usw2-az3"])
    error_message = "Outputs must expose the VPC CIDR and the private subnets keyed by AZ ID."
  }

  assert {
    condition     = aws_subnet.private["usw2-az2"].tags["Project"] == "llm-infra" && aws_subnet.private["usw2-az2"].tags["Name"] == "llm-test-network-private-usw2-az2"
    error_message = "Tags must merge var.tags with a Name."
  }
}

run "per_az_nat" {
  command = plan

  override_resource {
    target          = aws_nat_gateway.this["usw2-az1"]
    override_during = plan
    values          = { id = "nat-usw2-az1" }
  }

  override_resource {
    target          = aws_nat_gateway.this["usw2-az2"]
    override_during = plan
    values          = { id = "nat-usw2-az2" }
  }

  override_resource {
    target          = aws_nat_gateway.this["usw2-az3"]
    override_during = plan
    values          = { id = "nat-usw2-az3" }
  }

  variables {
    nat_gateway_mode = "per_az"
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.this) == 3 && length(output.nat_gateway_ids) == 3
    error_message = "per_az must create one NAT gateway (and EIP) per AZ."
  }

  assert {
    condition     = alltrue([for az, r in aws_route.private_nat : r.nat_gateway_id == "nat-${az}"])
    error_message = "Each private route table must route through the NAT gateway in its own AZ."
  }
}

run "no_nat" {
  command = plan

  variables {
    nat_gateway_mode = "none"
    public_subnets   = {}
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_internet_gateway.this) == 0 && length(aws_route.private_nat) == 0
    error_message = "nat_gateway_mode none must create neither NAT nor IGW."
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.efa_https_internet) == 0
    error_message = "Without a NAT path there is no HTTPS egress to 0.0.0.0/0."
  }
}

# Plans closed-network, endpoint and bring-your-own-VPC configurations offline against a mocked aws provider and
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

run "closed_network" {
  command = plan

  override_resource {
    target          = aws_subnet.private["usw2-az1"]
    override_during = plan
    values          = { id = "subnet-0000000000000aaa1" }
  }

  override_resource {
    target          = aws_subnet.private["usw2-az2"]
    override_during = plan
    values          = { id = "subnet-0000000000000aaa2" }
  }

  override_resource {
    target          = aws_subnet.private["usw2-az3"]
    override_during = plan
    values          = { id = "subnet-0000000000000aaa3" }
  }

  variables {
    closed_network   = true
    nat_gateway_mode = "none"
    public_subnets   = {}
  }

  assert {
    condition     = length(aws_internet_gateway.this) == 0 && length(aws_nat_gateway.this) == 0 && length(aws_eip.this) == 0 && length(aws_subnet.public) == 0
    error_message = "A closed network has no IGW, NAT, EIP or public subnet."
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 12 && length(aws_security_group.endpoints) == 1
    error_message = "A closed network gets all default interface endpoints and their security group."
  }

  assert {
    condition = alltrue([
      for svc, ep in aws_vpc_endpoint.interface :
      ep.service_name == "com.amazonaws.us-west-2.${svc}" && ep.private_dns_enabled == true && ep.vpc_endpoint_type == "Interface" &&
      ep.subnet_ids == toset(["subnet-0000000000000aaa1", "subnet-0000000000000aaa2", "subnet-0000000000000aaa3"])
    ])
    error_message = "Interface endpoints must use com.amazonaws.<region>.<svc>, private DNS and every private subnet."
  }

  assert {
    condition     = toset(keys(output.vpc_endpoint_ids)) == setunion(toset(var.interface_endpoint_services), toset(["s3"]))
    error_message = "vpc_endpoint_ids must be keyed by service short name plus s3."
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.efa_https_internet) == 0 && length(aws_vpc_security_group_egress_rule.efa_https_s3) == 1
    error_message = "A closed network allows HTTPS only inside the VPC and to S3 via the gateway endpoint."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.endpoints_https_vpc[0].from_port == 443 &&
      aws_vpc_security_group_ingress_rule.endpoints_https_vpc[0].cidr_ipv4 == "10.0.0.0/16"
    )
    error_message = "The endpoint SG must allow HTTPS from the VPC CIDR."
  }
}

run "interface_endpoints_opt_in" {
  command = plan

  variables {
    interface_endpoints_enabled = true
    interface_endpoint_services = ["sts", "ecr.api"]
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["sts", "ecr.api"]) && length(aws_nat_gateway.this) == 1
    error_message = "interface_endpoints_enabled creates the listed endpoints next to the NAT path."
  }
}

run "bring_your_own_vpc" {
  command = plan

  variables {
    create_vpc       = false
    existing_vpc_id  = "vpc-0123456789abcdef0"
    vpc_cidr         = null
    private_subnets  = {}
    public_subnets   = {}
    nat_gateway_mode = "none"
    existing_private_subnet_ids = {
      "usw2-az1" = "subnet-0123456789abcdef0"
      "usw2-az2" = "subnet-0123456789abcdef1"
    }
    interface_endpoints_enabled = true
    kms_key_arn                 = "arn:aws:kms:us-west-2:111111111111:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = (
      length(aws_vpc.this) == 0 && length(aws_subnet.private) == 0 && length(aws_subnet.public) == 0 &&
      length(aws_internet_gateway.this) == 0 && length(aws_nat_gateway.this) == 0 &&
      length(aws_flow_log.this) == 0 && length(aws_cloudwatch_log_group.this) == 0 &&
      length(aws_default_security_group.this) == 0 && length(aws_vpc_endpoint.s3) == 0 && length(module.kms) == 0
    )
    error_message = "Bring-your-own VPC must not create VPC-level resources or a KMS key when one is given."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.efa_https_vpc.cidr_ipv4 == "10.42.0.0/16" && aws_vpc_security_group_ingress_rule.endpoints_https_vpc[0].cidr_ipv4 == "10.42.0.0/16"
    error_message = "HTTPS rules must use the existing VPC's CIDR."
  }

  assert {
    condition     = output.vpc_id == "vpc-0123456789abcdef0" && output.vpc_cidr_block == "10.42.0.0/16" && output.flow_log_group_name == null
    error_message = "Outputs keep their shape for bring-your-own VPCs."
  }

  assert {
    condition     = output.private_subnet_ids == var.existing_private_subnet_ids && output.public_subnet_ids == {} && output.nat_gateway_ids == []
    error_message = "private_subnet_ids must pass the existing subnets through."
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 12 && alltrue([for ep in values(aws_vpc_endpoint.interface) : length(ep.subnet_ids) == 2])
    error_message = "Interface endpoints go into the existing private subnets."
  }

  assert {
    condition     = output.kms_key_arn == var.kms_key_arn && aws_launch_template.this["p5e"].block_device_mappings[0].ebs[0].kms_key_id == var.kms_key_arn
    error_message = "A given KMS key must be used for the EBS volumes."
  }

  assert {
    condition     = aws_security_group.efa.vpc_id == "vpc-0123456789abcdef0" && aws_security_group.endpoints[0].vpc_id == "vpc-0123456789abcdef0" && length(aws_launch_template.this) == 2 && length(aws_placement_group.this) == 2
    error_message = "Security groups, launch templates and placement groups are still created."
  }
}

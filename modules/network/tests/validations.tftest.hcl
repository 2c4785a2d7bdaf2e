# Validation rules of the VPC inputs (CIDRs, AZ IDs, NAT/closed network, bring-your-own VPC):
# one plan that must fail per rule, offline. validations_compute.tftest.hcl covers the rest.
# The baseline in `variables` is valid (proved by run "baseline_is_valid").

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
  }
  public_subnets = {
    "usw2-az1" = "10.0.240.0/24"
  }
  placement_groups = {
    training = {}
  }
  efa_launch_templates = {
    p5 = { instance_type = "p5.48xlarge", placement_group = "training" }
  }
}

run "baseline_is_valid" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_launch_template.this["p5"].network_interfaces) == 32
    error_message = "The baseline must plan."
  }
}

run "rejects_bad_vpc_cidr_and_public_az_id" {
  command = plan
  variables {
    # vpc_cidr_not_a_cidr
    vpc_cidr = "10.0.0.0/33"
    # public_subnet_bad_az_id
    public_subnets = { "usw2a" = "10.0.240.0/24" }
  }
  expect_failures = [
    var.vpc_cidr,       # vpc_cidr_not_a_cidr
    var.public_subnets, # public_subnet_bad_az_id
  ]
}

run "rejects_vpc_cidr_host_bits_and_bad_public_cidr" {
  command = plan
  variables {
    # vpc_cidr_host_bits_set
    vpc_cidr = "10.0.0.1/16"
    # public_subnet_bad_cidr
    public_subnets = { "usw2-az1" = "not-a-cidr" }
  }
  expect_failures = [
    var.vpc_cidr,       # vpc_cidr_host_bits_set
    var.public_subnets, # public_subnet_bad_cidr
  ]
}

run "rejects_bad_name_and_oversized_vpc_cidr" {
  command = plan
  variables {
    # name_bad
    name = "LLM_dev"
    # vpc_cidr_too_large
    vpc_cidr = "10.0.0.0/8"
  }
  expect_failures = [
    var.name,     # name_bad
    var.vpc_cidr, # vpc_cidr_too_large
  ]
}
run "vpc_cidr_missing_when_creating" {
  command = plan

  variables {
    vpc_cidr = null
  }

  expect_failures = [var.vpc_cidr]
}

run "private_subnet_az_name_instead_of_id" {
  command = plan

  variables {
    private_subnets = { "us-west-2a" = "10.0.0.0/19" }
  }

  expect_failures = [var.private_subnets]
}

run "private_subnet_bad_cidr" {
  command = plan

  variables {
    private_subnets = { "usw2-az1" = "10.0.0.0/40" }
  }

  expect_failures = [var.private_subnets]
}

run "subnet_outside_vpc" {
  command = plan

  variables {
    private_subnets = { "usw2-az1" = "10.1.0.0/19" }
  }

  expect_failures = [var.private_subnets]
}

run "subnets_overlap" {
  command = plan

  variables {
    private_subnets = {
      "usw2-az1" = "10.0.0.0/19"
      "usw2-az2" = "10.0.16.0/20"
    }
    public_subnets   = { "usw2-az1" = "10.0.240.0/24" }
    nat_gateway_mode = "single"
  }

  expect_failures = [var.private_subnets]
}

run "public_overlaps_private" {
  command = plan

  variables {
    public_subnets = { "usw2-az1" = "10.0.0.0/24" }
  }

  expect_failures = [var.private_subnets]
}

run "subnets_in_two_regions" {
  command = plan

  variables {
    private_subnets = {
      "usw2-az1" = "10.0.0.0/19"
      "use1-az4" = "10.0.32.0/19"
    }
  }

  expect_failures = [var.private_subnets]
}

run "no_private_subnets_when_creating" {
  command = plan

  variables {
    private_subnets = {}
  }

  expect_failures = [var.private_subnets]
}

run "nat_mode_unknown" {
  command = plan

  variables {
    nat_gateway_mode = "gateway"
  }

  expect_failures = [var.nat_gateway_mode]
}

run "nat_without_public_subnet" {
  command = plan

  variables {
    public_subnets   = {}
    nat_gateway_mode = "single"
  }

  expect_failures = [var.nat_gateway_mode]
}

run "per_az_missing_public_subnet" {
  command = plan

  variables {
    nat_gateway_mode = "per_az"
    public_subnets   = { "usw2-az1" = "10.0.240.0/24" }
  }

  expect_failures = [var.nat_gateway_mode]
}

run "closed_network_with_nat" {
  command = plan

  variables {
    closed_network   = true
    nat_gateway_mode = "single"
  }

  expect_failures = [var.closed_network]
}

run "closed_network_with_public_subnets" {
  command = plan

  variables {
    closed_network   = true
    nat_gateway_mode = "none"
  }

  expect_failures = [var.closed_network]
}

run "byo_without_vpc_id" {
  command = plan

  variables {
    create_vpc = false
    vpc_cidr   = null
  }

  expect_failures = [var.existing_vpc_id]
}

run "byo_bad_vpc_id" {
  command = plan

  variables {
    create_vpc      = false
    vpc_cidr        = null
    existing_vpc_id = "my-vpc"
  }

  expect_failures = [var.existing_vpc_id]
}

run "byo_endpoints_without_subnets" {
  command = plan

  variables {
    create_vpc                  = false
    vpc_cidr                    = null
    existing_vpc_id             = "vpc-0123456789abcdef0"
    interface_endpoints_enabled = true
  }

  expect_failures = [var.existing_private_subnet_ids]
}

run "byo_bad_subnet_id" {
  command = plan

  variables {
    create_vpc                  = false
    existing_vpc_id             = "vpc-0123456789abcdef0"
    existing_private_subnet_ids = { "usw2-az1" = "sub-123" }
  }

  expect_failures = [var.existing_private_subnet_ids]
}

# A VPC with private subnets in two AZs (keyed by AZ ID) and one NAT gateway.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

provider "aws" {
  region = "us-west-2"
}

module "network" {
  source = "../.."

  name     = "llm-dev-network"
  vpc_cidr = "10.0.0.0/16"

  private_subnets = {
    "usw2-az1" = "10.0.0.0/19"
    "usw2-az2" = "10.0.32.0/19"
  }
  public_subnets = {
    "usw2-az1" = "10.0.240.0/24"
    "usw2-az2" = "10.0.241.0/24"
  }
  nat_gateway_mode = "single" # or "per_az", or "none"
}

output "private_subnet_ids" {
  value = module.network.private_subnet_ids
}

# A closed network: no internet gateway, no NAT; STS, ECR, Logs, SSM, SageMaker, FSx, ... through interface
# endpoints, S3 through the gateway endpoint.

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

  name             = "llm-prod-network"
  vpc_cidr         = "10.1.0.0/16"
  closed_network   = true
  nat_gateway_mode = "none"
  private_subnets  = { "usw2-az1" = "10.1.0.0/19", "usw2-az2" = "10.1.32.0/19" }
}

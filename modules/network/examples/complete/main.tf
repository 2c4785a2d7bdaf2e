# Three AZs with a NAT gateway in one, a cluster placement group and EFA launch templates (one EFA interface per
# network card of the instance type).

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
    "usw2-az3" = "10.0.64.0/19"
  }
  public_subnets = {
    "usw2-az1" = "10.0.240.0/24"
    "usw2-az2" = "10.0.241.0/24"
    "usw2-az3" = "10.0.242.0/24"
  }
  nat_gateway_mode = "single" # or "per_az", or "none"

  # Optional and separate from EFA: do not use with Capacity Blocks / ODCRs.
  placement_groups = {
    training = {} # cluster
  }

  efa_launch_templates = {
    p5e = {
      instance_type   = "p5e.48xlarge" # 32 EFA interfaces
      placement_group = "training"
      image_id        = "ami-0123456789abcdef0"
    }
    trn2 = {
      instance_type       = "trn2.48xlarge" # 16 EFA interfaces
      root_volume_size_gb = 1024
    }
  }

  tags = { Layer = "network" }
}

output "launch_template_ids" {
  value = module.network.launch_template_ids
}

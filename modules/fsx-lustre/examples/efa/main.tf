# An EFA-enabled file system (GPUDirect Storage on p5/p6 instances): PERSISTENT_2, a user-provisioned metadata
# configuration, capacity in steps of 19200 GiB at 250 MB/s/TiB, and the EFA security group.

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

module "fsx_lustre_efa" {
  source = "../.."

  name                        = "llm-prod-efa"
  subnet_id                   = "subnet-0123456789abcdef0"
  security_group_ids          = ["sg-0123456789abcdef0"] # EFA SG: all traffic to/from itself
  efa_enabled                 = true
  storage_capacity_gib        = 19200 # multiple of 19200 at 250 MB/s/TiB
  per_unit_storage_throughput = 250
  metadata_configuration      = { mode = "USER_PROVISIONED", iops = 24000 }
}

output "aggregate_throughput_mbps" {
  value = module.fsx_lustre_efa.aggregate_throughput_mbps
}

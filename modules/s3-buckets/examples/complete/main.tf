# Data buckets of one environment with cross-region replication to us-east-2.
#
# Also the root for `terraform validate`: the module declares `configuration_aliases = [aws.replica]`,
# which Terraform cannot validate when the module folder itself is the root.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "replica"
  region = "us-east-2"
}

module "s3_buckets" {
  source = "../.."

  providers = {
    aws         = aws
    aws.replica = aws.replica
  }

  name = "llm-prod-storage-111111111111"

  buckets = {
    datasets    = { intelligent_tiering = true }
    checkpoints = { noncurrent_version_expiration_days = 14 }
    artifacts   = {}
  }

  replication = {
    enabled            = true
    destination_region = "us-east-2"
  }

  tags = { Team = "ml-platform" }
}

output "bucket_names" {
  value = module.s3_buckets.bucket_names
}

output "replica_bucket_arns" {
  value = module.s3_buckets.replica_bucket_arns
}

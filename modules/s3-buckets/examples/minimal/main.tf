# The default data buckets (datasets, checkpoints, artifacts) without replication. The module always needs an
# `aws.replica` provider; with replication disabled it may be the default provider: nothing is created with it.

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
  region = "us-east-1"
}

module "s3_buckets" {
  source = "../.."

  providers = {
    aws         = aws
    aws.replica = aws
  }

  name = "llm-dev-storage-111111111111" # globally unique prefix (here: includes the account id)
}

output "bucket_names" {
  value = module.s3_buckets.bucket_names
}

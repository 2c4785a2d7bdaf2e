# The CI roles of two environments that share one state bucket, in an account without a GitHub OIDC provider yet
# (the module creates it). Apply this once per account with an administrator's credentials, before the workflows.

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

module "ci" {
  source = "../.."

  github_repository = "example-org/llm-infra"
  environments = {
    dev = {
      state_bucket      = "llm-infra-tfstate-111122223333-us-west-2"
      state_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
    }
    prod = {
      state_bucket      = "llm-infra-tfstate-111122223333-us-west-2"
      state_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
    }
  }
}

output "role_arns" {
  value = module.ci.role_arns
}

output "permissions_boundary_arns" {
  value = module.ci.permissions_boundary_arns
}

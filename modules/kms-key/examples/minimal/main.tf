# One customer managed key that principals of this account may use only through S3 in this region.

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

module "kms" {
  source = "../.."

  description = "S3 data buckets of llm-prod-storage"
  alias       = "llm-prod-storage-s3"
  use_through_service = [{
    sid      = "AllowS3UseThroughService"
    services = ["s3.us-east-1.amazonaws.com"]
    actions  = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
  }]
}

output "key_arn" {
  value = module.kms.key_arn
}

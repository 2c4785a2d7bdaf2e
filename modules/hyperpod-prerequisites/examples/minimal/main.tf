# The execution role, the lifecycle bucket with the scripts of ../../lifecycle and the SSM access policy of one
# HyperPod cluster, on existing data buckets and their key (the storage layer's outputs).

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

module "hyperpod_prerequisites" {
  source = "../.."

  # The module hands its provider on to ../s3-buckets as `aws` and `aws.replica`: pass it by name.
  providers = {
    aws = aws
  }

  name         = "llm-dev-training"
  cluster_name = "llm-dev-training"
  bucket_name  = "sagemaker-llm-dev-training-111122223333" # must start with `sagemaker-`

  storage = {
    dataset_bucket_arns    = ["arn:aws:s3:::llm-dev-storage-111122223333-datasets"]
    checkpoint_bucket_arns = ["arn:aws:s3:::llm-dev-storage-111122223333-checkpoints"]
    kms_key_arn            = "arn:aws:kms:us-west-2:111122223333:key/00000000-0000-0000-0000-000000000000"
  }

  users = [{ name = "researcher", uid = 2001 }]
}

output "execution_role_arn" {
  value = module.hyperpod_prerequisites.execution_role_arn
}

output "lifecycle_source_s3_uri" {
  value = module.hyperpod_prerequisites.lifecycle_source_s3_uri
}

# One Inferentia2 endpoint (a 3B model on ml.inf2.xlarge, tensor parallel over both NeuronCores) with a canary
# rollout, rollback alarms and autoscaling between one and two instances.

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

module "inference" {
  source = "../.."

  name             = "llm-dev"
  vpc_id           = "vpc-0123456789abcdef0"
  subnet_ids       = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  kms_key_arn      = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
  model_bucket_arn = "arn:aws:s3:::llm-dev-models"
  capture_s3_uri   = "s3://llm-dev-artifacts/data-capture"

  endpoints = {
    chat-3b = {
      image                  = "111122223333.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
      model_data_url         = "s3://llm-dev-models/stablelm-3b/"
      environment            = { OPTION_TENSOR_PARALLEL_DEGREE = "2" }
      instance_type          = "ml.inf2.xlarge"
      tensor_parallel_degree = 2
      min_instances          = 1
      max_instances          = 2
      target_value           = 10
      rollout                = { type = "CANARY", size_percent = 10, wait_in_seconds = 300 }
    }
  }
}

output "endpoint_names" {
  value = module.inference.endpoint_names
}

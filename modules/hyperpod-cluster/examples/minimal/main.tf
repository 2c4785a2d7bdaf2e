# A Slurm HyperPod cluster: controller, login and one GPU compute partition in the FSx AZ, with the FSx mount and
# deep health checks. awscc only: needs hashicorp/awscc >= 1.106.0 (the execution role and lifecycle bucket come
# from ../../../hyperpod-prerequisites).

terraform {
  required_version = ">= 1.9"

  required_providers {
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.106.0, < 2"
    }
  }
}

provider "awscc" {
  region = "us-east-1"
}

module "hyperpod_cluster" {
  source = "../.."

  cluster_name       = "llm-prod-training"
  execution_role_arn = "arn:aws:iam::111111111111:role/llm-prod-training-hyperpod"
  lifecycle_scripts = {
    source_s3_uri    = "s3://sagemaker-llm-prod-training-lifecycle/lifecycle/"
    on_create        = "on_create.sh"
    on_init_complete = "on_init_complete.sh"
  }
  subnet_ids         = ["subnet-0aaaaaaaaaaaaaaa1"] # the FSx AZ
  security_group_ids = ["sg-0123456789abcdef0"]     # the network layer's EFA security group
  node_recovery      = "Automatic"
  fsx                = { dns_name = "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com", mount_name = "abcdefgh" }

  instance_groups = {
    controller = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
    login      = { role = "login", instance_type = "ml.m5.4xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
    gpu = {
      role               = "compute"
      instance_type      = "ml.p5en.48xlarge"
      instance_count     = 16
      threads_per_core   = 1
      ebs_volume_size_gb = 500
      partition          = "gpu"
      subnet_id          = "subnet-0aaaaaaaaaaaaaaa1"
      deep_health_checks = ["InstanceStress", "InstanceConnectivity"]
    }
  }

  tags = { Project = "llm", Environment = "prod" }
}

output "cluster_arn" {
  value = module.hyperpod_cluster.cluster_arn
}

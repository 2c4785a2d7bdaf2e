terraform {
  required_version = ">= 1.9"

  required_providers {
    awscc = {
      source = "hashicorp/awscc"
      # 1.106.0 has slurm_config, orchestrator.slurm and on_init_complete on awscc_sagemaker_cluster (FACTS.md).
      version = ">= 1.106.0, < 2"
    }
  }
}

# A 9600 GiB PERSISTENT_2 file system at 250 MB/s/TiB linked to two S3 buckets through data repository
# associations: datasets read-only, checkpoints imported and exported.

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

module "fsx_lustre" {
  source = "../.."

  name               = "llm-prod-storage"
  subnet_id          = "subnet-0123456789abcdef0" # AZ of the GPU instance group
  security_group_ids = ["sg-0123456789abcdef0"]

  deployment_type             = "PERSISTENT_2"
  storage_capacity_gib        = 9600
  per_unit_storage_throughput = 250 # 9600 / 1024 * 250 = 2343.75 MB/s

  data_repository_associations = {
    datasets = {
      file_system_path                 = "/datasets"
      data_repository_path             = "s3://llm-prod-storage-111111111111-datasets/"
      batch_import_meta_data_on_create = true
      export_events                    = [] # read-only view of the dataset bucket
    }
    checkpoints = {
      file_system_path     = "/checkpoints"
      data_repository_path = "s3://llm-prod-storage-111111111111-checkpoints/"
    }
  }

  tags = { Layer = "storage" }
}

output "data_repository_association_ids" {
  value = module.fsx_lustre.data_repository_association_ids
}

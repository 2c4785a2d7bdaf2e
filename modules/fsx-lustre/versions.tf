terraform {
  # >= 1.9: variable validations refer to other variables.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100 has efa_enabled, metadata_configuration, root_squash_configuration,
      # log_configuration and skip_final_backup on aws_fsx_lustre_file_system.
      version = ">= 5.100"
    }
  }
}

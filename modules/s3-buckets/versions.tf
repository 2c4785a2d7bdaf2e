terraform {
  # >= 1.9: variable validations refer to other variables.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
      # aws.replica: provider of the replication destination region. Always pass it; when replication is
      # disabled it may be the same provider as `aws` and nothing is created with it.
      configuration_aliases = [aws.replica]
    }
  }
}

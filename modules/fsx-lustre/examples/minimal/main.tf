# A PERSISTENT_2 file system (the module's defaults) in the subnet of the GPU instance group, with its own key and
# log group.

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

  name      = "llm-prod-storage"
  subnet_id = "subnet-0123456789abcdef0" # AZ of the GPU instance group
  # The network layer's EFA security group already allows TCP 988 and 1018-1023 to itself.
  security_group_ids = ["sg-0123456789abcdef0"]
}

# Clients mount: mount -t lustre <dns_name>@tcp:/<mount_name> /fsx
output "dns_name" {
  value = module.fsx_lustre.dns_name
}

output "mount_name" {
  value = module.fsx_lustre.mount_name
}

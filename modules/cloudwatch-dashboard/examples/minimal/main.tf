# One dashboard with a metric-math widget and one alarm to an SNS topic.

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

resource "aws_sns_topic" "alarms" {
  name              = "llm-dev-alarms"
  kms_master_key_id = "arn:aws:kms:us-west-2:111122223333:key/00000000-0000-0000-0000-000000000000" # a customer managed key CloudWatch may use
}

module "fsx_dashboard" {
  source = "../.."

  name = "llm-dev-observability-fsx"
  widgets = [{
    title = "Free capacity (GiB)"
    metrics = [
      { namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", dimensions = { FileSystemId = "fs-0123" }, stat = "Minimum", id = "free", visible = false },
      { expression = "free / 1073741824", id = "free_gib", label = "free GiB" },
    ]
  }]
  alarms = {
    free-capacity = {
      description         = "FSx free capacity below 10%", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity",
      dimensions          = { FileSystemId = "fs-0123" }, statistic = "Minimum", threshold = 128849018880,
      comparison_operator = "LessThanThreshold", treat_missing_data = "breaching", actions = [aws_sns_topic.alarms.arn]
    }
  }
}

output "dashboard_name" {
  value = module.fsx_dashboard.dashboard_name
}

# The alarm topic and its key, an AMP workspace with its log group, and an e-mail subscription; no Grafana, no
# dashboards, no budget.

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

module "observability" {
  source = "../.."

  name               = "llm-dev-observability"
  log_retention_days = 30

  subscriptions = [{ protocol = "email", endpoint = "ml-platform-oncall@example.com" }]
}

output "alarm_topic_arn" {
  value = module.observability.alarm_topic_arn
}

output "amp_remote_write_url" {
  value = module.observability.amp_remote_write_url
}

output "alarm_topic_arn" {
  description = "SNS topic (on kms_key_arn) that CloudWatch alarms, AMP alerts and the budget notify."
  value       = aws_sns_topic.this.arn
}

output "kms_key_arn" {
  description = "Customer managed key of the topic, the AMP workspace and its log group."
  value       = module.kms.key_arn
}

output "amp_workspace_arn" {
  description = "AMP workspace ARN."
  value       = local.workspace.arn
}

output "amp_workspace_id" {
  description = "AMP workspace id."
  value       = local.workspace.id
}

output "amp_remote_write_url" {
  description = "Prometheus remote-write URL of the workspace (`<prometheus_endpoint>api/v1/remote_write`)."
  value       = "${local.workspace.prometheus_endpoint}api/v1/remote_write"
}

output "log_group_name" {
  description = "Log group of the AMP workspace."
  value       = local.log_group_name
}

output "grafana_workspace_id" {
  description = "Amazon Managed Grafana workspace id (null without Grafana)."
  value       = try(local.grafana_workspace.id, null)
}

output "grafana_endpoint" {
  description = "Amazon Managed Grafana endpoint (null without Grafana)."
  value       = try(local.grafana_workspace.endpoint, null)
}

output "dashboard_names" {
  description = "CloudWatch dashboard name by var.dashboards key."
  value       = { for k, m in module.dashboards : k => m.dashboard_name }
}

output "alarm_names" {
  description = "CloudWatch alarm name by alarm key."
  value       = module.alarms.alarm_names
}

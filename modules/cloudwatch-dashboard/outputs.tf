output "dashboard_name" {
  description = "Name of the dashboard (null when none is created)."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_name, null)
}

output "dashboard_arn" {
  description = "ARN of the dashboard (null when none is created)."
  value       = try(aws_cloudwatch_dashboard.this[0].dashboard_arn, null)
}

output "dashboard_body" {
  description = "The dashboard body as rendered (JSON), for tests and reviews."
  value       = jsonencode(local.body)
}

output "alarm_arns" {
  description = "Alarm ARN by alarm key."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.arn }
}

output "alarm_names" {
  description = "Alarm name by alarm key."
  value       = { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name }
}

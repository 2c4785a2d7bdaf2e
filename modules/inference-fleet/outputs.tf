output "endpoint_names" {
  description = "Endpoint name by key (stable)."
  value       = local.endpoint_names
}

output "endpoint_arns" {
  description = "Endpoint ARN by key."
  value       = { for k, e in merge(aws_sagemaker_endpoint.this, aws_sagemaker_endpoint.protected) : k => e.arn }
}

output "variant_name" {
  description = "The one production variant's name (stable)."
  value       = local.variant_name
}

output "model_names" {
  description = "Model name by key (carries the hash of what replaces it)."
  value       = local.model_names
}

output "endpoint_config_names" {
  description = "Current endpoint configuration name by key."
  value       = { for k, c in aws_sagemaker_endpoint_configuration.this : k => c.name }
}

output "rollback_alarm_names" {
  description = "The two rollback alarm names by key."
  value       = { for k, n in local.alarm_names : k => values(n) }
}

output "execution_role_arn" {
  description = "ARN of the models' execution role."
  value       = aws_iam_role.execution.arn
}

output "autoscaling_resource_ids" {
  description = "Application Auto Scaling resource id by key."
  value       = { for k, t in aws_appautoscaling_target.variant : k => t.resource_id }
}

output "security_group_id" {
  description = "The models' own security group (null without vpc_id)."
  value       = try(aws_security_group.this[0].id, null)
}

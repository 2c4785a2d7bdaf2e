output "execution_role_arn" {
  description = "ARN of the cluster execution role."
  value       = aws_iam_role.execution.arn
}

output "execution_role_name" {
  description = "Name of the cluster execution role."
  value       = aws_iam_role.execution.name
}

output "lifecycle_bucket_name" {
  description = "Name of the lifecycle bucket (starts with `sagemaker-`)."
  value       = local.bucket_name
}

output "lifecycle_source_s3_uri" {
  description = "`life_cycle_config.source_s3_uri` of every instance group."
  value       = "s3://${local.bucket_name}/${local.lifecycle_prefix}"
}

output "lifecycle_kms_key_arn" {
  description = "KMS key of the lifecycle bucket."
  value       = module.lifecycle_bucket.kms_key_arn
}

output "node_config" {
  description = "The node-config.json the lifecycle scripts read (uploaded next to them)."
  value       = local.node_config
}

output "ssm_access_policy_arn" {
  description = "Managed policy to attach to researchers' roles: SSM StartSession on this cluster's nodes."
  value       = aws_iam_policy.ssm_access.arn
}

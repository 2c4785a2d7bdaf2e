output "file_system_id" {
  description = "ID of the file system (`fs-...`)."
  value       = try(local.fs.id, null)
}

output "file_system_arn" {
  description = "ARN of the file system."
  value       = try(local.fs.arn, null)
}

output "dns_name" {
  description = "DNS name to mount (`<dns_name>@tcp:/<mount_name>`)."
  value       = try(local.fs.dns_name, null)
}

output "mount_name" {
  description = "Lustre mount name (`<dns_name>@tcp:/<mount_name>`)."
  value       = try(local.fs.mount_name, null)
}

output "security_group_id" {
  description = "ID of the security group the module created, or null when the caller passed `security_group_ids`."
  value       = try(aws_security_group.this[0].id, null)
}

output "security_group_ids" {
  description = "Security groups attached to the file system (the caller's, or the module's own). Clients need one of them, or Lustre ports allowed from them."
  value       = local.create_security_group ? aws_security_group.this[*].id : var.security_group_ids
}

output "kms_key_arn" {
  description = "KMS key of the log group and, for persistent types, of the file system (created or passed in)."
  value       = local.kms_key_arn
}

output "log_group_name" {
  description = "CloudWatch log group receiving Lustre WARN/ERROR logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "data_repository_association_ids" {
  description = "Data repository association IDs (`dra-...`) by key."
  value       = { for k, v in aws_fsx_data_repository_association.this : k => v.id }
}

output "aggregate_throughput_mbps" {
  description = "Baseline aggregate throughput in MB/s: storage_capacity_gib / 1024 * per_unit_storage_throughput, or the deployment type's fixed baseline (SCRATCH_2: 200 MB/s/TiB, from limits.json)."
  value       = var.storage_capacity_gib / 1024 * local.baseline_mbps_per_tib
}

output "network_interface_ids" {
  description = "ENIs of the file system; the first is the primary one."
  value       = try(local.fs.network_interface_ids, [])
}

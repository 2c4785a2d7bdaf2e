output "bucket_names" {
  description = "Data bucket names by key, e.g. `{ datasets = \"<name>-datasets\" }`."
  value       = tomap({ for k, b in local.data_buckets : k => b.bucket })
}

output "bucket_arns" {
  description = "Data bucket ARNs by key."
  value       = tomap({ for k, b in local.data_buckets : k => b.arn })
}

output "access_log_bucket_name" {
  description = "Name of the server access log bucket `<name>-access-logs`."
  value       = aws_s3_bucket.access_logs.bucket
}

output "replica_bucket_arns" {
  description = "Replica bucket ARNs by key (empty when replication is disabled)."
  value       = tomap({ for k, b in local.replica_buckets : k => b.arn })
}

output "kms_key_arn" {
  description = "KMS key of the data buckets (created or passed in)."
  value       = local.kms_key_arn
}

output "replica_kms_key_arn" {
  description = "KMS key of the replica buckets in the destination region (null when replication is disabled)."
  value       = try(module.replica_kms[0].key_arn, null)
}

output "replication_role_arn" {
  description = "IAM role S3 assumes to replicate (null when replication is disabled)."
  value       = try(aws_iam_role.replication[0].arn, null)
}

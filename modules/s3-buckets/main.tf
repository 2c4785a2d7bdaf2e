data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  # S3 limits the variable validations check; the Python config reads the same file.
  limits = jsondecode(file("${path.module}/limits.json"))

  # Resources use try(module.kms[0].key_arn, var.kms_key_arn) directly: a plan scan (checkov) only
  # sees references to resources, not to locals, while the key ARN is still unknown.
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = try(module.kms[0].key_arn, var.kms_key_arn)

  # Names and ARNs from known values, so that policies are known at plan time.
  bucket_names          = { for k in keys(var.buckets) : k => "${var.name}-${k}" }
  bucket_arns           = { for k, n in local.bucket_names : k => "arn:${local.partition}:s3:::${n}" }
  access_log_bucket     = "${var.name}-access-logs"
  access_log_bucket_arn = "arn:${local.partition}:s3:::${local.access_log_bucket}"

  replicated          = var.replication.enabled ? { for k, b in var.buckets : k => b if b.replicate } : {}
  replica_bucket_arns = { for k in keys(local.replicated) : k => "arn:${local.partition}:s3:::${var.name}-${k}-replica" }

  # Exactly one of `this` / `protected` (and `replica` / `replica_protected`) holds the buckets.
  data_buckets    = merge(aws_s3_bucket.this, aws_s3_bucket.protected)
  replica_buckets = merge(aws_s3_bucket.replica, aws_s3_bucket.replica_protected)
}

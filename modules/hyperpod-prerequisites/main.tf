data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition     = data.aws_partition.current.partition
  region        = data.aws_region.current.id
  account_id    = data.aws_caller_identity.current.account_id
  lifecycle_dir = coalesce(var.lifecycle_dir, "${path.module}/lifecycle")
  # Only what the nodes run or read: scripts and the pinned artifact list (never README or .gitkeep).
  lifecycle_files = setunion(
    fileset(local.lifecycle_dir, "**/*.sh"),
    fileset(local.lifecycle_dir, "artifacts.json"),
  )
  bucket_name      = module.lifecycle_bucket.bucket_names["lifecycle"]
  bucket_arn       = module.lifecycle_bucket.bucket_arns["lifecycle"]
  lifecycle_prefix = "lifecycle"
  node_config = {
    cluster_name = var.cluster_name
    region       = local.region
    fsx = var.fsx == null ? null : {
      dns_name   = var.fsx.dns_name
      mount_name = var.fsx.mount_name
      mount_path = var.fsx.mount_path
      efa        = var.fsx.efa
    }
    users = [for u in var.users : { name = u.name, uid = u.uid, groups = u.groups }]
    observability = {
      enabled          = var.observability != null
      remote_write_url = try(var.observability.remote_write_url, "")
      region           = local.region
    }
    artifacts_s3_uri = "s3://${local.bucket_name}/artifacts/"
  }
}

# The lifecycle bucket, hardened like the data buckets (own KMS key, versioning, TLS-only, access logs).
# Not protected: it holds only files generated from this repository, re-uploaded by every apply.
module "lifecycle_bucket" {
  source = "../s3-buckets"
  providers = {
    aws         = aws
    aws.replica = aws
  }

  name            = var.bucket_name
  buckets         = { lifecycle = { replicate = false } }
  prevent_destroy = false
  tags            = var.tags
}

resource "aws_s3_object" "lifecycle" {
  for_each = local.lifecycle_files

  bucket = local.bucket_name
  key    = "${local.lifecycle_prefix}/${each.value}"
  source = "${local.lifecycle_dir}/${each.value}"
  # source_hash, not etag: under SSE-KMS the ETag is not an MD5 and `etag` would diff forever.
  source_hash  = filemd5("${local.lifecycle_dir}/${each.value}")
  content_type = endswith(each.value, ".json") ? "application/json" : "text/x-shellscript"
  tags         = var.tags
}

resource "aws_s3_object" "node_config" {
  bucket       = local.bucket_name
  key          = "${local.lifecycle_prefix}/node-config.json"
  content      = jsonencode(local.node_config)
  content_type = "application/json"
  tags         = var.tags
}

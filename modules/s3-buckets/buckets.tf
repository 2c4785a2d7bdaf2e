################################################################################
# Data buckets
#
# `lifecycle.prevent_destroy` only takes a literal, so the buckets are declared twice:
# `this` (for_each when var.prevent_destroy is false) and `protected` (when true). Keep the two blocks
# identical apart from for_each and prevent_destroy; never set force_destroy on them.
#
# Every per-bucket resource refers to its bucket directly as
# try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id) - not through a local -
# and lists both bucket blocks in depends_on. Terraform needs neither for ordering (the reference
# already orders it); both exist for policy scanners: checkov's plan scan drops references made through
# locals, and its HCL scan keeps the empty one of the two for_each blocks as an unexpanded resource that
# it can only connect through depends_on. Without them the bucket checks (versioning, encryption, public
# access block, logging, lifecycle, notifications) report false failures.
################################################################################

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is opt-in per environment through var.replication (prod enables it); without it the module creates no replication configuration and dev/staging datasets and checkpoints are reproducible.
  for_each = var.prevent_destroy ? {} : var.buckets

  bucket        = local.bucket_names[each.key]
  force_destroy = false

  tags = merge(var.tags, { Name = local.bucket_names[each.key], Purpose = each.key })
}

resource "aws_s3_bucket" "protected" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is opt-in per environment through var.replication (prod enables it); without it the module creates no replication configuration and dev/staging datasets and checkpoints are reproducible.
  for_each = var.prevent_destroy ? var.buckets : {}

  bucket        = local.bucket_names[each.key]
  force_destroy = false

  tags = merge(var.tags, { Name = local.bucket_names[each.key], Purpose = each.key })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = var.buckets

  bucket = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)

  rule {
    object_ownership = "BucketOwnerEnforced"
  }

  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this]
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = var.buckets

  bucket = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true

  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this]
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = var.buckets

  bucket = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)

  versioning_configuration {
    status = "Enabled"
  }

  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = var.buckets

  bucket = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = try(module.kms[0].key_arn, var.kms_key_arn)
    }
    bucket_key_enabled = true
  }

  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this]
}

data "aws_iam_policy_document" "tls_only" {
  for_each = var.buckets

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arns[each.key], "${local.bucket_arns[each.key]}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = var.buckets

  bucket = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)
  policy = data.aws_iam_policy_document.tls_only[each.key].json

  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this, aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_logging" "this" {
  for_each = var.buckets

  bucket        = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${each.key}/"

  # Log delivery is authorised by the log bucket's policy.
  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this, aws_s3_bucket_policy.access_logs]
}

resource "aws_s3_bucket_notification" "this" {
  for_each = var.eventbridge_notifications ? var.buckets : {}

  bucket      = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)
  eventbridge = true

  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = var.buckets

  bucket = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = each.value.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  dynamic "rule" {
    for_each = each.value.intelligent_tiering ? [1] : []
    content {
      id     = "intelligent-tiering"
      status = "Enabled"

      filter {}

      transition {
        days          = 0
        storage_class = "INTELLIGENT_TIERING"
      }
    }
  }

  depends_on = [aws_s3_bucket.protected, aws_s3_bucket.this, aws_s3_bucket_versioning.this]
}

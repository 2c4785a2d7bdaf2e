################################################################################
# Server access log bucket (target of every data bucket's access logging)
################################################################################

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_18:This is the access-log target bucket; logging it into itself would log every log delivery in an endless loop, and AWS advises against logging a target bucket.
  #checkov:skip=CKV_AWS_145:S3 server access logging does not support SSE-KMS default encryption on the target bucket (S3 User Guide, "Enabling Amazon S3 server access logging"); the bucket uses SSE-S3 (AES256).
  #checkov:skip=CKV_AWS_144:Access logs are regional audit telemetry of the source buckets, kept versioned for access_log_retention_days in-region; a cross-region copy would also need its own log bucket and adds no protection to the data itself.
  bucket        = local.access_log_bucket
  force_destroy = var.access_log_bucket_force_destroy

  tags = merge(var.tags, { Name = local.access_log_bucket, Purpose = "s3-access-logs" })
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      # SSE-KMS is not supported for server access log target buckets.
      sse_algorithm = "AES256"
    }
  }
}

data "aws_iam_policy_document" "access_logs" {
  # With BucketOwnerEnforced, log delivery is granted to the logging service principal by bucket policy: one
  # statement per data bucket, which may write only under its own prefix. (These come first: moto's
  # PutBucketLogging check stops at the first matching statement and fails on a `"Principal": "*"` before it.)
  dynamic "statement" {
    for_each = local.bucket_arns

    content {
      sid       = "AllowAccessLogDelivery${replace(title(statement.key), "-", "")}"
      effect    = "Allow"
      actions   = ["s3:PutObject"]
      resources = ["${local.access_log_bucket_arn}/${statement.key}/*"]

      principals {
        type        = "Service"
        identifiers = ["logging.s3.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = [statement.value]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [local.account_id]
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.access_log_bucket_arn, "${local.access_log_bucket_arn}/*"]

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

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

resource "aws_s3_bucket_notification" "access_logs" {
  count = var.eventbridge_notifications ? 1 : 0

  bucket      = aws_s3_bucket.access_logs.id
  eventbridge = true
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

################################################################################
# Cross-region replication (only when var.replication.enabled)
################################################################################

# --- Replica-region key -------------------------------------------------------

data "aws_region" "replica" {
  count    = var.replication.enabled ? 1 : 0
  provider = aws.replica

  lifecycle {
    postcondition {
      condition     = self.id == var.replication.destination_region
      error_message = "The aws.replica provider must be configured for replication.destination_region."
    }

    postcondition {
      condition     = var.replication.destination_region != local.region
      error_message = "replication.destination_region must differ from the source region (cross-region replication)."
    }
  }
}

module "replica_kms" {
  source = "../kms-key"
  count  = var.replication.enabled ? 1 : 0

  providers = {
    aws = aws.replica
  }

  description             = "S3 replica buckets of ${var.name}"
  alias                   = "${var.name}-s3-replica"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = merge(var.tags, { Name = "${var.name}-s3-replica" })

  use_through_service = [{
    sid      = "AllowS3UseThroughService"
    services = ["s3.${var.replication.destination_region}.amazonaws.com"]
    actions  = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
  }]
}

# Addresses before modules/kms-key (the key exists whenever replication is enabled).
moved {
  from = aws_kms_key.replica[0]
  to   = module.replica_kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.replica[0]
  to   = module.replica_kms[0].aws_kms_alias.this
}

# --- Replica buckets (this/protected pattern as for the data buckets) -----------
# Same reference and depends_on convention as in buckets.tf: try(replica_protected[k], replica[k]) plus
# `depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica]`.

resource "aws_s3_bucket" "replica" {
  #checkov:skip=CKV_AWS_144:This bucket is the cross-region replication destination; replicating the replica again adds cost, not durability.
  #checkov:skip=CKV_AWS_18:Server access logs must go to a bucket in the same region; the replica is written only by S3 replication from the logged source bucket, and reads in the DR region are audited with CloudTrail data events.
  for_each = var.prevent_destroy ? {} : local.replicated
  provider = aws.replica

  bucket        = "${var.name}-${each.key}-replica"
  force_destroy = false

  tags = merge(var.tags, { Name = "${var.name}-${each.key}-replica", Purpose = "${each.key}-replica" })
}

resource "aws_s3_bucket" "replica_protected" {
  #checkov:skip=CKV_AWS_144:This bucket is the cross-region replication destination; replicating the replica again adds cost, not durability.
  #checkov:skip=CKV_AWS_18:Server access logs must go to a bucket in the same region; the replica is written only by S3 replication from the logged source bucket, and reads in the DR region are audited with CloudTrail data events.
  for_each = var.prevent_destroy ? local.replicated : {}
  provider = aws.replica

  bucket        = "${var.name}-${each.key}-replica"
  force_destroy = false

  tags = merge(var.tags, { Name = "${var.name}-${each.key}-replica", Purpose = "${each.key}-replica" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = try(aws_s3_bucket.replica_protected[each.key].id, aws_s3_bucket.replica[each.key].id)

  rule {
    object_ownership = "BucketOwnerEnforced"
  }

  depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica]
}

resource "aws_s3_bucket_public_access_block" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = try(aws_s3_bucket.replica_protected[each.key].id, aws_s3_bucket.replica[each.key].id)

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true

  depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica]
}

resource "aws_s3_bucket_versioning" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = try(aws_s3_bucket.replica_protected[each.key].id, aws_s3_bucket.replica[each.key].id)

  versioning_configuration {
    status = "Enabled"
  }

  depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = try(aws_s3_bucket.replica_protected[each.key].id, aws_s3_bucket.replica[each.key].id)

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.replica_kms[0].key_arn
    }
    bucket_key_enabled = true
  }

  depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica]
}

data "aws_iam_policy_document" "replica_tls_only" {
  for_each = local.replicated

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.replica_bucket_arns[each.key], "${local.replica_bucket_arns[each.key]}/*"]

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

resource "aws_s3_bucket_policy" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = try(aws_s3_bucket.replica_protected[each.key].id, aws_s3_bucket.replica[each.key].id)
  policy = data.aws_iam_policy_document.replica_tls_only[each.key].json

  depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica, aws_s3_bucket_public_access_block.replica]
}

resource "aws_s3_bucket_notification" "replica" {
  for_each = var.eventbridge_notifications ? local.replicated : {}
  provider = aws.replica

  bucket      = try(aws_s3_bucket.replica_protected[each.key].id, aws_s3_bucket.replica[each.key].id)
  eventbridge = true

  depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica]
}

resource "aws_s3_bucket_lifecycle_configuration" "replica" {
  for_each = local.replicated
  provider = aws.replica

  bucket = try(aws_s3_bucket.replica_protected[each.key].id, aws_s3_bucket.replica[each.key].id)

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_days
    }
  }

  # Replicated deletes leave noncurrent versions behind: expire them like the source does.
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

  depends_on = [aws_s3_bucket.replica_protected, aws_s3_bucket.replica, aws_s3_bucket_versioning.replica]
}

# --- Replication role (least privilege) ---------------------------------------

data "aws_iam_policy_document" "replication_assume" {
  count = var.replication.enabled ? 1 : 0

  statement {
    sid     = "S3AssumesReplicationRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "replication" {
  count = var.replication.enabled ? 1 : 0

  statement {
    sid       = "ReadReplicationConfiguration"
    effect    = "Allow"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [for k in keys(local.replicated) : local.bucket_arns[k]]
  }

  statement {
    sid    = "ReadSourceObjectVersions"
    effect = "Allow"
    actions = [
      "s3:GetObjectVersionAcl",
      "s3:GetObjectVersionForReplication",
      "s3:GetObjectVersionTagging",
    ]
    resources = [for k in keys(local.replicated) : "${local.bucket_arns[k]}/*"]
  }

  statement {
    sid       = "WriteReplicas"
    effect    = "Allow"
    actions   = ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"]
    resources = [for arn in values(local.replica_bucket_arns) : "${arn}/*"]
  }

  # With S3 Bucket Keys the encryption context is the bucket ARN, without them the object ARN.
  statement {
    sid       = "DecryptSourceObjects"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = flatten([for k in keys(local.replicated) : [local.bucket_arns[k], "${local.bucket_arns[k]}/*"]])
    }
  }

  # Encrypt replicas; kms:Decrypt and kms:GenerateDataKey are needed for the replica buckets' S3 Bucket Key.
  statement {
    sid       = "EncryptReplicas"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [module.replica_kms[0].key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.replication.destination_region}.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:aws:s3:arn"
      values   = flatten([for arn in values(local.replica_bucket_arns) : [arn, "${arn}/*"]])
    }
  }
}

resource "aws_iam_role" "replication" {
  count = var.replication.enabled ? 1 : 0

  name                 = "${var.name}-s3-replication"
  description          = "S3 cross-region replication of ${var.name} buckets to ${var.replication.destination_region}"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.replication_assume[0].json

  tags = merge(var.tags, { Name = "${var.name}-s3-replication" })
}

resource "aws_iam_role_policy" "replication" {
  count = var.replication.enabled ? 1 : 0

  name   = "s3-replication"
  role   = aws_iam_role.replication[0].id
  policy = data.aws_iam_policy_document.replication[0].json
}

resource "aws_s3_bucket_replication_configuration" "this" {
  for_each = local.replicated

  bucket = try(aws_s3_bucket.protected[each.key].id, aws_s3_bucket.this[each.key].id)
  role   = aws_iam_role.replication[0].arn

  rule {
    id       = "replicate-all-to-${var.replication.destination_region}"
    status   = "Enabled"
    priority = 1

    filter {}

    delete_marker_replication {
      status = "Enabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket        = try(aws_s3_bucket.replica_protected[each.key].arn, aws_s3_bucket.replica[each.key].arn)
      storage_class = "STANDARD"

      encryption_configuration {
        replica_kms_key_id = module.replica_kms[0].key_arn
      }
    }
  }

  # Both buckets must be versioned, and the role allowed, before S3 accepts the configuration.
  depends_on = [
    aws_s3_bucket.protected,
    aws_s3_bucket.this,
    aws_s3_bucket.replica_protected,
    aws_s3_bucket.replica,
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_versioning.replica,
    aws_iam_role_policy.replication,
  ]
}

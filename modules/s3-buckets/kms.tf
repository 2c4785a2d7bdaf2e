################################################################################
# Customer managed key of the data buckets (when none is passed in)
################################################################################

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only, and kms:* for the account root is AWS's default statement that hands key access to IAM policies.
  #checkov:skip=CKV_AWS_111:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only; write access is limited to the account root (delegated to IAM) and to service use with kms:ViaService/encryption-context conditions.
  #checkov:skip=CKV_AWS_356:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only and cannot name another resource.
  count = local.create_kms_key ? 1 : 0

  # Key policy: "*" as resource means "this key". The account keeps full control so that IAM policies
  # decide who administers and uses the key (AWS default key policy); the replication role gets its
  # kms:Decrypt through its IAM policy.
  statement {
    sid       = "AccountAdministersKey"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # Principals of this account may use the key for S3 SSE-KMS (with bucket keys) in this region.
  statement {
    sid    = "AllowS3UseThroughService"
    effect = "Allow"
    actions = [
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:Encrypt",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }

  # Statements the caller adds (e.g. the `s3_kms_key_policy_statements` output of modules/fsx-lustre for the
  # FSx service-linked roles of file systems linked to these buckets). One policy per key: they are part of
  # this document, never a second policy resource that would overwrite it.
  dynamic "statement" {
    for_each = var.kms_key_policy_statements

    content {
      sid       = statement.value.sid
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "principals" {
        for_each = statement.value.principals

        content {
          type        = principals.value.type
          identifiers = principals.value.identifiers
        }
      }

      dynamic "condition" {
        for_each = statement.value.conditions

        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "S3 data buckets of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = merge(var.tags, { Name = "${var.name}-s3" })
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-s3"
  target_key_id = aws_kms_key.this[0].key_id
}

################################################################################
# Customer managed key for the file system (persistent types) and its log group
################################################################################

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_109:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only, and kms:* for the account root is AWS's default statement that hands key access to IAM policies.
  #checkov:skip=CKV_AWS_111:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only; write access is limited to the account root (delegated to IAM) and to service use with kms:ViaService/encryption-context conditions.
  #checkov:skip=CKV_AWS_356:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only and cannot name another resource.
  count = local.create_kms_key ? 1 : 0

  # Key policy: "*" as resource means "this key". The account keeps full control so that IAM policies
  # decide who administers and uses the key (AWS default key policy).
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

  # FSx encrypts the file system and its backups with grants it creates on behalf of the caller.
  statement {
    sid    = "AllowFSxUseThroughService"
    effect = "Allow"
    actions = [
      "kms:CreateGrant",
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
      values   = ["fsx.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }

  # CloudWatch Logs encrypts the Lustre log group, and only that log group.
  statement {
    sid    = "AllowCloudWatchLogsForLustreLogGroup"
    effect = "Allow"
    actions = [
      "kms:Decrypt*",
      "kms:Describe*",
      "kms:Encrypt*",
      "kms:GenerateDataKey*",
      "kms:ReEncrypt*",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.log_group_arn]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "FSx for Lustre file system and Lustre logs of ${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = merge(var.tags, { Name = "${var.name}-fsx" })
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-fsx"
  target_key_id = aws_kms_key.this[0].key_id
}

################################################################################
# One customer managed KMS key, its alias and its one key policy
################################################################################

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # KMS limits the variable validations check.
  limits = jsondecode(file("${path.module}/limits.json"))

  account_id       = data.aws_caller_identity.current.account_id
  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"
}

data "aws_iam_policy_document" "this" {
  #checkov:skip=CKV_AWS_109:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only, and kms:* for the account root is AWS's default statement that hands key access to IAM policies.
  #checkov:skip=CKV_AWS_111:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only; write access is limited to the account root (delegated to IAM) and to service use with kms:ViaService/encryption-context conditions.
  #checkov:skip=CKV_AWS_356:Key policy, not an IAM policy: Resource "*" in a KMS key policy means this key only and cannot name another resource.

  # Key policy: "*" as resource means "this key". The account keeps full control so that IAM policies
  # decide who administers and uses the key (AWS default key policy).
  statement {
    sid       = var.account_admin_sid
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  # Principals of this account may use the key only through the named services (which create grants or
  # data keys on their behalf).
  dynamic "statement" {
    for_each = var.use_through_service

    content {
      sid       = statement.value.sid
      effect    = "Allow"
      actions   = statement.value.actions
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [local.account_root_arn]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = statement.value.services
      }

      condition {
        test     = "StringEquals"
        variable = "kms:CallerAccount"
        values   = [local.account_id]
      }
    }
  }

  # CloudWatch Logs of this key's region encrypts the named log groups, and only those.
  dynamic "statement" {
    for_each = length(var.log_group_arns) > 0 ? [1] : []

    content {
      sid    = var.log_groups_sid
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
        identifiers = ["logs.${data.aws_region.current.id}.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = var.log_group_arns
      }
    }
  }

  # Statements the caller adds. One policy per key: they are part of this document, never a second
  # policy resource that would overwrite it.
  dynamic "statement" {
    for_each = var.policy_statements

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
  description             = var.description
  enable_key_rotation     = var.enable_key_rotation
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.this.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}

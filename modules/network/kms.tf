################################################################################
# KMS key for the flow-log group and the launch templates' EBS volumes
################################################################################

locals {
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? one(aws_kms_key.this[*].arn) : var.kms_key_arn

  account_root_arn     = "arn:${local.partition}:iam::${local.account_id}:root"
  autoscaling_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  # In a key policy "Resource": "*" means this key. The account root statement
  # delegates access to IAM policies (AWS default key policy) and keeps the key
  # manageable.
  statement {
    sid       = "EnableIAMPoliciesAndRootAdministration"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  dynamic "statement" {
    for_each = var.create_vpc ? [1] : []

    content {
      sid    = "AllowCloudWatchLogsForTheFlowLogGroup"
      effect = "Allow"
      actions = [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = [local.flow_log_group_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = var.kms_key_allow_autoscaling_service_linked_role ? [1] : []

    content {
      sid    = "AllowAutoScalingServiceLinkedRoleUseForEBS"
      effect = "Allow"
      actions = [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey",
      ]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [local.autoscaling_role_arn]
      }
    }
  }

  dynamic "statement" {
    for_each = var.kms_key_allow_autoscaling_service_linked_role ? [1] : []

    content {
      sid       = "AllowAutoScalingServiceLinkedRoleGrantsForEBS"
      effect    = "Allow"
      actions   = ["kms:CreateGrant"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [local.autoscaling_role_arn]
      }

      condition {
        test     = "Bool"
        variable = "kms:GrantIsForAWSResource"
        values   = ["true"]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "${var.name}: VPC flow logs and EFA launch template EBS volumes"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this[0].key_id
}

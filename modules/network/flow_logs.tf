################################################################################
# VPC flow logs (ALL traffic) to a KMS-encrypted CloudWatch log group
################################################################################

locals {
  # Known before apply so that the KMS key policy can name the log group
  # without a dependency cycle.
  flow_log_group_name = "/aws/vpc-flow-logs/${var.name}"
  flow_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group_name}"
}

resource "aws_cloudwatch_log_group" "this" {
  count = var.create_vpc ? 1 : 0

  name              = local.flow_log_group_name
  retention_in_days = var.flow_logs_retention_days
  kms_key_id        = local.kms_key_arn

  tags = merge(var.tags, { Name = local.flow_log_group_name })
}

data "aws_iam_policy_document" "flow_logs_assume" {
  count = var.create_vpc ? 1 : 0

  statement {
    sid     = "VpcFlowLogsAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    # Confused-deputy protection: only flow logs of this account and region.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc-flow-log/*"]
    }
  }
}

data "aws_iam_policy_document" "flow_logs" {
  count = var.create_vpc ? 1 : 0

  statement {
    sid    = "DeliverToTheFlowLogGroupOnly"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "logs:DescribeLogStreams",
    ]
    resources = [
      aws_cloudwatch_log_group.this[0].arn,
      "${aws_cloudwatch_log_group.this[0].arn}:*",
    ]
  }

  # Listed in the AWS flow-log role documentation; read-only metadata, limited
  # to this account's log groups in this region.
  statement {
    sid       = "DescribeLogGroupsInThisRegion"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }
}

resource "aws_iam_role" "this" {
  count = var.create_vpc ? 1 : 0

  name                 = "${var.name}-vpc-flow-logs"
  description          = "VPC flow logs delivery to ${local.flow_log_group_name}"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.flow_logs_assume[0].json

  tags = merge(var.tags, { Name = "${var.name}-vpc-flow-logs" })
}

resource "aws_iam_role_policy" "this" {
  count = var.create_vpc ? 1 : 0

  name   = "deliver-to-flow-log-group"
  role   = aws_iam_role.this[0].id
  policy = data.aws_iam_policy_document.flow_logs[0].json
}

resource "aws_flow_log" "this" {
  count = var.create_vpc ? 1 : 0

  vpc_id               = aws_vpc.this[0].id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.this[0].arn
  iam_role_arn         = aws_iam_role.this[0].arn

  tags = merge(var.tags, { Name = var.name })
}

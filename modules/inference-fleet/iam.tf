################################################################################
# Execution role, least privilege: read the model data, the KMS keys, pull the images, write logs and data
# capture, run in the VPC, and read its own rollback alarms.
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "SageMakerAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name                 = "${var.name}-inference-execution"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.assume.json

  tags = merge(var.tags, { Name = "${var.name}-inference-execution" })
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "ReadModelData"
    actions   = ["s3:GetObject"]
    resources = distinct([for k, e in var.endpoints : "arn:${local.partition}:s3:::${trimprefix(e.model_data_url, "s3://")}*"])
  }

  statement {
    sid       = "ListModelBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.model_bucket_arn]
  }

  statement {
    sid       = "WriteDataCapture"
    actions   = ["s3:PutObject"]
    resources = ["arn:${local.partition}:s3:::${trimprefix(trimsuffix(var.capture_s3_uri, "/"), "s3://")}/*"]
  }

  statement {
    sid       = "UseKeys"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:CreateGrant"]
    resources = distinct(concat([var.kms_key_arn], var.model_data_kms_key_arns))
  }

  statement {
    sid       = "PullImages"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = local.image_repository_arns
  }

  statement {
    #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource type; it must be "*".
    sid       = "EcrToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/sagemaker/Endpoints/${var.name}-*"]
  }

  statement {
    sid       = "PutOwnMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["AWS/SageMaker", "/aws/sagemaker/*"]
    }
  }

  statement {
    sid     = "ReadRollbackAlarms"
    actions = ["cloudwatch:DescribeAlarms"]
    resources = flatten([for k, n in local.alarm_names : [
      for a in values(n) : "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${a}"
    ]])
  }

  statement {
    sid = "VpcNetworkInterfaces"
    actions = [
      "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
      "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
    ]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = [local.region]
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "inference-execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

data "aws_iam_policy_document" "trust" {
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
  name                 = "${var.name}-hyperpod-exec"
  description          = "Execution role of the HyperPod cluster ${var.cluster_name}"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy"
}

data "aws_iam_policy_document" "execution" {
  # HyperPod attaches ENIs in the cluster's subnets. The Describe actions have no resource-level permissions
  # (IAM service authorization reference, Amazon EC2), so they take "*"; the actions that change something are
  # scoped to this account and region's network interfaces, subnets and security groups.
  statement {
    sid = "DescribeNetwork"
    actions = [
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeVpcs",
      "ec2:DescribeSubnets",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeDhcpOptions",
    ]
    resources = ["*"]
  }

  statement {
    sid = "NetworkInterfaces"
    actions = [
      "ec2:CreateNetworkInterface",
      "ec2:CreateNetworkInterfacePermission",
      "ec2:DeleteNetworkInterface",
      "ec2:DeleteNetworkInterfacePermission",
      "ec2:DetachNetworkInterface",
      "ec2:CreateTags",
    ]
    resources = [
      for type in ["network-interface", "subnet", "security-group"] :
      "arn:${local.partition}:ec2:${local.region}:${local.account_id}:${type}/*"
    ]
  }

  # Without fsx:DescribeFileSystems the Lustre client check silently mounts over TCP instead of EFA.
  statement {
    sid       = "DescribeFileSystems"
    actions   = ["fsx:DescribeFileSystems"]
    resources = ["*"]
  }

  statement {
    sid       = "ReadLifecycle"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [local.bucket_arn, "${local.bucket_arn}/*"]
  }

  statement {
    sid       = "ReadDatasets"
    actions   = ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"]
    resources = flatten([for a in var.storage.dataset_bucket_arns : [a, "${a}/*"]])
  }

  statement {
    sid       = "WriteCheckpoints"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = flatten([for a in var.storage.checkpoint_bucket_arns : [a, "${a}/*"]])
  }

  statement {
    sid       = "BucketKeys"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.storage.kms_key_arn, module.lifecycle_bucket.kms_key_arn]
  }

  dynamic "statement" {
    for_each = var.observability == null ? [] : [var.observability]
    content {
      sid       = "RemoteWriteMetrics"
      actions   = ["aps:RemoteWrite"]
      resources = [statement.value.workspace_arn]
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "hyperpod-node"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# Researchers reach the login node through SSM: HyperPod registers every node as the SSM target
# `sagemaker-cluster:<cluster-id>_<group>-<instance-id>`; StartSession is authorised on the cluster's ARN. The cluster
# id is known only after the hyperpod stack is applied, so the policy is scoped to clusters of this account and
# region tagged `hyperpod-cluster-name = <cluster_name>` (the hyperpod stack sets that tag) and to the caller's own sessions.
data "aws_iam_policy_document" "ssm" {
  statement {
    sid       = "StartSessionOnClusterNodes"
    actions   = ["ssm:StartSession"]
    resources = ["arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:cluster/*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/hyperpod-cluster-name"
      values   = [var.cluster_name]
    }
  }

  statement {
    sid       = "OwnSessions"
    actions   = ["ssm:TerminateSession", "ssm:ResumeSession"]
    resources = ["arn:${local.partition}:ssm:${local.region}:${local.account_id}:session/$${aws:userid}-*"]
  }

  statement {
    sid       = "DescribeCluster"
    actions   = ["sagemaker:DescribeCluster", "sagemaker:ListClusterNodes"]
    resources = ["arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:cluster/*"]
  }
}

resource "aws_iam_policy" "ssm_access" {
  name        = "${var.name}-hyperpod-ssm"
  description = "SSM sessions on the nodes of HyperPod cluster ${var.cluster_name} (attach to researchers' roles)"
  policy      = data.aws_iam_policy_document.ssm.json
  tags        = var.tags
}

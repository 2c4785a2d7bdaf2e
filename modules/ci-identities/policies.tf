# The policy documents, as data: tests/terraform/test_ci_identities.py reads the planned JSON and checks every
# statement with parliament (IAM's action database) and cloudsplaining (privilege escalation, exposure).

locals {
  # Read and list actions of the services the stacks manage: what `terraform plan` (refresh) and the drift check
  # call. Wildcards only over Describe/List, whose every action is a read; Get* only where the service's Get
  # actions are all configuration reads (not s3:Get*, which includes object reads, nor ssm or secrets).
  read_actions = [
    "application-autoscaling:Describe*",
    "application-autoscaling:ListTagsForResource",
    "aps:Describe*",
    "aps:List*",
    "budgets:ViewBudget",
    "budgets:ListTagsForResource",
    "cloudwatch:Describe*",
    "cloudwatch:GetDashboard",
    "cloudwatch:List*",
    "ec2:Describe*",
    "ec2:GetLaunchTemplateData",
    "fsx:Describe*",
    "fsx:ListTagsForResource",
    "grafana:Describe*",
    "grafana:List*",
    "iam:GetOpenIDConnectProvider",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListPolicyVersions",
    "iam:ListRolePolicies",
    "iam:ListRoleTags",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListResourceTags",
    "logs:Describe*",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketLogging",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetBucketWebsite",
    "s3:GetEncryptionConfiguration",
    "s3:GetIntelligentTieringConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:ListAllMyBuckets",
    "sagemaker:Describe*",
    "sagemaker:List*",
    "sns:GetSubscriptionAttributes",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "sns:ListTagsForResource",
    "sts:GetCallerIdentity",
  ]

  read_policy = {
    for name, env in local.environments : name => {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ReadStackResources"
          Effect   = "Allow"
          Action   = local.read_actions
          Resource = "*"
        },
        {
          # terraform reads the objects it manages (HyperPod lifecycle scripts) and the buckets' listings.
          Sid    = "ReadStackObjects"
          Effect = "Allow"
          Action = ["s3:GetObject", "s3:GetObjectTagging", "s3:ListBucket"]
          Resource = [
            "arn:${local.partition}:s3:::sagemaker-${env.prefix}-*",
            "arn:${local.partition}:s3:::sagemaker-${env.prefix}-*/*",
          ]
        },
      ]
    }
  }

  state_policy = {
    for key, role in local.roles : key => {
      Version = "2012-10-17"
      Statement = concat(
        [
          {
            Sid       = "ListStatePrefix"
            Effect    = "Allow"
            Action    = "s3:ListBucket"
            Resource  = local.environments[role.environment].state_bucket_arn
            Condition = { StringLike = { "s3:prefix" = ["${local.environments[role.environment].state_prefix}*"] } }
          },
          {
            Sid      = "ReadState"
            Effect   = "Allow"
            Action   = "s3:GetObject"
            Resource = "${local.environments[role.environment].state_bucket_arn}/${local.environments[role.environment].state_prefix}*"
          },
          {
            Sid      = "DecryptState"
            Effect   = "Allow"
            Action   = role.kind == "drift" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
            Resource = local.environments[role.environment].state_kms_key_arn
          },
        ],
        # The drift check runs with -lock=false: its role writes nothing, not even a lock file.
        role.kind == "drift" ? [] : [{
          Sid      = "LockState"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:DeleteObject"]
          Resource = "${local.environments[role.environment].state_bucket_arn}/${local.environments[role.environment].state_prefix}*.tflock"
        }],
        role.kind != "apply" ? [] : [{
          Sid      = "WriteState"
          Effect   = "Allow"
          Action   = "s3:PutObject"
          Resource = "${local.environments[role.environment].state_bucket_arn}/${local.environments[role.environment].state_prefix}*.tfstate"
        }],
      )
    }
  }

  # Services whose resources the stacks create; their write actions are not resource-scoped here because the
  # stacks' names come from one prefix only for some (IAM and S3 are scoped below); checkov skips say why.
  managed_services = [
    "application-autoscaling", "aps", "budgets", "cloudwatch", "ec2", "fsx", "grafana", "kms", "logs", "sagemaker", "sns",
  ]

  apply_policy = {
    for name, env in local.environments : name => {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ManageStackServices"
          Effect   = "Allow"
          Action   = [for service in local.managed_services : "${service}:*"]
          Resource = "*"
        },
        {
          Sid    = "ManageStackBuckets"
          Effect = "Allow"
          Action = "s3:*"
          Resource = [
            "arn:${local.partition}:s3:::${env.prefix}-*",
            "arn:${local.partition}:s3:::${env.prefix}-*/*",
            "arn:${local.partition}:s3:::sagemaker-${env.prefix}-*",
            "arn:${local.partition}:s3:::sagemaker-${env.prefix}-*/*",
          ]
        },
        {
          # Creating a role, or changing its policies, only with this environment's boundary attached.
          Sid    = "BoundedStackRoles"
          Effect = "Allow"
          Action = [
            "iam:AttachRolePolicy",
            "iam:CreateRole",
            "iam:DeleteRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:PutRolePolicy",
          ]
          Resource = "arn:${local.partition}:iam::${local.account}:role/${env.prefix}-*"
          # ArnEquals: iam:PermissionsBoundary is an ARN-typed key (parliament flags StringEquals as a mismatch).
          Condition = { ArnEquals = { "iam:PermissionsBoundary" = env.boundary_policy_arn } }
        },
        {
          Sid    = "StackRoles"
          Effect = "Allow"
          Action = [
            "iam:DeleteRole",
            "iam:TagRole",
            "iam:UntagRole",
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
          ]
          Resource = "arn:${local.partition}:iam::${local.account}:role/${env.prefix}-*"
        },
        {
          Sid    = "StackPolicies"
          Effect = "Allow"
          Action = [
            "iam:CreatePolicy",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicy",
            "iam:DeletePolicyVersion",
            "iam:TagPolicy",
            "iam:UntagPolicy",
          ]
          Resource = "arn:${local.partition}:iam::${local.account}:policy/${env.prefix}-*"
        },
        {
          Sid      = "PassStackRoles"
          Effect   = "Allow"
          Action   = "iam:PassRole"
          Resource = "arn:${local.partition}:iam::${local.account}:role/${env.prefix}-*"
          Condition = {
            StringEquals = {
              "iam:PassedToService" = [
                "grafana.amazonaws.com", "s3.amazonaws.com", "sagemaker.amazonaws.com", "vpc-flow-logs.amazonaws.com",
              ]
            }
          }
        },
        {
          Sid      = "KeepBoundaries"
          Effect   = "Deny"
          Action   = "iam:DeleteRolePermissionsBoundary"
          Resource = "*"
        },
      ]
    }
  }

  # What any role the stacks create may ever do (its own policies grant less): the service roles of flow logs,
  # S3 replication, HyperPod nodes, SageMaker endpoints and Grafana. No IAM, no STS, no organization changes.
  boundary_policy = {
    for name, env in local.environments : name => {
      Version = "2012-10-17"
      Statement = [
        {
          Sid    = "StackServiceRoles"
          Effect = "Allow"
          Action = [
            "aps:*",
            "cloudwatch:*",
            "ec2:AssignPrivateIpAddresses",
            "ec2:CreateNetworkInterface",
            "ec2:CreateNetworkInterfacePermission",
            "ec2:CreateTags",
            "ec2:DeleteNetworkInterface",
            "ec2:DeleteNetworkInterfacePermission",
            "ec2:Describe*",
            "ec2:DetachNetworkInterface",
            "ec2:UnassignPrivateIpAddresses",
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetAuthorizationToken",
            "ecr:GetDownloadUrlForLayer",
            "fsx:Describe*",
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
            "logs:*",
            "s3:*",
            "sagemaker:*",
            "sns:Publish",
            "ssmmessages:*",
          ]
          Resource = "*"
        },
        {
          Sid      = "NoIdentityChanges"
          Effect   = "Deny"
          Action   = ["iam:*", "organizations:*", "account:*"]
          Resource = "*"
        },
      ]
    }
  }
}

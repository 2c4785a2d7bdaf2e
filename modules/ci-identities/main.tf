# The identities CI runs as: the GitHub OIDC provider, and per environment a plan, an apply and a drift role that
# a workflow job assumes directly (sts:AssumeRoleWithWebIdentity), plus the permissions boundary every role the
# stacks create must carry. Apply this module once per account, by hand, before the workflows run.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  issuer    = "token.actions.githubusercontent.com"

  oidc_provider_arn = coalesce(var.oidc_provider_arn, try(aws_iam_openid_connect_provider.this[0].arn, null))

  environments = {
    for name, env in var.environments : name => {
      # What the stacks of this environment name their roles, policies and buckets (llm_infra/label.py).
      prefix              = "${var.namespace}-${name}"
      apply_subject       = "repo:${var.github_repository}:environment:${coalesce(env.github_environment, name)}"
      plan_subject        = "repo:${var.github_repository}:environment:${coalesce(env.plan_github_environment, "${name}-plan")}"
      state_bucket_arn    = "arn:${local.partition}:s3:::${env.state_bucket}"
      state_prefix        = "${name}/" # the stacks' state keys are <environment>/<layer>.tfstate
      state_kms_key_arn   = env.state_kms_key_arn
      ci_name             = "github-${var.namespace}-${name}" # outside <namespace>-<env>-*: the apply role cannot edit it
      boundary_policy_arn = "arn:${local.partition}:iam::${local.account}:policy/github-${var.namespace}-${name}-boundary"
    }
  }

  kinds = ["plan", "apply", "drift"]
  roles = merge([
    for name, env in local.environments : {
      for kind in local.kinds : "${name}-${kind}" => {
        environment = name
        kind        = kind
        # plan and drift jobs run in the `<env>-plan` GitHub environment (no reviewers); apply in `<env>`.
        subject = kind == "apply" ? env.apply_subject : env.plan_subject
        name    = "${env.ci_name}-${kind}"
      }
    }
  ]...)
}

resource "aws_iam_openid_connect_provider" "this" {
  count = var.oidc_provider_arn == null ? 1 : 0

  url            = "https://${local.issuer}"
  client_id_list = ["sts.amazonaws.com"]
  # IAM validates GitHub's certificate against its own trusted CAs; the thumbprints are kept for older partitions.
  thumbprint_list = [
    "6938fd4d98bab03faadb97b34396831e3780aea1",
    "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
  ]
  tags = merge(var.tags, { Name = "github-actions" })
}

resource "aws_iam_role" "ci" {
  for_each = local.roles

  name                 = each.value.name
  description          = "GitHub Actions ${each.value.kind} role of environment ${each.value.environment} (${var.github_repository})"
  max_session_duration = var.max_session_duration
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubActionsOidc"
      Effect    = "Allow"
      Principal = { Federated = local.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.issuer}:aud" = "sts.amazonaws.com"
          "${local.issuer}:sub" = each.value.subject
        }
      }
    }]
  })
  tags = merge(var.tags, { Name = each.value.name, Environment = each.value.environment, CiRole = each.value.kind })
}

resource "aws_iam_role_policy" "read" {
  for_each = local.roles

  name   = "read-only"
  role   = aws_iam_role.ci[each.key].id
  policy = jsonencode(local.read_policy[each.value.environment])
}

resource "aws_iam_role_policy" "state" {
  for_each = local.roles

  name   = "terraform-state"
  role   = aws_iam_role.ci[each.key].id
  policy = jsonencode(local.state_policy[each.key])
}

resource "aws_iam_role_policy" "apply" {
  for_each = { for key, role in local.roles : key => role if role.kind == "apply" }

  name   = "manage-stacks"
  role   = aws_iam_role.ci[each.key].id
  policy = jsonencode(local.apply_policy[each.value.environment])
}

resource "aws_iam_policy" "boundary" {
  for_each = local.environments

  name        = "${each.value.ci_name}-boundary"
  description = "Permissions boundary of every role the ${each.key} stacks create (their service roles)"
  policy      = jsonencode(local.boundary_policy[each.key])
  tags        = merge(var.tags, { Name = "${each.value.ci_name}-boundary", Environment = each.key })
}

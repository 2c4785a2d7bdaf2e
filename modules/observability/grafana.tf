################################################################################
# Amazon Managed Grafana: the workspace role (read AMP and CloudWatch, least privilege), a security group for its
# VPC connection, the workspace (twin blocks) and its role associations. Dashboards and data source objects are
# loaded by the ops loader through the Grafana HTTP API (no grafana provider): `data_sources` only grants access.
################################################################################

data "aws_iam_policy_document" "grafana_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["grafana.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:grafana:${local.region}:${local.account_id}:/workspaces/*"]
    }
  }
}

resource "aws_iam_role" "grafana" {
  count = local.grafana_count

  name_prefix          = "${substr(var.name, 0, 30)}-amg-"
  description          = "Amazon Managed Grafana workspace of ${var.name}: reads AMP and CloudWatch"
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.grafana_assume.json

  tags = merge(var.tags, { Name = "${var.name}-grafana" })
}

data "aws_iam_policy_document" "grafana" {
  #checkov:skip=CKV_AWS_356:Only the List/Describe/Get actions CloudWatch, CloudWatch Logs discovery, EC2 Describe and tag:GetResources offer, which support no resource-level permissions, are on "*"; AMP queries and the key are scoped to this workspace and this key.
  #checkov:skip=CKV_AWS_111:No write action is on "*": logs:StartQuery/StopQuery are read-only Logs Insights queries, scoped to this account's log groups.

  statement {
    sid       = "QueryThisWorkspace"
    actions   = ["aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics", "aps:DescribeWorkspace"]
    resources = [local.workspace.arn]
  }

  statement {
    sid       = "DecryptThisWorkspace"
    actions   = ["kms:Decrypt", "kms:DescribeKey"]
    resources = [module.kms.key_arn]
  }

  statement {
    sid = "ReadCloudWatch"
    actions = [
      "aps:ListWorkspaces",
      "cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmsForMetric",
      "cloudwatch:GetInsightRuleReport", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics",
      "ec2:DescribeInstances", "ec2:DescribeRegions", "ec2:DescribeTags",
      "logs:DescribeLogGroups", "tag:GetResources",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "QueryLogsOfThisAccount"
    actions   = ["logs:GetLogEvents", "logs:GetLogGroupFields", "logs:GetQueryResults", "logs:StartQuery", "logs:StopQuery"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }
}

resource "aws_iam_role_policy" "grafana" {
  count = local.grafana_count

  name   = "read-amp-and-cloudwatch"
  role   = aws_iam_role.grafana[0].id
  policy = data.aws_iam_policy_document.grafana.json
}

resource "aws_security_group" "grafana" {
  #checkov:skip=CKV2_AWS_5:Attached to the Grafana workspace's vpc_configuration below (checkov does not model aws_grafana_workspace).
  count = local.grafana_vpc ? 1 : 0

  name_prefix = "${var.name}-grafana-"
  description = "Amazon Managed Grafana workspace of ${var.name}: HTTPS out to AMP and CloudWatch (endpoints or NAT)"
  vpc_id      = var.grafana.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-grafana" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "grafana_https" {
  count = local.grafana_vpc ? 1 : 0

  security_group_id = aws_security_group.grafana[0].id
  description       = "HTTPS to AMP, CloudWatch and STS (interface endpoints in a closed network, else through NAT)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

locals {
  grafana_configuration = jsonencode({
    plugins         = { pluginAdminEnabled = var.grafana.plugin_admin_enabled }
    unifiedAlerting = { enabled = true }
  })
  grafana_security_group_ids = concat(aws_security_group.grafana[*].id, var.grafana.security_group_ids)
}

resource "aws_grafana_workspace" "this" {
  count = var.prevent_destroy ? 0 : local.grafana_count

  name                     = var.name
  description              = "Dashboards of ${var.name} (AMP and CloudWatch)"
  account_access_type      = "CURRENT_ACCOUNT"
  authentication_providers = var.grafana.authentication_providers
  permission_type          = "CUSTOMER_MANAGED"
  role_arn                 = aws_iam_role.grafana[0].arn
  data_sources             = ["PROMETHEUS", "CLOUDWATCH"]
  grafana_version          = var.grafana.version
  configuration            = local.grafana_configuration

  dynamic "vpc_configuration" {
    for_each = local.grafana_vpc ? [1] : []
    content {
      subnet_ids         = var.grafana.subnet_ids
      security_group_ids = local.grafana_security_group_ids
    }
  }

  dynamic "network_access_control" {
    for_each = length(var.grafana.prefix_list_ids) + length(var.grafana.vpce_ids) > 0 ? [1] : []
    content {
      prefix_list_ids = var.grafana.prefix_list_ids
      vpce_ids        = var.grafana.vpce_ids
    }
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_grafana_workspace" "protected" {
  count = var.prevent_destroy ? local.grafana_count : 0

  name                     = var.name
  description              = "Dashboards of ${var.name} (AMP and CloudWatch)"
  account_access_type      = "CURRENT_ACCOUNT"
  authentication_providers = var.grafana.authentication_providers
  permission_type          = "CUSTOMER_MANAGED"
  role_arn                 = aws_iam_role.grafana[0].arn
  data_sources             = ["PROMETHEUS", "CLOUDWATCH"]
  grafana_version          = var.grafana.version
  configuration            = local.grafana_configuration

  dynamic "vpc_configuration" {
    for_each = local.grafana_vpc ? [1] : []
    content {
      subnet_ids         = var.grafana.subnet_ids
      security_group_ids = local.grafana_security_group_ids
    }
  }

  dynamic "network_access_control" {
    for_each = length(var.grafana.prefix_list_ids) + length(var.grafana.vpce_ids) > 0 ? [1] : []
    content {
      prefix_list_ids = var.grafana.prefix_list_ids
      vpce_ids        = var.grafana.vpce_ids
    }
  }

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    prevent_destroy = true
  }
}

locals {
  grafana_workspace = one(concat(aws_grafana_workspace.this, aws_grafana_workspace.protected))
}

resource "aws_grafana_role_association" "this" {
  for_each = var.grafana.enabled ? var.grafana.role_associations : {}

  workspace_id = local.grafana_workspace.id
  role         = each.key
  user_ids     = length(each.value.user_ids) > 0 ? each.value.user_ids : null
  group_ids    = length(each.value.group_ids) > 0 ? each.value.group_ids : null
}

# SAML: the IdP and the assertion attributes (AWS_SSO needs none: users come from IAM Identity Center). Not
# stateful: a new IdP or attribute updates it in place.
resource "aws_grafana_workspace_saml_configuration" "this" {
  count = var.grafana.enabled && var.grafana.saml != null ? 1 : 0

  workspace_id            = local.grafana_workspace.id
  idp_metadata_url        = var.grafana.saml.idp_metadata_url
  idp_metadata_xml        = var.grafana.saml.idp_metadata_xml
  role_assertion          = var.grafana.saml.role_assertion
  admin_role_values       = length(var.grafana.saml.admin_role_values) > 0 ? var.grafana.saml.admin_role_values : null
  editor_role_values      = var.grafana.saml.editor_role_values
  allowed_organizations   = length(var.grafana.saml.allowed_organizations) > 0 ? var.grafana.saml.allowed_organizations : null
  org_assertion           = var.grafana.saml.org_assertion
  email_assertion         = var.grafana.saml.email_assertion
  groups_assertion        = var.grafana.saml.groups_assertion
  login_assertion         = var.grafana.saml.login_assertion
  name_assertion          = var.grafana.saml.name_assertion
  login_validity_duration = var.grafana.saml.login_validity_duration
}

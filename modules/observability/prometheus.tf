################################################################################
# Amazon Managed Service for Prometheus: encrypted from day one (kms_key_arn cannot be added later), logging,
# rule groups, alert manager to the topic. Twin blocks: protected where var.prevent_destroy asks.
################################################################################

resource "aws_prometheus_workspace" "this" {
  count = var.prevent_destroy ? 0 : 1

  alias       = coalesce(var.amp_alias, var.name)
  kms_key_arn = module.kms.key_arn

  logging_configuration {
    log_group_arn = "${local.log_group_arn}:*"
  }

  tags = merge(var.tags, { Name = coalesce(var.amp_alias, var.name) })

  depends_on = [aws_cloudwatch_log_group.this, aws_cloudwatch_log_group.protected]
}

resource "aws_prometheus_workspace" "protected" {
  count = var.prevent_destroy ? 1 : 0

  alias       = coalesce(var.amp_alias, var.name)
  kms_key_arn = module.kms.key_arn

  logging_configuration {
    log_group_arn = "${local.log_group_arn}:*"
  }

  tags = merge(var.tags, { Name = coalesce(var.amp_alias, var.name) })

  depends_on = [aws_cloudwatch_log_group.this, aws_cloudwatch_log_group.protected]

  lifecycle {
    prevent_destroy = true
  }
}

locals {
  workspace = one(concat(aws_prometheus_workspace.this, aws_prometheus_workspace.protected))
}

resource "aws_prometheus_rule_group_namespace" "this" {
  for_each = var.rule_groups

  name         = each.key
  workspace_id = local.workspace.id
  data         = each.value
}

resource "aws_prometheus_alert_manager_definition" "this" {
  count = var.alertmanager_definition_template != "" ? 1 : 0

  workspace_id = local.workspace.id
  definition = templatestring(var.alertmanager_definition_template, {
    topic_arn = aws_sns_topic.this.arn
    region    = local.region
  })
}

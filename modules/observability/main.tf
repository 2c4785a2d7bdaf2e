################################################################################
# Observability of one environment: key, alarm topic, AMP, AMG, alarms, dashboards, budget
################################################################################

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  limits = jsondecode(file("${path.module}/limits.json"))

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  # AMP writes its logs to a vended-logs group (the /aws/vendedlogs/ prefix keeps the log resource policy small).
  log_group_name = "/aws/vendedlogs/prometheus/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  grafana_count = var.grafana.enabled ? 1 : 0
  grafana_vpc   = var.grafana.enabled && length(var.grafana.subnet_ids) > 0
}

################################################################################
# Customer managed key: SNS (CloudWatch alarms cannot publish to a topic on alias/aws/sns), Logs, AMP
################################################################################

module "kms" {
  source = "../kms-key"

  description             = "Alarm topic, AMP workspace and logs of ${var.name}"
  alias                   = var.name
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = merge(var.tags, { Name = var.name })

  # Principals of the account use the key through SNS (publish to the topic) and AMP (the workspace's data).
  use_through_service = [{
    sid      = "AllowUseThroughSnsAndAmp"
    services = ["sns.${local.region}.amazonaws.com", "aps-workspaces.${local.region}.amazonaws.com"]
    actions  = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
  }]

  log_groups_sid = "AllowCloudWatchLogsForAmpLogGroup"
  log_group_arns = [local.log_group_arn]

  # The services that publish to the encrypted topic need the data key: CloudWatch alarms, AMP's alert manager and
  # Budgets, each only on behalf of this account.
  policy_statements = [for sid, service in {
    AllowCloudWatchAlarmsToPublish = "cloudwatch.amazonaws.com"
    AllowAmpAlertManagerToPublish  = "aps.amazonaws.com"
    AllowBudgetsToPublish          = "budgets.amazonaws.com"
    } : {
    sid        = sid
    actions    = ["kms:Decrypt", "kms:GenerateDataKey*"]
    principals = [{ type = "Service", identifiers = [service] }]
    conditions = [{ test = "StringEquals", variable = "aws:SourceAccount", values = [local.account_id] }]
  }]
}

################################################################################
# AMP logs (twin blocks: protected where var.prevent_destroy asks)
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:AMP's log group holds rule-evaluation and alert manager errors, not audit records; each environment chooses the retention and min_log_retention_days (OBS-003, prod.toml: 365) is the floor it enforces.
  count = var.prevent_destroy ? 0 : 1

  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms.key_arn

  tags = merge(var.tags, { Name = local.log_group_name })
}

resource "aws_cloudwatch_log_group" "protected" {
  #checkov:skip=CKV_AWS_338:AMP's log group holds rule-evaluation and alert manager errors, not audit records; each environment chooses the retention and min_log_retention_days (OBS-003, prod.toml: 365) is the floor it enforces.
  count = var.prevent_destroy ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.kms.key_arn

  tags = merge(var.tags, { Name = local.log_group_name })

  lifecycle {
    prevent_destroy = true
  }
}

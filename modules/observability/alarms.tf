################################################################################
# Alarms and dashboards of what exists before this layer (the file system, the network), through the shared
# modules/cloudwatch-dashboard, and the account's cost budget
################################################################################

locals {
  fsx_capacity_bytes = var.fsx == null ? 0 : var.fsx.storage_capacity_gib * 1073741824

  # FreeDataStorageCapacity (bytes, Minimum) below the configured share of the capacity. Missing data is breaching:
  # a file system that stops reporting is unavailable, which is worth the page.
  alarms = var.fsx == null ? {} : {
    fsx-free-capacity = {
      description         = "FSx ${var.fsx.file_system_id}: less than ${var.fsx.free_capacity_alarm_percent}% of ${var.fsx.storage_capacity_gib} GiB free"
      namespace           = "AWS/FSx"
      metric_name         = "FreeDataStorageCapacity"
      dimensions          = { FileSystemId = var.fsx.file_system_id }
      statistic           = "Minimum"
      period              = 300
      evaluation_periods  = 3
      datapoints_to_alarm = 3
      threshold           = floor(local.fsx_capacity_bytes * var.fsx.free_capacity_alarm_percent / 100)
      comparison_operator = "LessThanThreshold"
      treat_missing_data  = "breaching"
      actions             = [aws_sns_topic.this.arn]
    }
  }
}

module "alarms" {
  source = "../cloudwatch-dashboard"

  name             = var.name
  create_dashboard = false
  alarms           = local.alarms
  tags             = var.tags
}

module "dashboards" {
  source   = "../cloudwatch-dashboard"
  for_each = var.dashboards

  name    = "${var.name}-${each.key}"
  widgets = each.value
  tags    = var.tags
}

resource "aws_budgets_budget" "this" {
  count = var.budget == null ? 0 : 1

  name         = var.name
  budget_type  = "COST"
  limit_amount = format("%.2f", var.budget.limit_amount)
  limit_unit   = "USD"
  time_unit    = var.budget.time_unit

  dynamic "notification" {
    for_each = var.budget.alert_thresholds_percent
    content {
      comparison_operator       = "GREATER_THAN"
      threshold                 = notification.value
      threshold_type            = "PERCENTAGE"
      notification_type         = "ACTUAL"
      subscriber_sns_topic_arns = [aws_sns_topic.this.arn]
    }
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 100
    threshold_type            = "PERCENTAGE"
    notification_type         = "FORECASTED"
    subscriber_sns_topic_arns = [aws_sns_topic.this.arn]
  }

  tags = merge(var.tags, { Name = var.name })
}

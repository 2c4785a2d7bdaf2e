################################################################################
# One CloudWatch dashboard from typed widgets, and metric alarms from typed definitions
################################################################################

data "aws_region" "current" {}

locals {
  limits = jsondecode(file("${path.module}/limits.json"))
  region = data.aws_region.current.id

  # Grid position of each widget: left to right, wrapping at 24 columns (each row as high as its tallest widget
  # would need a scan; widgets of one dashboard share a height, so y = row * height of the first).
  row_height = length(var.widgets) > 0 ? var.widgets[0].height : 6
  offsets    = [for i, w in var.widgets : sum(concat([0], [for p in slice(var.widgets, 0, i) : p.width]))]

  # One `metrics` row per metric: [namespace, name, dim1, value1, ..., { options }] or [{ expression, ... }].
  # Options without nulls: the dashboard API rejects `"label": null`.
  # (Each row goes through jsonencode: the two forms are tuples of different shapes.)
  widget_metrics = [for w in var.widgets : [for m in w.metrics : jsondecode(m.expression != null ? jsonencode([
    { for k, v in { expression = m.expression, id = m.id, label = m.label, visible = m.visible ? null : false } : k => v if v != null }
    ]) : jsonencode(concat(
    [m.namespace, m.metric_name],
    flatten([for k in sort(keys(m.dimensions)) : [k, m.dimensions[k]]]),
    [{ for k, v in { stat = m.stat, id = m.id, label = m.label, visible = m.visible ? null : false } : k => v if v != null }],
  )))]]

  body = {
    widgets = [for i, w in var.widgets : {
      type   = "metric"
      x      = local.offsets[i] % local.limits.grid_columns
      y      = floor(local.offsets[i] / local.limits.grid_columns) * local.row_height
      width  = w.width
      height = w.height
      properties = merge(
        {
          title   = w.title
          region  = local.region
          view    = w.view
          stacked = w.stacked
          period  = w.period
          metrics = local.widget_metrics[i]
        },
        length(w.horizontal_annotations) > 0 ? { annotations = { horizontal = [for a in w.horizontal_annotations : { label = a.label, value = a.value }] } } : {},
        w.y_label != null ? { yAxis = { left = { label = w.y_label, showUnits = false } } } : {},
      )
    }]
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create_dashboard && length(var.widgets) > 0 ? 1 : 0

  dashboard_name = var.name
  dashboard_body = jsonencode(local.body)
}

resource "aws_cloudwatch_metric_alarm" "this" {
  #checkov:skip=CKV_LLM_34:every alarm's actions are SNS topic ARNs, at least one, by this module's validation CWD-013 (checkov cannot evaluate var.alarms)
  for_each = var.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = startswith(each.value.statistic, "p") ? null : each.value.statistic
  extended_statistic  = startswith(each.value.statistic, "p") ? each.value.statistic : null
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison_operator
  treat_missing_data  = each.value.treat_missing_data
  alarm_actions       = each.value.actions
  ok_actions          = each.value.actions

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

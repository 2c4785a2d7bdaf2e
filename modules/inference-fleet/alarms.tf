################################################################################
# Rollback alarms (created from the first apply: the endpoint's auto-rollback block must never come or go) and
# the endpoint dashboard. Namespace AWS/SageMaker, dimensions EndpointName + VariantName; ModelLatency is in
# microseconds.
################################################################################

resource "aws_cloudwatch_metric_alarm" "errors_5xx" {
  #checkov:skip=CKV_LLM_34:a rollback alarm acts through the endpoint's deployment_config; it notifies alarm_topic_arn when the caller passes one (the inference stack passes the observability topic; tests/terraform/test_moto_ladder.py checks every planned alarm notifies it)
  for_each = var.endpoints

  alarm_name          = local.alarm_names[each.key].errors
  alarm_description   = "5xx errors of ${local.endpoint_names[each.key]}: rolls back a deployment in progress."
  namespace           = "AWS/SageMaker"
  metric_name         = "Invocation5XXErrors"
  statistic           = "Sum"
  period              = each.value.alarms.period_seconds
  evaluation_periods  = each.value.alarms.evaluation_periods
  threshold           = each.value.alarms.error_5xx_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  dimensions = {
    EndpointName = local.endpoint_names[each.key]
    VariantName  = local.variant_name
  }

  tags = merge(var.tags, { Name = local.alarm_names[each.key].errors })
}

resource "aws_cloudwatch_metric_alarm" "model_latency" {
  #checkov:skip=CKV_LLM_34:a rollback alarm acts through the endpoint's deployment_config; it notifies alarm_topic_arn when the caller passes one (the inference stack passes the observability topic; tests/terraform/test_moto_ladder.py checks every planned alarm notifies it)
  for_each = var.endpoints

  alarm_name          = local.alarm_names[each.key].latency
  alarm_description   = "p99 ModelLatency of ${local.endpoint_names[each.key]} above ${each.value.alarms.model_latency_p99_ms} ms: rolls back a deployment in progress."
  namespace           = "AWS/SageMaker"
  metric_name         = "ModelLatency"
  extended_statistic  = "p99"
  period              = each.value.alarms.period_seconds
  evaluation_periods  = each.value.alarms.evaluation_periods
  threshold           = each.value.alarms.model_latency_p99_ms * 1000
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  dimensions = {
    EndpointName = local.endpoint_names[each.key]
    VariantName  = local.variant_name
  }

  tags = merge(var.tags, { Name = local.alarm_names[each.key].latency })
}

resource "aws_cloudwatch_dashboard" "endpoints" {
  dashboard_name = "${var.name}-inference"
  dashboard_body = jsonencode({
    widgets = flatten([for i, k in sort(keys(var.endpoints)) : [
      for j, w in [
        { title = "Invocations", metrics = ["Invocations", "InvocationsPerInstance"], stat = "Sum" },
        { title = "Errors", metrics = ["Invocation4XXErrors", "Invocation5XXErrors"], stat = "Sum" },
        { title = "Latency (microseconds)", metrics = ["ModelLatency", "OverheadLatency"], stat = "p99" },
        ] : {
        type   = "metric"
        x      = j * 8
        y      = i * 6
        width  = 8
        height = 6
        properties = {
          title   = "${local.endpoint_names[k]}: ${w.title}"
          region  = local.region
          stat    = w.stat
          period  = 60
          metrics = [for m in w.metrics : ["AWS/SageMaker", m, "EndpointName", local.endpoint_names[k], "VariantName", local.variant_name]]
        }
      }
    ]])
  })
}

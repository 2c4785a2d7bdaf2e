################################################################################
# Rollback alarms (created from the first apply: the endpoint's auto-rollback block must never come or go).
# Namespace AWS/SageMaker, dimensions EndpointName + VariantName; ModelLatency is in microseconds. They stay in this
# module: each endpoint's deployment_config names them and they must exist before it. The endpoints' dashboard is
# the caller's (the inference stack builds it with modules/cloudwatch-dashboard).
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

################################################################################
# Endpoints. `lifecycle.prevent_destroy` takes only a literal, so the endpoint is declared twice: `this`
# (var.prevent_destroy false) and `protected` (true). Keep the two blocks identical apart from for_each and
# prevent_destroy. deployment_config with auto_rollback_configuration is ALWAYS present: adding or removing it
# replaces the endpoint on aws 5.100.
################################################################################

resource "aws_sagemaker_endpoint" "this" {
  for_each = var.prevent_destroy ? {} : var.endpoints

  name                 = local.endpoint_names[each.key]
  endpoint_config_name = aws_sagemaker_endpoint_configuration.this[each.key].name

  deployment_config {
    dynamic "blue_green_update_policy" {
      for_each = each.value.rollout.type == "ROLLING" ? [] : [each.value.rollout]
      content {
        maximum_execution_timeout_in_seconds = blue_green_update_policy.value.maximum_execution_timeout_in_seconds
        termination_wait_in_seconds          = blue_green_update_policy.value.termination_wait_in_seconds

        traffic_routing_configuration {
          type                     = blue_green_update_policy.value.type
          wait_interval_in_seconds = blue_green_update_policy.value.wait_in_seconds

          dynamic "canary_size" {
            for_each = blue_green_update_policy.value.type == "CANARY" ? [1] : []
            content {
              type  = "CAPACITY_PERCENT"
              value = blue_green_update_policy.value.size_percent
            }
          }

          dynamic "linear_step_size" {
            for_each = blue_green_update_policy.value.type == "LINEAR" ? [1] : []
            content {
              type  = "CAPACITY_PERCENT"
              value = blue_green_update_policy.value.size_percent
            }
          }
        }
      }
    }

    dynamic "rolling_update_policy" {
      for_each = each.value.rollout.type == "ROLLING" ? [each.value.rollout] : []
      content {
        maximum_execution_timeout_in_seconds = rolling_update_policy.value.maximum_execution_timeout_in_seconds
        wait_interval_in_seconds             = rolling_update_policy.value.wait_in_seconds

        maximum_batch_size {
          type  = "CAPACITY_PERCENT"
          value = rolling_update_policy.value.size_percent
        }
      }
    }

    auto_rollback_configuration {
      alarms {
        alarm_name = aws_cloudwatch_metric_alarm.errors_5xx[each.key].alarm_name
      }
      alarms {
        alarm_name = aws_cloudwatch_metric_alarm.model_latency[each.key].alarm_name
      }
    }
  }

  tags = merge(var.tags, { Name = local.endpoint_names[each.key] })
}

resource "aws_sagemaker_endpoint" "protected" {
  for_each = var.prevent_destroy ? var.endpoints : {}

  name                 = local.endpoint_names[each.key]
  endpoint_config_name = aws_sagemaker_endpoint_configuration.this[each.key].name

  deployment_config {
    dynamic "blue_green_update_policy" {
      for_each = each.value.rollout.type == "ROLLING" ? [] : [each.value.rollout]
      content {
        maximum_execution_timeout_in_seconds = blue_green_update_policy.value.maximum_execution_timeout_in_seconds
        termination_wait_in_seconds          = blue_green_update_policy.value.termination_wait_in_seconds

        traffic_routing_configuration {
          type                     = blue_green_update_policy.value.type
          wait_interval_in_seconds = blue_green_update_policy.value.wait_in_seconds

          dynamic "canary_size" {
            for_each = blue_green_update_policy.value.type == "CANARY" ? [1] : []
            content {
              type  = "CAPACITY_PERCENT"
              value = blue_green_update_policy.value.size_percent
            }
          }

          dynamic "linear_step_size" {
            for_each = blue_green_update_policy.value.type == "LINEAR" ? [1] : []
            content {
              type  = "CAPACITY_PERCENT"
              value = blue_green_update_policy.value.size_percent
            }
          }
        }
      }
    }

    dynamic "rolling_update_policy" {
      for_each = each.value.rollout.type == "ROLLING" ? [each.value.rollout] : []
      content {
        maximum_execution_timeout_in_seconds = rolling_update_policy.value.maximum_execution_timeout_in_seconds
        wait_interval_in_seconds             = rolling_update_policy.value.wait_in_seconds

        maximum_batch_size {
          type  = "CAPACITY_PERCENT"
          value = rolling_update_policy.value.size_percent
        }
      }
    }

    auto_rollback_configuration {
      alarms {
        alarm_name = aws_cloudwatch_metric_alarm.errors_5xx[each.key].alarm_name
      }
      alarms {
        alarm_name = aws_cloudwatch_metric_alarm.model_latency[each.key].alarm_name
      }
    }
  }

  tags = merge(var.tags, { Name = local.endpoint_names[each.key] })

  lifecycle {
    prevent_destroy = true
  }
}

################################################################################
# Autoscaling: one target per (endpoint, variant). The resource id uses the stable endpoint name; depends_on
# lists both endpoint twins so the target is registered after whichever exists.
################################################################################

resource "aws_appautoscaling_target" "variant" {
  for_each = var.endpoints

  service_namespace  = "sagemaker"
  scalable_dimension = "sagemaker:variant:DesiredInstanceCount"
  resource_id        = "endpoint/${local.endpoint_names[each.key]}/variant/${local.variant_name}"
  min_capacity       = each.value.min_instances
  max_capacity       = each.value.max_instances

  tags = merge(var.tags, { Name = local.endpoint_names[each.key] })

  depends_on = [aws_sagemaker_endpoint.this, aws_sagemaker_endpoint.protected]
}

resource "aws_appautoscaling_policy" "variant" {
  for_each = var.endpoints

  name               = "${local.endpoint_names[each.key]}-target-tracking"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.variant[each.key].service_namespace
  scalable_dimension = aws_appautoscaling_target.variant[each.key].scalable_dimension
  resource_id        = aws_appautoscaling_target.variant[each.key].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = each.value.target_value
    scale_in_cooldown  = each.value.scale_in_cooldown
    scale_out_cooldown = each.value.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = each.value.scaling_metric
    }
  }
}

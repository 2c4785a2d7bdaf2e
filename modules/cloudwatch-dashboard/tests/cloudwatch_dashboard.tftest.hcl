# Offline plan tests: `terraform init -backend=false && terraform test` (no AWS account needed).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      id   = "us-west-2"
      name = "us-west-2"
    }
  }
}

variables {
  name = "llm-test-observability-fsx"
  widgets = [
    {
      title = "Throughput"
      metrics = [
        { namespace = "AWS/FSx", metric_name = "DataReadBytes", dimensions = { FileSystemId = "fs-0123456789abcdef0" }, stat = "Sum", id = "read", visible = false },
        { expression = "read / PERIOD(read) / 1000000", id = "read_mbps", label = "read MB/s" },
      ]
      horizontal_annotations = [{ label = "baseline", value = 146.5 }]
    },
    {
      title   = "Free capacity"
      width   = 12
      metrics = [{ namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", dimensions = { FileSystemId = "fs-0123456789abcdef0" }, stat = "Minimum" }]
    },
    {
      title   = "Metadata"
      metrics = [{ namespace = "AWS/FSx", metric_name = "MetadataOperations", dimensions = { FileSystemId = "fs-0123456789abcdef0" }, stat = "Sum" }]
    },
  ]
  alarms = {
    free-capacity = {
      description         = "less than 10% free"
      namespace           = "AWS/FSx"
      metric_name         = "FreeDataStorageCapacity"
      dimensions          = { FileSystemId = "fs-0123456789abcdef0" }
      statistic           = "Minimum"
      threshold           = 128849018880
      comparison_operator = "LessThanThreshold"
      treat_missing_data  = "breaching"
      actions             = ["arn:aws:sns:us-west-2:111111111111:llm-test-observability-alarms"]
    }
  }
}

run "renders_widgets_and_alarms" {
  command = plan

  assert {
    condition     = jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets[0].properties.metrics[0] == ["AWS/FSx", "DataReadBytes", "FileSystemId", "fs-0123456789abcdef0", { stat = "Sum", id = "read", visible = false }]
    error_message = "A metric row is namespace, name, dimension pairs, then its options (no null options)."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets[0].properties.metrics[1] == [{ expression = "read / PERIOD(read) / 1000000", id = "read_mbps", label = "read MB/s" }]
    error_message = "An expression row is one options object."
  }

  assert {
    condition     = [for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : [w.x, w.y]] == [[0, 0], [12, 0], [0, 6]]
    error_message = "Widgets fill the 24-column grid left to right, then wrap."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets[0].properties.annotations.horizontal == [{ label = "baseline", value = 146.5 }] && !can(jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets[1].properties.annotations)
    error_message = "Annotations only where given."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets[0].properties.region == "us-west-2"
    error_message = "Widgets show the provider's region."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["free-capacity"].alarm_name == "llm-test-observability-fsx-free-capacity" && aws_cloudwatch_metric_alarm.this["free-capacity"].ok_actions == toset(["arn:aws:sns:us-west-2:111111111111:llm-test-observability-alarms"]) && aws_cloudwatch_metric_alarm.this["free-capacity"].extended_statistic == null
    error_message = "Alarm name <name>-<key>, actions on ALARM and OK, plain statistic."
  }
}

run "percentile_alarm_uses_extended_statistic" {
  command = plan

  variables {
    alarms = {
      latency = {
        description         = "p99"
        namespace           = "AWS/SageMaker"
        metric_name         = "ModelLatency"
        statistic           = "p99"
        threshold           = 1
        comparison_operator = "GreaterThanThreshold"
        treat_missing_data  = "notBreaching"
        actions             = ["arn:aws:sns:us-west-2:111111111111:t"]
      }
    }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["latency"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.this["latency"].statistic == null
    error_message = "A percentile goes to extended_statistic."
  }
}

run "no_dashboard_without_widgets" {
  command = plan

  variables {
    widgets = []
  }

  assert {
    condition     = length(aws_cloudwatch_dashboard.this) == 0
    error_message = "No widgets, no dashboard."
  }
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "has space"
  }
  expect_failures = [var.name]
}

run "rejects_metric_without_name_and_bad_alarm_statistic" {
  command = plan
  variables {
    # rejects_metric_without_name_or_expression
    widgets = [{ title = "x", metrics = [{ namespace = "AWS/FSx" }] }]
    # rejects_bad_alarm_statistic
    alarms = { a = { description = "d", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", statistic = "Median", threshold = 1, comparison_operator = "LessThanThreshold", treat_missing_data = "breaching", actions = ["arn:aws:sns:us-west-2:111111111111:t"] } }
  }
  expect_failures = [
    var.widgets, # rejects_metric_without_name_or_expression
    var.alarms,  # rejects_bad_alarm_statistic
  ]
}

run "rejects_bad_view_and_comparison" {
  command = plan
  variables {
    # rejects_bad_view
    widgets = [{ title = "x", view = "line", metrics = [{ namespace = "AWS/FSx", metric_name = "DataReadBytes" }] }]
    # rejects_bad_comparison
    alarms = { a = { description = "d", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", statistic = "Minimum", threshold = 1, comparison_operator = "Below", treat_missing_data = "breaching", actions = ["arn:aws:sns:us-west-2:111111111111:t"] } }
  }
  expect_failures = [
    var.widgets, # rejects_bad_view
    var.alarms,  # rejects_bad_comparison
  ]
}

run "rejects_wide_widget_and_bad_treat_missing_data" {
  command = plan
  variables {
    # rejects_wide_widget
    widgets = [{ title = "x", width = 25, metrics = [{ namespace = "AWS/FSx", metric_name = "DataReadBytes" }] }]
    # rejects_bad_treat_missing_data
    alarms = { a = { description = "d", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", statistic = "Minimum", threshold = 1, comparison_operator = "LessThanThreshold", treat_missing_data = "zero", actions = ["arn:aws:sns:us-west-2:111111111111:t"] } }
  }
  expect_failures = [
    var.widgets, # rejects_wide_widget
    var.alarms,  # rejects_bad_treat_missing_data
  ]
}

run "rejects_bad_widget_and_alarm_periods" {
  command = plan
  variables {
    # rejects_bad_widget_period
    widgets = [{ title = "x", period = 90, metrics = [{ namespace = "AWS/FSx", metric_name = "DataReadBytes" }] }]
    # rejects_bad_alarm_period
    alarms = { a = { description = "d", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", statistic = "Minimum", period = 45, threshold = 1, comparison_operator = "LessThanThreshold", treat_missing_data = "breaching", actions = ["arn:aws:sns:us-west-2:111111111111:t"] } }
  }
  expect_failures = [
    var.widgets, # rejects_bad_widget_period
    var.alarms,  # rejects_bad_alarm_period
  ]
}

run "rejects_bad_stat_and_datapoints_above_evaluation_periods" {
  command = plan
  variables {
    # rejects_bad_stat
    widgets = [{ title = "x", metrics = [{ namespace = "AWS/FSx", metric_name = "DataReadBytes", stat = "Mean" }] }]
    # rejects_datapoints_above_evaluation_periods
    alarms = { a = { description = "d", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", statistic = "Minimum", evaluation_periods = 2, datapoints_to_alarm = 3, threshold = 1, comparison_operator = "LessThanThreshold", treat_missing_data = "breaching", actions = ["arn:aws:sns:us-west-2:111111111111:t"] } }
  }
  expect_failures = [
    var.widgets, # rejects_bad_stat
    var.alarms,  # rejects_datapoints_above_evaluation_periods
  ]
}

run "rejects_duplicate_metric_ids_and_alarm_without_action" {
  command = plan
  variables {
    # rejects_duplicate_metric_ids
    widgets = [{ title = "x", metrics = [
      { namespace = "AWS/FSx", metric_name = "DataReadBytes", id = "m1" },
      { namespace = "AWS/FSx", metric_name = "DataWriteBytes", id = "m1" },
    ] }]
    # rejects_alarm_without_action
    alarms = { a = { description = "d", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", statistic = "Minimum", threshold = 1, comparison_operator = "LessThanThreshold", treat_missing_data = "breaching", actions = [] } }
  }
  expect_failures = [
    var.widgets, # rejects_duplicate_metric_ids
    var.alarms,  # rejects_alarm_without_action
  ]
}
run "rejects_bad_alarm_key" {
  command = plan
  variables {
    alarms = { "free capacity" = { description = "d", namespace = "AWS/FSx", metric_name = "FreeDataStorageCapacity", statistic = "Minimum", threshold = 1, comparison_operator = "LessThanThreshold", treat_missing_data = "breaching", actions = ["arn:aws:sns:us-west-2:111111111111:t"] } }
  }
  expect_failures = [var.alarms]
}


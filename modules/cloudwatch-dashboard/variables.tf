variable "name" {
  description = "Dashboard name, and the prefix of every alarm name (`<name>-<alarm key>`): letters, digits, `-` and `_`, 1-255 characters."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+$", var.name)) && length(var.name) <= local.limits.dashboard_name_max_length
    error_message = "[CWD-001] name must be 1-255 letters, digits, `-` or `_` (got \"${var.name}\")."
  }
}

variable "create_dashboard" {
  description = "Create the dashboard (`true`, default). `false` creates only the alarms."
  type        = bool
  default     = true
  nullable    = false
}

variable "widgets" {
  description = <<-EOT
    Metric widgets, laid out left to right, top to bottom on the 24-column grid. Each: `title`, `width` (1-24,
    default 12), `height` (default 6), `view` (`timeSeries`, `singleValue`, `gauge`, `bar`, `pie`), `stacked`, `period`
    (seconds: 10, 30 or a multiple of 60), `y_label`, `metrics` and `horizontal_annotations` (`{ label, value }`, e.g.
    a configured baseline or an alarm threshold). A metric is either a CloudWatch metric (`namespace`, `metric_name`,
    `dimensions`, `stat`: `SampleCount`, `Average`, `Sum`, `Minimum`, `Maximum` or `pNN`/`pNN.N`) or a metric-math
    `expression` over other metrics' `id`s (`id` required then); `visible = false` hides an input of an expression.
  EOT
  type = list(object({
    title   = string
    width   = optional(number, 12)
    height  = optional(number, 6)
    view    = optional(string, "timeSeries")
    stacked = optional(bool, false)
    period  = optional(number, 300)
    y_label = optional(string)
    metrics = list(object({
      namespace   = optional(string)
      metric_name = optional(string)
      dimensions  = optional(map(string), {})
      stat        = optional(string, "Average")
      expression  = optional(string)
      id          = optional(string)
      label       = optional(string)
      visible     = optional(bool, true)
    }))
    horizontal_annotations = optional(list(object({
      label = string
      value = number
    })), [])
  }))
  default  = []
  nullable = false

  validation {
    condition = alltrue([for w in var.widgets : length(w.metrics) > 0 && alltrue([
      for m in w.metrics : m.expression != null ? (m.id != null && m.namespace == null && m.metric_name == null) : (m.namespace != null && m.metric_name != null)
    ])])
    error_message = "[CWD-002] Every widget needs metrics, each either `namespace` + `metric_name` or an `expression` with an `id` (and no namespace/metric_name)."
  }

  validation {
    condition     = alltrue([for w in var.widgets : contains(local.limits.views, w.view)])
    error_message = "[CWD-003] Every widget view must be one of timeSeries, singleValue, gauge, bar, pie (got ${jsonencode([for w in var.widgets : w.view])})."
  }

  validation {
    condition     = alltrue([for w in var.widgets : w.width >= 1 && w.width <= local.limits.grid_columns && w.height >= 1 && w.height <= local.limits.max_widget_height && floor(w.width) == w.width && floor(w.height) == w.height])
    error_message = "[CWD-004] Every widget width must be a whole number 1-24 and its height 1-1000."
  }

  validation {
    condition     = alltrue([for w in var.widgets : contains(local.limits.short_periods, w.period) || (w.period >= 60 && w.period % 60 == 0)])
    error_message = "[CWD-005] Every widget period must be 10, 30 or a multiple of 60 seconds (got ${jsonencode([for w in var.widgets : w.period])})."
  }

  validation {
    condition = alltrue([for w in var.widgets : alltrue([
      for m in w.metrics : m.expression != null || contains(local.limits.statistics, m.stat) || can(regex("^p(100|[0-9]{1,2})(\\.[0-9]{1,2})?$", m.stat))
    ])])
    error_message = "[CWD-006] Every metric stat must be SampleCount, Average, Sum, Minimum, Maximum or a percentile pNN (got ${jsonencode(distinct(flatten([for w in var.widgets : [for m in w.metrics : m.stat]])))})."
  }

  validation {
    condition = alltrue([for w in var.widgets : length(distinct([for m in w.metrics : m.id if m.id != null])) == length([for m in w.metrics : m.id if m.id != null]) && alltrue([
      for m in w.metrics : m.id == null || can(regex("^[a-z][A-Za-z0-9_]*$", m.id))
    ])])
    error_message = "[CWD-007] Metric ids must be unique within a widget and start with a lower-case letter (letters, digits, `_`)."
  }
}

variable "alarms" {
  description = <<-EOT
    Metric alarms by key (alarm name `<name>-<key>`). Each: `description`, `namespace`, `metric_name`, `dimensions`,
    `statistic` (`SampleCount`, `Average`, `Sum`, `Minimum`, `Maximum` or a percentile `pNN`), `period` (seconds: 10, 30
    or a multiple of 60), `evaluation_periods`, `datapoints_to_alarm` (default: all of them), `threshold`,
    `comparison_operator` (`GreaterThanOrEqualToThreshold`, `GreaterThanThreshold`, `LessThanThreshold`,
    `LessThanOrEqualToThreshold`), `treat_missing_data` (`breaching`, `notBreaching`, `ignore`, `missing`; no default:
    choose it per alarm) and `actions` (SNS topic ARNs notified on ALARM and OK, at least one).
  EOT
  type = map(object({
    description         = string
    namespace           = string
    metric_name         = string
    dimensions          = optional(map(string), {})
    statistic           = string
    period              = optional(number, 300)
    evaluation_periods  = optional(number, 1)
    datapoints_to_alarm = optional(number)
    threshold           = number
    comparison_operator = string
    treat_missing_data  = string
    actions             = list(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k, a in var.alarms : can(regex("^[A-Za-z0-9_-]+$", k)) && length("${var.name}-${k}") <= local.limits.alarm_name_max_length])
    error_message = "[CWD-008] Alarm keys must be letters, digits, `-` or `_`, and `<name>-<key>` at most 255 characters (got ${jsonencode(keys(var.alarms))})."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : contains(local.limits.statistics, a.statistic) || can(regex("^p(100|[0-9]{1,2})(\\.[0-9]{1,2})?$", a.statistic))])
    error_message = "[CWD-009] Every alarm statistic must be SampleCount, Average, Sum, Minimum, Maximum or a percentile pNN (got ${jsonencode([for a in values(var.alarms) : a.statistic])})."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : contains(local.limits.comparison_operators, a.comparison_operator)])
    error_message = "[CWD-010] Every alarm comparison_operator must be GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold (got ${jsonencode([for a in values(var.alarms) : a.comparison_operator])})."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : contains(local.limits.treat_missing_data, a.treat_missing_data)])
    error_message = "[CWD-011] Every alarm treat_missing_data must be breaching, notBreaching, ignore or missing (got ${jsonencode([for a in values(var.alarms) : a.treat_missing_data])})."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : contains(local.limits.short_periods, a.period) || (a.period >= 60 && a.period % 60 == 0)])
    error_message = "[CWD-005] Every alarm period must be 10, 30 or a multiple of 60 seconds (got ${jsonencode([for a in values(var.alarms) : a.period])})."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : a.evaluation_periods >= 1 && floor(a.evaluation_periods) == a.evaluation_periods && (a.datapoints_to_alarm == null ? true : a.datapoints_to_alarm >= 1 && a.datapoints_to_alarm <= a.evaluation_periods)])
    error_message = "[CWD-012] Every alarm needs evaluation_periods >= 1 and datapoints_to_alarm (when set) from 1 to evaluation_periods."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : length(a.actions) > 0 && alltrue([for arn in a.actions : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))])])
    error_message = "[CWD-013] Every alarm needs at least one action, each an SNS topic ARN (an alarm nobody hears is not an alarm)."
  }
}

variable "tags" {
  description = "Tags of the alarms (org tags come from the provider's `default_tags`; dashboards take no tags)."
  type        = map(string)
  default     = {}
  nullable    = false
}

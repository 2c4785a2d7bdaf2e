variable "name" {
  description = "Name prefix of every resource, e.g. `llm-prod-observability`: lower-case letters, digits and `-`, 1-64 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,63}$", var.name))
    error_message = "[OBS-001] name must be 1-64 lower-case letters, digits or `-`, starting with a letter (got \"${var.name}\")."
  }
}

variable "prevent_destroy" {
  description = "Protect the stateful resources (AMP workspace, Grafana workspace, log group) with `prevent_destroy` (twin blocks; flipping it moves state, see the root's `moved` blocks)."
  type        = bool
  default     = false
  nullable    = false
}

variable "log_retention_days" {
  description = "Retention of the AMP log group, one of CloudWatch Logs' values (`0` = never expire): 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  type        = number
  nullable    = false

  validation {
    condition     = contains(local.limits.log_retention_days, var.log_retention_days)
    error_message = "[OBS-002] log_retention_days must be a CloudWatch Logs retention value (got ${var.log_retention_days})."
  }
}

variable "min_log_retention_days" {
  description = "The least retention the environment accepts (e.g. `365` in prod); `log_retention_days` must be at least this (`0`, never expire, always is). Default `1`."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.log_retention_days == 0 || var.log_retention_days >= var.min_log_retention_days
    error_message = "[OBS-003] log_retention_days (${var.log_retention_days}) is below min_log_retention_days (${var.min_log_retention_days})."
  }
}

variable "amp_alias" {
  description = "Alias of the AMP workspace, 1-100 characters (default: `name`)."
  type        = string
  default     = null

  validation {
    condition     = var.amp_alias == null || (try(length(var.amp_alias), 0) >= 1 && try(length(var.amp_alias), 0) <= local.limits.amp_alias_max_length)
    error_message = "[OBS-004] amp_alias must be 1-100 characters."
  }
}

variable "subscriptions" {
  description = "Who the alarm topic notifies: `{ protocol, endpoint }` with protocol `email` (an address; the recipient confirms) or `https` (an `https://` URL, e.g. a chat webhook relay)."
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.subscriptions : contains(local.limits.subscription_protocols, s.protocol)])
    error_message = "[OBS-005] Every subscription protocol must be `email` or `https` (got ${jsonencode([for s in var.subscriptions : s.protocol])})."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.protocol == "email" ? can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", s.endpoint)) : can(regex("^https://[^\\s]+$", s.endpoint))])
    error_message = "[OBS-006] Every subscription endpoint must be an e-mail address (protocol email) or an https:// URL (protocol https)."
  }
}

variable "rule_groups" {
  description = "AMP rule group namespaces: name (1-64 of letters, digits, `-`, `.`, `_`) -> Prometheus rule file (YAML)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.rule_groups) : can(regex("^[0-9A-Za-z][-.0-9A-Za-z_]*$", k)) && length(k) <= local.limits.rule_group_namespace_max_length])
    error_message = "[OBS-007] rule_groups names must be 1-64 letters, digits, `-`, `.` or `_` (got ${jsonencode(keys(var.rule_groups))})."
  }
}

variable "alertmanager_definition_template" {
  description = "AMP alert manager definition (YAML) as a template: `$${topic_arn}` and `$${region}` are replaced with the alarm topic and this region (the SNS receiver's `sigv4.region`). Empty (default): no alert manager definition."
  type        = string
  default     = ""
  nullable    = false
}

variable "grafana" {
  description = <<-EOT
    Amazon Managed Grafana workspace. `enabled`; `authentication_providers` (`AWS_SSO`, `SAML`; changing them
    replaces the workspace); `version` (`8.4`, `9.4`, `10.4`); `plugin_admin_enabled` (explicit, or the workspace
    diffs forever); `role_associations` (`ADMIN`, `EDITOR`, `VIEWER` -> `{ user_ids, group_ids }`); either a VPC
    (`vpc_id`, `subnet_ids`: 2-6, `security_group_ids`: extra groups, 0-4 besides the module's own) or network access
    control (`prefix_list_ids` / `vpce_ids`), at least one. `saml` (required with `SAML` among the providers,
    refused without it): the IdP metadata (`idp_metadata_url`, https, or `idp_metadata_xml`, exactly one),
    `role_assertion` with `editor_role_values` (required) and `admin_role_values`, `allowed_organizations` (needs
    `org_assertion`), the `email`/`groups`/`login`/`name` assertions and `login_validity_duration` (minutes, >= 1).
  EOT
  type = object({
    enabled                  = optional(bool, true)
    authentication_providers = optional(list(string), ["AWS_SSO"])
    saml = optional(object({
      idp_metadata_url        = optional(string)
      idp_metadata_xml        = optional(string)
      role_assertion          = optional(string)
      admin_role_values       = optional(list(string), [])
      editor_role_values      = optional(list(string), [])
      allowed_organizations   = optional(list(string), [])
      org_assertion           = optional(string)
      email_assertion         = optional(string)
      groups_assertion        = optional(string)
      login_assertion         = optional(string)
      name_assertion          = optional(string)
      login_validity_duration = optional(number)
    }))
    version              = optional(string, "10.4")
    plugin_admin_enabled = optional(bool, false)
    role_associations = optional(map(object({
      user_ids  = optional(list(string), [])
      group_ids = optional(list(string), [])
    })), {})
    vpc_id             = optional(string)
    subnet_ids         = optional(list(string), [])
    security_group_ids = optional(list(string), [])
    prefix_list_ids    = optional(list(string), [])
    vpce_ids           = optional(list(string), [])
  })
  default  = { enabled = false }
  nullable = false

  validation {
    condition     = length(var.grafana.authentication_providers) > 0 && alltrue([for p in var.grafana.authentication_providers : contains(local.limits.grafana_authentication_providers, p)])
    error_message = "[OBS-008] grafana.authentication_providers must be one or more of AWS_SSO, SAML (got ${jsonencode(var.grafana.authentication_providers)})."
  }

  validation {
    condition     = contains(local.limits.grafana_versions, var.grafana.version)
    error_message = "[OBS-009] grafana.version must be one of 8.4, 9.4, 10.4 (got \"${var.grafana.version}\")."
  }

  validation {
    condition     = alltrue([for r, a in var.grafana.role_associations : contains(local.limits.grafana_roles, r) && length(a.user_ids) + length(a.group_ids) > 0])
    error_message = "[OBS-010] grafana.role_associations keys must be ADMIN, EDITOR or VIEWER, each with user_ids or group_ids (got ${jsonencode(keys(var.grafana.role_associations))})."
  }

  validation {
    condition     = length(var.grafana.subnet_ids) == 0 || (length(var.grafana.subnet_ids) >= local.limits.grafana_subnets.min && length(var.grafana.subnet_ids) <= local.limits.grafana_subnets.max && var.grafana.vpc_id != null)
    error_message = "[OBS-011] grafana.subnet_ids must be 2-6 subnets, with grafana.vpc_id (got ${length(var.grafana.subnet_ids)})."
  }

  validation {
    condition     = length(var.grafana.security_group_ids) + 1 <= local.limits.grafana_security_groups.max
    error_message = "[OBS-012] grafana.security_group_ids: at most 4 besides the module's own (a workspace takes 1-5; got ${length(var.grafana.security_group_ids)})."
  }

  validation {
    condition     = !var.grafana.enabled || length(var.grafana.subnet_ids) > 0 || length(var.grafana.prefix_list_ids) + length(var.grafana.vpce_ids) > 0
    error_message = "[OBS-013] An enabled Grafana workspace needs a VPC (grafana.subnet_ids) or network access control (grafana.prefix_list_ids / grafana.vpce_ids): it is never open to the whole internet."
  }

  validation {
    condition     = !var.grafana.enabled || contains(var.grafana.authentication_providers, "SAML") == (var.grafana.saml != null)
    error_message = "[OBS-019] grafana.saml is required when grafana.authentication_providers has SAML, and refused without it (got ${jsonencode(var.grafana.authentication_providers)}, saml ${var.grafana.saml == null ? "unset" : "set"})."
  }

  validation {
    condition     = var.grafana.saml == null ? true : (try(var.grafana.saml.idp_metadata_url, null) == null) != (try(var.grafana.saml.idp_metadata_xml, null) == null) && can(regex("^https://\\S+$", coalesce(try(var.grafana.saml.idp_metadata_url, null), "https://xml")))
    error_message = "[OBS-020] grafana.saml needs exactly one of idp_metadata_url (an https:// URL) and idp_metadata_xml."
  }

  validation {
    condition     = var.grafana.saml == null ? true : length(try(var.grafana.saml.editor_role_values, [])) > 0 && try(var.grafana.saml.role_assertion, null) != null
    error_message = "[OBS-021] grafana.saml needs role_assertion and at least one editor_role_values entry."
  }

  validation {
    condition     = var.grafana.saml == null ? true : length(try(var.grafana.saml.allowed_organizations, [])) == 0 || try(var.grafana.saml.org_assertion, null) != null
    error_message = "[OBS-022] grafana.saml.allowed_organizations needs grafana.saml.org_assertion."
  }

  validation {
    condition     = var.grafana.saml == null ? true : coalesce(try(var.grafana.saml.login_validity_duration, null), 1) >= 1 && floor(coalesce(try(var.grafana.saml.login_validity_duration, null), 1)) == coalesce(try(var.grafana.saml.login_validity_duration, null), 1)
    error_message = "[OBS-023] grafana.saml.login_validity_duration must be a whole number of minutes, at least 1."
  }
}

variable "fsx" {
  description = "The FSx for Lustre file system to watch (null: none): `file_system_id`, `storage_capacity_gib`, `throughput_mbps` (its baseline, shown on the dashboard) and `free_capacity_alarm_percent` (alarm when less is free, 1-99)."
  type = object({
    file_system_id              = string
    storage_capacity_gib        = number
    throughput_mbps             = number
    free_capacity_alarm_percent = optional(number, 10)
  })
  default = null

  validation {
    condition     = var.fsx == null || (try(var.fsx.free_capacity_alarm_percent, 0) >= local.limits.free_capacity_alarm_percent.min && try(var.fsx.free_capacity_alarm_percent, 0) <= local.limits.free_capacity_alarm_percent.max)
    error_message = "[OBS-014] fsx.free_capacity_alarm_percent must be 1-99."
  }
}

variable "dashboards" {
  description = "CloudWatch dashboards (`<name>-<key>`) by key, each a list of widgets in the form of `modules/cloudwatch-dashboard`'s `widgets`."
  type = map(list(object({
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
  })))
  default  = {}
  nullable = false
}

variable "budget" {
  description = "Cost budget of the account (null: none): `limit_amount` (USD, > 0), `time_unit` (`MONTHLY`, `QUARTERLY`, `ANNUALLY`) and `alert_thresholds_percent` (actual spend, 1-1000 %; a forecast above 100 % always alerts)."
  type = object({
    limit_amount             = number
    time_unit                = optional(string, "MONTHLY")
    alert_thresholds_percent = optional(list(number), [80, 100])
  })
  default = null

  validation {
    condition     = var.budget == null || try(var.budget.limit_amount > 0, false)
    error_message = "[OBS-015] budget.limit_amount must be more than 0 USD."
  }

  validation {
    condition     = var.budget == null || try(contains(local.limits.budget_time_units, var.budget.time_unit), false)
    error_message = "[OBS-016] budget.time_unit must be MONTHLY, QUARTERLY or ANNUALLY."
  }

  validation {
    condition     = var.budget == null || try(alltrue([for t in var.budget.alert_thresholds_percent : t >= local.limits.budget_threshold_percent.min && t <= local.limits.budget_threshold_percent.max]) && length(distinct(var.budget.alert_thresholds_percent)) == length(var.budget.alert_thresholds_percent), false)
    error_message = "[OBS-017] budget.alert_thresholds_percent must be distinct values from 1 to 1000."
  }
}

variable "tags" {
  description = "Tags of the resources (org tags come from the provider's `default_tags`)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "permissions_boundary" {
  description = "ARN of the IAM policy set as permissions boundary on every role this module creates (`permissions_boundary_arn` of the environment; modules/ci-identities creates it), or `null` for none. Adding or changing it updates the roles in place."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[\\w+=,.@/-]+$", var.permissions_boundary))
    error_message = "[CFG-014] permissions_boundary must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>) or null."
  }
}

variable "description" {
  description = "Description of the key, e.g. `S3 data buckets of llm-prod-storage`. 1-8192 characters."
  type        = string

  validation {
    condition     = length(var.description) >= 1 && length(var.description) <= local.limits.description_max_length
    error_message = "[KMS-001] description must be 1-8192 characters (got ${length(var.description)})."
  }
}

variable "alias" {
  description = "Alias of the key without the `alias/` prefix, e.g. `llm-prod-storage-fsx`: letters, digits, `/`, `_` and `-`, 1-250 characters, not starting with `aws/` (reserved for AWS managed keys)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]+$", var.alias)) && length(var.alias) <= local.limits.alias_max_length && !startswith(var.alias, "aws/") && !startswith(var.alias, "alias/")
    error_message = "[KMS-002] alias must be 1-250 letters, digits, `/`, `_` or `-`, without the `alias/` prefix and not starting with `aws/` (got \"${var.alias}\")."
  }
}

variable "enable_key_rotation" {
  description = "Rotate the key material every year (`true`, default). Turn off only for a reason your security team accepts."
  type        = bool
  default     = true
  nullable    = false
}

variable "deletion_window_in_days" {
  description = "Days between scheduling the key's deletion and its deletion, `7`-`30` (default `30`)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.deletion_window_in_days >= local.limits.deletion_window_in_days.min && var.deletion_window_in_days <= local.limits.deletion_window_in_days.max && floor(var.deletion_window_in_days) == var.deletion_window_in_days
    error_message = "[KMS-003] deletion_window_in_days must be a whole number of days from 7 to 30 (got ${var.deletion_window_in_days})."
  }
}

variable "tags" {
  description = "Tags of the key (org tags come from the provider's `default_tags`)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "account_admin_sid" {
  description = "Sid of the statement that lets the account root (IAM policies) administer and use the key (`kms:*`). Letters and digits, 1-128."
  type        = string
  default     = "AccountAdministersKey"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]{1,128}$", var.account_admin_sid))
    error_message = "[KMS-004] account_admin_sid must be 1-128 letters or digits (got \"${var.account_admin_sid}\")."
  }
}

variable "use_through_service" {
  description = <<-EOT
    Grants to principals of this account to use the key only through AWS services: each `{ sid, services, actions }`
    becomes one statement for the account root with `kms:ViaService` = `services` (full endpoint names such as
    `s3.us-east-1.amazonaws.com`) and `kms:CallerAccount` = this account. `actions` are KMS actions (`kms:Decrypt`,
    `kms:GenerateDataKey*`, ...).
  EOT
  type = list(object({
    sid      = string
    services = list(string)
    actions  = list(string)
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for g in var.use_through_service : can(regex("^[A-Za-z0-9]{1,128}$", g.sid))])
    error_message = "[KMS-005] Every use_through_service sid must be 1-128 letters or digits (got ${jsonencode([for g in var.use_through_service : g.sid])})."
  }

  validation {
    condition     = alltrue([for g in var.use_through_service : length(g.services) > 0 && alltrue([for s in g.services : can(regex("^[a-z0-9-]+\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?$", s))])])
    error_message = "[KMS-006] Every use_through_service entry needs services, each a service endpoint name such as `s3.us-east-1.amazonaws.com`."
  }

  validation {
    condition     = alltrue([for g in var.use_through_service : length(g.actions) > 0 && alltrue([for a in g.actions : can(regex("^kms:[A-Za-z*]+$", a))])])
    error_message = "[KMS-007] Every use_through_service entry needs actions, each a KMS action such as `kms:Decrypt` or `kms:GenerateDataKey*`."
  }
}

variable "log_group_arns" {
  description = "CloudWatch Logs log groups (ARNs without the `:*` suffix, `arn:aws:logs:<region>:<account>:log-group:<name>`) that `logs.<region>.amazonaws.com` of the key's region may encrypt with this key (`kms:EncryptionContext:aws:logs:arn`). Empty (default): no CloudWatch Logs statement."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.log_group_arns : can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[A-Za-z0-9_./#-]{1,512}$", a))])
    error_message = "[KMS-008] log_group_arns must be log group ARNs (`arn:aws:logs:<region>:<account>:log-group:<name>`, no `:*` suffix) (got ${jsonencode(var.log_group_arns)})."
  }
}

variable "log_groups_sid" {
  description = "Sid of the CloudWatch Logs statement (only used with `log_group_arns`). Letters and digits, 1-128."
  type        = string
  default     = "AllowCloudWatchLogsForLogGroups"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]{1,128}$", var.log_groups_sid))
    error_message = "[KMS-009] log_groups_sid must be 1-128 letters or digits (got \"${var.log_groups_sid}\")."
  }
}

variable "policy_statements" {
  description = <<-EOT
    Extra statements of the key policy, shaped like `aws_iam_policy_document` statements (the type of
    `kms_key_policy_statements` of `modules/s3-buckets`): `sid` (letters and digits), `effect` (`Allow`, default, or
    `Deny`), `actions` (`kms:...`), `resources` (default and only `["*"]`: in a key policy it means this key),
    `principals` (`{ type, identifiers }`, at least one) and `conditions` (`{ test, variable, values }`).
  EOT
  type = list(object({
    sid       = string
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = optional(list(string), ["*"])
    principals = list(object({
      type        = string
      identifiers = list(string)
    }))
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for s in var.policy_statements : can(regex("^[A-Za-z0-9]{1,128}$", s.sid))])
    error_message = "[KMS-010] Every policy_statements sid must be 1-128 letters or digits (got ${jsonencode([for s in var.policy_statements : s.sid])})."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : contains(["Allow", "Deny"], s.effect)])
    error_message = "[KMS-011] Every policy_statements effect must be `Allow` or `Deny`."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : length(s.actions) > 0 && alltrue([for a in s.actions : can(regex("^kms:[A-Za-z*]+$", a))])])
    error_message = "[KMS-012] Every policy_statements entry needs actions, each a KMS action such as `kms:Decrypt` or `kms:GenerateDataKey*`."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : length(s.resources) == 1 && s.resources[0] == "*"])
    error_message = "[KMS-013] policy_statements resources must be [\"*\"]: in a key policy the resource is the key itself."
  }

  validation {
    condition = alltrue([for s in var.policy_statements : length(s.principals) > 0 && alltrue([
      for p in s.principals : contains(["AWS", "Service", "Federated", "CanonicalUser", "*"], p.type) && length(p.identifiers) > 0
    ])])
    error_message = "[KMS-014] Every policy_statements entry needs principals, each with a type (`AWS`, `Service`, `Federated`, `CanonicalUser` or `*`) and at least one identifier."
  }

  validation {
    condition     = alltrue([for s in var.policy_statements : alltrue([for c in s.conditions : length(c.values) > 0 && can(regex("^[A-Za-z]+$", c.test)) && can(regex("^[A-Za-z0-9]+:.+$", c.variable))])])
    error_message = "[KMS-015] Every policy_statements condition needs an operator (`test`, e.g. `StringEquals`), a context key (`variable`, e.g. `kms:ViaService`) and at least one value."
  }

  # Unique sids across the whole document (the admin, service, log and extra statements).
  validation {
    condition = length(distinct(concat(
      [var.account_admin_sid],
      [for g in var.use_through_service : g.sid],
      length(var.log_group_arns) > 0 ? [var.log_groups_sid] : [],
      [for s in var.policy_statements : s.sid],
    ))) == 1 + length(var.use_through_service) + (length(var.log_group_arns) > 0 ? 1 : 0) + length(var.policy_statements)
    error_message = "[KMS-016] Statement sids must be unique across account_admin_sid, use_through_service, log_groups_sid (with log_group_arns) and policy_statements."
  }
}

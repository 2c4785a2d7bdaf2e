variable "name" {
  description = "Globally unique bucket name prefix, e.g. `llm-prod-storage-111111111111`: data buckets are `<name>-<key>`, the log bucket `<name>-access-logs`, replicas `<name>-<key>-replica`. Lowercase letters, digits and hyphens, 3-49 characters (the replication role `<name>-s3-replication` must fit IAM's 64)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,47}[a-z0-9]$", var.name))
    error_message = "[S3-001] name must be 3-49 lowercase letters, digits or hyphens, starting and ending with a letter or digit (got \"${var.name}\")."
  }

  validation {
    condition     = !anytrue([for prefix in local.limits.reserved_bucket_prefixes : startswith(var.name, prefix)])
    error_message = "[S3-002] S3 reserves bucket names starting with `xn--`, `sthree-` and `amzn-s3-demo-`."
  }
}

variable "tags" {
  description = "Tags added to every resource (merged with the provider's `default_tags`)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "buckets" {
  description = <<-EOT
    Data buckets by key (bucket `<name>-<key>`; keys: lowercase letters, digits, hyphens; not `access-logs`, not ending in `-replica`):
    `intelligent_tiering` (default `false`: move objects to S3 Intelligent-Tiering on day 0),
    `noncurrent_version_expiration_days` (default `30`, >= 1), `replicate` (default `true`: replicated when `replication.enabled`).
  EOT
  type = map(object({
    intelligent_tiering                = optional(bool, false)
    noncurrent_version_expiration_days = optional(number, 30)
    replicate                          = optional(bool, true)
  }))
  default = {
    datasets    = { intelligent_tiering = true }
    checkpoints = {}
    artifacts   = {}
  }
  nullable = false

  validation {
    condition     = length(var.buckets) > 0
    error_message = "[S3-003] buckets must name at least one data bucket."
  }

  validation {
    condition     = alltrue([for k in keys(var.buckets) : can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", k))])
    error_message = "[S3-004] buckets keys may only hold lowercase letters, digits and hyphens, and start and end with a letter or digit (got ${join(", ", keys(var.buckets))})."
  }

  validation {
    condition     = alltrue([for k in keys(var.buckets) : k != "access-logs" && !endswith(k, "-replica")])
    error_message = "[S3-005] buckets keys must not be `access-logs` or end in `-replica`: those names belong to the log and replica buckets."
  }

  validation {
    condition     = alltrue([for k in keys(var.buckets) : length("${var.name}-${k}") <= local.limits.bucket_name_max_length])
    error_message = "[S3-006] Every bucket name `<name>-<key>` must be at most 63 characters."
  }

  validation {
    condition     = !try(var.replication.enabled, false) || alltrue([for k, b in var.buckets : length("${var.name}-${k}-replica") <= local.limits.bucket_name_max_length if b.replicate])
    error_message = "[S3-007] With replication enabled, every replica bucket name `<name>-<key>-replica` must be at most 63 characters."
  }

  validation {
    condition = alltrue([for k in keys(var.buckets) : !anytrue([
      for suffix in local.limits.reserved_bucket_suffixes : endswith("${var.name}-${k}", suffix)
    ])])
    error_message = "[S3-008] S3 reserves bucket names ending in `-s3alias`, `--ol-s3`, `--x-s3` and `--table-s3`."
  }

  validation {
    condition = alltrue([for b in values(var.buckets) :
      b.noncurrent_version_expiration_days >= local.limits.noncurrent_version_expiration_days.min &&
      b.noncurrent_version_expiration_days <= local.limits.noncurrent_version_expiration_days.max &&
      floor(b.noncurrent_version_expiration_days) == b.noncurrent_version_expiration_days
    ])
    error_message = "[S3-009] noncurrent_version_expiration_days must be a whole number of days from ${local.limits.noncurrent_version_expiration_days.min} to ${local.limits.noncurrent_version_expiration_days.max}."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`) for the data buckets. `null`: the module creates one (rotation on, alias `alias/<name>-s3`)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "[S3-010] kms_key_arn must be a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`), not an alias."
  }
}

variable "kms_key_policy_statements" {
  description = <<-EOT
    Extra statements for the policy of the key the module creates (only with `kms_key_arn = null`; a key passed in
    keeps its own policy), shaped like `aws_iam_policy_document` statements: `sid` (letters and digits, unique, not
    `AccountAdministersKey` or `AllowS3UseThroughService`), `effect` (`Allow`, default, or `Deny`), `actions`
    (`kms:...`), `resources` (default and only `["*"]`: in a key policy it means this key), `principals`
    (`{ type, identifiers }`, at least one) and `conditions` (`{ test, variable, values }`). E.g. the
    `s3_kms_key_policy_statements` output of `modules/fsx-lustre` for buckets linked to a file system.
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
    condition     = alltrue([for s in var.kms_key_policy_statements : can(regex("^[A-Za-z0-9]{1,128}$", s.sid))])
    error_message = "[S3-015] Every kms_key_policy_statements sid must be 1-128 letters or digits (got ${jsonencode([for s in var.kms_key_policy_statements : s.sid])})."
  }

  validation {
    condition     = length(distinct([for s in var.kms_key_policy_statements : s.sid])) == length(var.kms_key_policy_statements) && !anytrue([for s in var.kms_key_policy_statements : contains(["AccountAdministersKey", "AllowS3UseThroughService"], s.sid)])
    error_message = "[S3-016] kms_key_policy_statements sids must be unique and must not reuse the module's own `AccountAdministersKey` or `AllowS3UseThroughService`."
  }

  validation {
    condition     = alltrue([for s in var.kms_key_policy_statements : contains(["Allow", "Deny"], s.effect)])
    error_message = "[S3-017] Every kms_key_policy_statements effect must be `Allow` or `Deny`."
  }

  validation {
    condition     = alltrue([for s in var.kms_key_policy_statements : length(s.actions) > 0 && alltrue([for a in s.actions : can(regex("^kms:[A-Za-z*]+$", a))])])
    error_message = "[S3-018] Every kms_key_policy_statements entry needs actions, each a KMS action such as `kms:Decrypt` or `kms:GenerateDataKey*`."
  }

  validation {
    condition     = alltrue([for s in var.kms_key_policy_statements : length(s.resources) == 1 && s.resources[0] == "*"])
    error_message = "[S3-019] kms_key_policy_statements resources must be [\"*\"]: in a key policy the resource is the key itself."
  }

  validation {
    condition = alltrue([for s in var.kms_key_policy_statements : length(s.principals) > 0 && alltrue([
      for p in s.principals : contains(["AWS", "Service", "Federated", "CanonicalUser", "*"], p.type) && length(p.identifiers) > 0
    ])])
    error_message = "[S3-020] Every kms_key_policy_statements entry needs principals, each with a type (`AWS`, `Service`, `Federated`, `CanonicalUser` or `*`) and at least one identifier."
  }

  validation {
    condition     = alltrue([for s in var.kms_key_policy_statements : alltrue([for c in s.conditions : length(c.values) > 0 && can(regex("^[A-Za-z]+$", c.test)) && can(regex("^[A-Za-z0-9]+:.+$", c.variable))])])
    error_message = "[S3-021] Every kms_key_policy_statements condition needs an operator (`test`, e.g. `StringEquals`), a context key (`variable`, e.g. `kms:ViaService`) and at least one value."
  }

  validation {
    condition     = var.kms_key_arn == null || length(var.kms_key_policy_statements) == 0
    error_message = "[S3-022] kms_key_policy_statements only apply to the key the module creates: with kms_key_arn, add the statements to that key's own policy."
  }
}

variable "access_log_retention_days" {
  description = "Days after which S3 server access logs in `<name>-access-logs` expire (>= 1)."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = var.access_log_retention_days >= 1 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "[S3-011] access_log_retention_days must be a whole number of days >= 1."
  }
}

variable "access_log_bucket_force_destroy" {
  description = "Let `terraform destroy` delete the access-log bucket with its logs (never applies to data buckets). Default `false`."
  type        = bool
  default     = false
  nullable    = false
}

variable "eventbridge_notifications" {
  description = "Send S3 event notifications of every bucket to Amazon EventBridge (`eventbridge = true`), e.g. to start jobs when a dataset lands."
  type        = bool
  default     = true
  nullable    = false
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which incomplete multipart uploads are aborted (>= 1)."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && floor(var.abort_incomplete_multipart_days) == var.abort_incomplete_multipart_days
    error_message = "[S3-012] abort_incomplete_multipart_days must be a whole number of days >= 1."
  }
}

variable "replication" {
  description = "Cross-region replication of the buckets with `replicate = true` to `<name>-<key>-replica` in `destination_region` (e.g. `us-east-2`), created through the `aws.replica` provider, which must be configured for that region."
  type = object({
    enabled            = bool
    destination_region = optional(string)
  })
  default  = { enabled = false }
  nullable = false

  validation {
    condition     = !var.replication.enabled || var.replication.destination_region != null
    error_message = "[S3-013] replication.destination_region is required when replication is enabled."
  }

  validation {
    condition     = var.replication.destination_region == null || can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$", coalesce(var.replication.destination_region, "-")))
    error_message = "[S3-014] replication.destination_region must be a region name such as `us-east-2`."
  }
}

variable "prevent_destroy" {
  description = "Protect the data and replica buckets with `lifecycle { prevent_destroy = true }` (they are then `aws_s3_bucket.protected` / `.replica_protected` instead of `.this` / `.replica`). Flipping it on existing buckets changes their addresses: the calling root module needs one `moved` block per bucket and replica (see README), else Terraform plans to replace them. Data buckets never use `force_destroy`."
  type        = bool
  default     = true
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

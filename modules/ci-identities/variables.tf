variable "github_repository" {
  description = "The repository whose workflows assume the roles, as `<owner>/<repo>` (the `sub` claim's `repo:` part)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "[CII-001] github_repository must be <owner>/<repo> (letters, digits, `-`; the repository also `.` and `_`)."
  }
}

variable "oidc_provider_arn" {
  description = "ARN of an existing `token.actions.githubusercontent.com` OIDC provider of this account; `null` creates one (an account holds at most one per URL)."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "[CII-002] oidc_provider_arn must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com, or null to create the provider."
  }
}

variable "namespace" {
  description = "The label namespace of the stacks (`namespace` in environments/_defaults.toml): every role and bucket the stacks create is named `<namespace>-<environment>-...` (buckets also `sagemaker-<namespace>-<environment>-...`)."
  type        = string
  default     = "llm"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.namespace))
    error_message = "[CII-003] namespace must be 2-10 lowercase letters and digits, starting with a letter (the environment files' rule)."
  }
}

variable "environments" {
  description = <<-EOT
    One entry per environment (the key is its name, as in environments/<name>.toml):
    `state_bucket` and `state_kms_key_arn` (the environment's `[state]`), `github_environment` (the GitHub
    environment the apply job runs in; default the key) and `plan_github_environment` (the plan and drift jobs';
    default `<key>-plan`).
  EOT
  type = map(object({
    state_bucket            = string
    state_kms_key_arn       = string
    github_environment      = optional(string)
    plan_github_environment = optional(string)
  }))
  nullable = false

  validation {
    condition     = length(var.environments) > 0 && alltrue([for name in keys(var.environments) : can(regex("^[a-z][a-z0-9]{1,11}$", name))])
    error_message = "[CII-004] environments needs at least one entry, each named like an environment file: 2-12 lowercase letters and digits, starting with a letter."
  }

  validation {
    condition     = alltrue([for env in values(var.environments) : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", env.state_bucket))])
    error_message = "[CII-005] environments.*.state_bucket must be an S3 bucket name (3-63 lowercase letters, digits, `.` and `-`)."
  }

  validation {
    condition     = alltrue([for env in values(var.environments) : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", env.state_kms_key_arn))])
    error_message = "[CII-006] environments.*.state_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); IAM policies cannot name a key by alias."
  }

  validation {
    condition = alltrue(flatten([for env in values(var.environments) : [
      for name in compact([env.github_environment, env.plan_github_environment]) : can(regex("^[A-Za-z0-9._-]{1,255}$", name))
    ]]))
    error_message = "[CII-007] environments.*.github_environment and plan_github_environment must be GitHub environment names (1-255 letters, digits, `.`, `_`, `-`)."
  }
}

variable "max_session_duration" {
  description = "Longest session (seconds) of every role, `3600`-`43200`. CI assumes the roles directly with OIDC (no role chaining, which caps sessions at one hour), so this bounds the longest apply: FSx creation, HyperPod cluster creation and endpoint rollouts take hours. Set `role-duration-seconds` in the workflows to at most this."
  type        = number
  default     = 43200

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "[CII-008] max_session_duration must be a whole number of seconds from 3600 to 43200 (IAM's limits)."
  }
}

variable "tags" {
  description = "Tags of every resource (the provider's `default_tags` also apply)."
  type        = map(string)
  default     = {}
  nullable    = false
}

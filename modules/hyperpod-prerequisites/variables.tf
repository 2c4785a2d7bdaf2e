variable "name" {
  description = "Name prefix of the IAM resources, e.g. `llm-prod-training`: the execution role is `<name>-hyperpod-exec` (stable: the cluster keeps its ARN), the SSM policy `<name>-hyperpod-ssm`. Letters, digits, `+=,.@_-`, 1-47 characters (IAM role names are at most 64)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,47}$", var.name))
    error_message = "[HPP-001] name must be 1-47 letters, digits or `+=,.@_-` (got \"${var.name}\")."
  }
}

variable "bucket_name" {
  description = "Prefix of the lifecycle bucket, e.g. `sagemaker-llm-prod-training-111111111111`: the bucket is `<bucket_name>-lifecycle` (modules/s3-buckets). Must start with `sagemaker-` (what AmazonSageMakerClusterInstanceRolePolicy and the CreateCluster API expect), 13-49 lowercase letters, digits or hyphens."
  type        = string
  nullable    = false

  validation {
    condition     = startswith(var.bucket_name, "sagemaker-") && can(regex("^[a-z0-9][a-z0-9-]{11,47}[a-z0-9]$", var.bucket_name))
    error_message = "[HPP-002] bucket_name must start with `sagemaker-` and be 13-49 lowercase letters, digits or hyphens (got \"${var.bucket_name}\")."
  }
}

variable "cluster_name" {
  description = "Name of the HyperPod cluster the role serves (written to node-config.json and used to scope the SSM policy): `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.cluster_name))
    error_message = "[HPP-003] cluster_name must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (got \"${var.cluster_name}\")."
  }
}

variable "storage" {
  description = "The storage layer's buckets the nodes use: `dataset_bucket_arns` (read), `checkpoint_bucket_arns` (read and write) and `kms_key_arn`, the key of those buckets."
  type = object({
    dataset_bucket_arns    = list(string)
    checkpoint_bucket_arns = list(string)
    kms_key_arn            = string
  })
  nullable = false

  validation {
    condition     = alltrue([for a in concat(var.storage.dataset_bucket_arns, var.storage.checkpoint_bucket_arns) : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", a))])
    error_message = "[HPP-004] storage bucket ARNs must be `arn:aws:s3:::<bucket>` (got ${jsonencode(concat(var.storage.dataset_bucket_arns, var.storage.checkpoint_bucket_arns))})."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.storage.kms_key_arn))
    error_message = "[HPP-005] storage.kms_key_arn must be a KMS key ARN (got \"${var.storage.kms_key_arn}\")."
  }
}

variable "fsx" {
  description = "The storage layer's FSx for Lustre file system as the nodes mount it (`dns_name`, `mount_name`, `mount_path`, `efa`), or `null` without FSx. Written to node-config.json."
  type = object({
    dns_name   = string
    mount_name = string
    mount_path = optional(string, "/fsx")
    efa        = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.fsx == null || can(regex("^/[A-Za-z0-9/_.-]*$", try(var.fsx.mount_path, "/")))
    error_message = "[HPP-006] fsx.mount_path must be an absolute path (got \"${try(var.fsx.mount_path, "")}\")."
  }
}

variable "users" {
  description = "POSIX users the lifecycle scripts create on every node: `name` (`^[a-z_][a-z0-9_-]{0,31}$`), `uid` (2000-60000, unique), `groups` (extra groups)."
  type = list(object({
    name   = string
    uid    = number
    groups = optional(list(string), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for u in var.users : can(regex("^[a-z_][a-z0-9_-]{0,31}$", u.name))])
    error_message = "[HPP-007] users names must match ^[a-z_][a-z0-9_-]{0,31}$ (got ${jsonencode([for u in var.users : u.name])})."
  }

  validation {
    condition     = alltrue([for u in var.users : u.uid >= 2000 && u.uid <= 60000 && floor(u.uid) == u.uid]) && length(distinct([for u in var.users : u.uid])) == length(var.users) && length(distinct([for u in var.users : u.name])) == length(var.users)
    error_message = "[HPP-008] users need unique names and unique whole uids from 2000 to 60000 (got ${jsonencode([for u in var.users : u.uid])})."
  }
}

variable "observability" {
  description = "The observability layer when it is on: `workspace_arn` (Amazon Managed Prometheus; the role gets `aps:RemoteWrite` on it) and `remote_write_url`. `null`: no exporters, no AMP permission."
  type = object({
    workspace_arn    = string
    remote_write_url = string
  })
  default = null

  validation {
    condition     = var.observability == null || can(regex("^arn:aws[a-z-]*:aps:[a-z0-9-]+:[0-9]{12}:workspace/ws-[A-Za-z0-9-]+$", try(var.observability.workspace_arn, "")))
    error_message = "[HPP-009] observability.workspace_arn must be an AMP workspace ARN (`arn:aws:aps:<region>:<account>:workspace/ws-...`) (got \"${try(var.observability.workspace_arn, "")}\")."
  }
}

variable "lifecycle_dir" {
  description = "Folder of the lifecycle scripts uploaded to the bucket (`*.sh`, `lib/*.sh`, `artifacts.json`). Default: this module's `lifecycle/`."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource (merged with the provider's `default_tags`)."
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

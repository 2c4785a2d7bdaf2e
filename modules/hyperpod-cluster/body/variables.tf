variable "cluster_name" {
  description = "HyperPod cluster name (replaces the cluster on change)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.cluster_name))
    error_message = "[TRN-101] cluster_name must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (1-63 characters)."
  }
}

variable "execution_role_arn" {
  description = "ARN of the instance groups' execution role (modules/hyperpod-prerequisites)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.execution_role_arn))
    error_message = "[TRN-102] execution_role_arn must be an IAM role ARN."
  }
}

variable "lifecycle_scripts" {
  description = "Where the lifecycle scripts are: S3 prefix and the two script names under it."
  type = object({
    source_s3_uri    = string
    on_create        = string
    on_init_complete = string
  })

  validation {
    # The managed AmazonSageMakerClusterInstanceRolePolicy and the API expect a sagemaker- bucket.
    condition     = can(regex("^s3://sagemaker-[a-z0-9.-]+(/.*)?$", var.lifecycle_scripts.source_s3_uri))
    error_message = "[TRN-103] lifecycle_scripts.source_s3_uri must start with s3://sagemaker-."
  }
}

variable "subnet_ids" {
  description = "Only the subnets the instance groups use (vpc_config replaces the cluster on change)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 16 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "[TRN-104] subnet_ids must hold 1-16 distinct subnets."
  }
}

variable "security_group_ids" {
  description = "The network layer's EFA security group (1-5 groups)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.security_group_ids) >= 1 && length(var.security_group_ids) <= 5
    error_message = "[TRN-105] security_group_ids must hold 1-5 security groups."
  }
}

variable "node_recovery" {
  description = "Automatic (HyperPod replaces faulty nodes) or None."
  type        = string

  validation {
    condition     = contains(["Automatic", "None"], var.node_recovery)
    error_message = "[TRN-017] node_recovery must be Automatic or None."
  }
}

variable "fsx" {
  description = "FSx for Lustre file system mounted on every group through instance_storage_configs; null for none."
  type = object({
    dns_name   = string
    mount_name = string
    mount_path = optional(string, "/fsx")
  })
  default = null

  validation {
    condition     = var.fsx == null || (length(try(var.fsx.mount_name, "")) >= 1 && length(try(var.fsx.mount_name, "")) <= 8)
    error_message = "[TRN-107] fsx.mount_name must be 1-8 characters."
  }

  validation {
    condition     = var.fsx == null || can(regex("^/[A-Za-z0-9._/-]*$", try(var.fsx.mount_path, "")))
    error_message = "[TRN-108] fsx.mount_path must be an absolute path."
  }
}

variable "ebs_kms_key_id" {
  description = <<-EOT
    Customer-managed key for the groups' EBS volumes. Must stay null on this Slurm module: AWS ties customer keys on
    HyperPod instance-group volumes to the Continuous node-provisioning mode, which botocore documents as "only
    supported for EKS orchestrated clusters"; Slurm volumes use the AWS-owned key (see README).
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.ebs_kms_key_id == null
    error_message = "[TRN-014] ebs_kms_key_id must be null: a customer-managed EBS key needs node_provisioning_mode Continuous, which HyperPod supports only for EKS, not Slurm."
  }
}

variable "instance_groups" {
  description = "Slurm instance groups keyed by name: exactly one controller, optional login, compute groups in one partition each."
  type = map(object({
    role               = string
    instance_type      = string
    instance_count     = number
    threads_per_core   = number
    ebs_volume_size_gb = number
    partition          = optional(string)
    subnet_id          = optional(string)
    training_plan_arn  = optional(string)
    spot               = optional(bool, false)
    deep_health_checks = optional(list(string), [])
  }))
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.instance_groups) : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", name))])
    error_message = "[TRN-003] instance group names must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$."
  }

  validation {
    condition     = alltrue([for g in values(var.instance_groups) : contains(["controller", "login", "compute"], g.role)])
    error_message = "[TRN-010] instance_groups[*].role must be controller, login or compute."
  }

  validation {
    condition     = length([for g in values(var.instance_groups) : g if g.role == "controller"]) == 1
    error_message = "[TRN-006] instance_groups must hold exactly one controller group."
  }

  validation {
    condition     = alltrue([for g in values(var.instance_groups) : can(regex("^ml\\.[a-z0-9-]+\\.[a-z0-9]+$", g.instance_type))])
    error_message = "[TRN-001] instance_groups[*].instance_type must be an ml.* HyperPod instance type."
  }

  validation {
    condition     = alltrue([for g in values(var.instance_groups) : g.instance_count >= 0 && g.instance_count <= 6758 && floor(g.instance_count) == g.instance_count])
    error_message = "[TRN-002] instance_groups[*].instance_count must be an integer 0-6758."
  }

  validation {
    condition     = alltrue([for g in values(var.instance_groups) : contains([1, 2], g.threads_per_core)])
    error_message = "[TRN-005] instance_groups[*].threads_per_core must be 1 or 2."
  }

  validation {
    condition     = alltrue([for g in values(var.instance_groups) : g.ebs_volume_size_gb >= 1 && g.ebs_volume_size_gb <= 16384 && floor(g.ebs_volume_size_gb) == g.ebs_volume_size_gb])
    error_message = "[TRN-007] instance_groups[*].ebs_volume_size_gb must be an integer 1-16384."
  }

  validation {
    # Each compute group sits in exactly one partition; controller and login groups in none.
    condition     = alltrue([for g in values(var.instance_groups) : g.role == "compute" ? g.partition != null : g.partition == null])
    error_message = "[TRN-012] instance_groups[*].partition is required on compute groups and not allowed on controller/login groups."
  }

  validation {
    condition     = alltrue([for g in values(var.instance_groups) : g.partition == null || can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", coalesce(g.partition, "-")))])
    error_message = "[TRN-004] instance_groups[*].partition must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$."
  }

  validation {
    condition = alltrue([for g in values(var.instance_groups) :
    g.training_plan_arn == null || can(regex("^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:training-plan/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", coalesce(g.training_plan_arn, "-")))])
    error_message = "[TRN-008] instance_groups[*].training_plan_arn must be arn:<partition>:sagemaker:<region>:<account>:training-plan/<name>."
  }

  validation {
    # A training plan reserves the capacity; spot is the opposite purchase option.
    condition     = alltrue([for g in values(var.instance_groups) : !(g.spot && g.training_plan_arn != null)])
    error_message = "[TRN-018] instance_groups[*]: spot and training_plan_arn are mutually exclusive."
  }

  validation {
    condition = alltrue([for g in values(var.instance_groups) :
    alltrue([for c in g.deep_health_checks : contains(["InstanceStress", "InstanceConnectivity"], c)]) && length(distinct(g.deep_health_checks)) == length(g.deep_health_checks)])
    error_message = "[TRN-011] instance_groups[*].deep_health_checks must be distinct values of InstanceStress, InstanceConnectivity."
  }

  validation {
    # Deep health checks exercise GPUs/Trainium and EFA: only accelerated groups run them.
    condition = alltrue([for g in values(var.instance_groups) :
    length(g.deep_health_checks) == 0 || can(regex("^ml\\.(p|g|trn)[0-9]", g.instance_type))])
    error_message = "[TRN-011] instance_groups[*].deep_health_checks are only allowed on accelerated (ml.p*, ml.g*, ml.trn*) groups."
  }

  validation {
    # override_vpc_config pins a group to a subnet the cluster's vpc_config holds.
    condition     = alltrue([for g in values(var.instance_groups) : g.subnet_id == null || contains(var.subnet_ids, coalesce(g.subnet_id, "-"))])
    error_message = "[TRN-122] instance_groups[*].subnet_id must be one of subnet_ids."
  }
}

variable "tags" {
  description = "Tags for the cluster (awscc has no default_tags): turned into [{key, value}] sorted by key."
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition     = length(var.tags) <= 50
    error_message = "[TRN-019] tags must hold at most 50 entries."
  }
}

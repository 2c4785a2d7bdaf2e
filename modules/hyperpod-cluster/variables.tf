# Same inputs as ./body, which validates them (and is tested there, without a provider).
variable "cluster_name" {
  description = "HyperPod cluster name (replaces the cluster on change)."
  type        = string
}

variable "execution_role_arn" {
  description = "ARN of the instance groups' execution role (modules/hyperpod-prerequisites)."
  type        = string
}

variable "lifecycle_scripts" {
  description = "Where the lifecycle scripts are: S3 prefix and the two script names under it."
  type = object({
    source_s3_uri    = string
    on_create        = string
    on_init_complete = string
  })
}

variable "subnet_ids" {
  description = "Only the subnets the instance groups use (vpc_config replaces the cluster on change)."
  type        = list(string)
  nullable    = false
}

variable "security_group_ids" {
  description = "The network layer's EFA security group (1-5 groups)."
  type        = list(string)
  nullable    = false
}

variable "node_recovery" {
  description = "Automatic (HyperPod replaces faulty nodes) or None."
  type        = string
}

variable "fsx" {
  description = "FSx for Lustre file system mounted on every group through instance_storage_configs; null for none."
  type = object({
    dns_name   = string
    mount_name = string
    mount_path = optional(string, "/fsx")
  })
  default = null

}

variable "ebs_kms_key_id" {
  description = <<-EOT
    Customer-managed key for the groups' EBS volumes. Must stay null on this Slurm module: AWS ties customer keys on
    HyperPod instance-group volumes to the Continuous node-provisioning mode, which botocore documents as "only
    supported for EKS orchestrated clusters"; Slurm volumes use the AWS-owned key (see README).
  EOT
  type        = string
  default     = null
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












}

variable "tags" {
  description = "Tags for the cluster (awscc has no default_tags): turned into [{key, value}] sorted by key."
  type        = map(string)
  nullable    = false
  default     = {}
}

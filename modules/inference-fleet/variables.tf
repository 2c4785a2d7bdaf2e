variable "name" {
  description = "Short name of the fleet's owner, e.g. `llm-prod`: prefix of every model, endpoint, alarm and role name. Letters, digits and `-`, 1-20 characters (endpoint config prefixes `<name>-<endpoint>-` must stay within 37)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](-?[A-Za-z0-9])*$", var.name)) && length(var.name) <= 20
    error_message = "[INF-001] name must be 1-20 letters, digits or single `-`, not starting or ending with `-` (got \"${var.name}\")."
  }
}

variable "endpoints" {
  description = "Endpoints by key (letters, digits, `-`). See the README for every field; `rollout.type` is `CANARY`, `LINEAR`, `ALL_AT_ONCE` (blue/green) or `ROLLING`."
  type = map(object({
    image                                             = string
    model_data_url                                    = string
    environment                                       = optional(map(string), {})
    instance_type                                     = string
    tensor_parallel_degree                            = number
    min_instances                                     = number
    max_instances                                     = number
    target_value                                      = number
    scaling_metric                                    = optional(string, "SageMakerVariantInvocationsPerInstance")
    scale_in_cooldown                                 = optional(number, 600)
    scale_out_cooldown                                = optional(number, 300)
    volume_size_in_gb                                 = optional(number, 64)
    container_startup_health_check_timeout_in_seconds = optional(number, 900)
    model_data_download_timeout_in_seconds            = optional(number, 900)
    data_capture_sampling_percent                     = optional(number, 0)
    rollout = object({
      type                                 = string
      size_percent                         = optional(number, 10)
      wait_in_seconds                      = optional(number, 300)
      termination_wait_in_seconds          = optional(number, 0)
      maximum_execution_timeout_in_seconds = optional(number, 3000)
    })
    alarms = optional(object({
      error_5xx_threshold  = optional(number, 5)
      model_latency_p99_ms = optional(number, 5000)
      evaluation_periods   = optional(number, 3)
      period_seconds       = optional(number, 60)
    }), {})
  }))
  nullable = false

  validation {
    condition     = length(var.endpoints) >= 1 && alltrue([for k in keys(var.endpoints) : can(regex("^[a-z0-9](-?[a-z0-9])*$", k)) && length("${var.name}-${k}-") <= local.inf2.endpoint_config_name_prefix_max_length])
    error_message = "[INF-002] endpoint keys must be lower-case letters, digits and single `-`, with `<name>-<key>-` at most 37 characters (the endpoint configuration's name_prefix; terraform appends 26) (got ${jsonencode([for k in keys(var.endpoints) : "${var.name}-${k}-"])})."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : contains(keys(local.inf2.instance_types), e.instance_type) || contains(var.allowed_instance_types, e.instance_type)])
    error_message = "[INF-003] instance_type must be an Inferentia2 type of inf2_instance_types.json or listed in allowed_instance_types (got ${jsonencode({ for k, e in var.endpoints : k => e.instance_type })})."
  }

  validation {
    condition = alltrue([for k, e in var.endpoints : floor(e.tensor_parallel_degree) == e.tensor_parallel_degree && e.tensor_parallel_degree >= 1 && (
      !contains(keys(local.inf2.instance_types), e.instance_type) ? true :
    local.inf2.instance_types[e.instance_type].neuron_cores % e.tensor_parallel_degree == 0)])
    error_message = "[INF-004] tensor_parallel_degree must be a whole number >= 1 that divides the instance's NeuronCores (got ${jsonencode({ for k, e in var.endpoints : k => "${e.tensor_parallel_degree} on ${e.instance_type}" })})."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : floor(e.min_instances) == e.min_instances && floor(e.max_instances) == e.max_instances && e.min_instances >= 1 && e.min_instances <= e.max_instances])
    error_message = "[INF-005] min_instances and max_instances must be whole numbers with 1 <= min <= max (scale to zero needs inference components, not in aws 5.100) (got ${jsonencode({ for k, e in var.endpoints : k => "${e.min_instances}-${e.max_instances}" })})."
  }

  validation {
    condition = alltrue(flatten([for k, e in var.endpoints : [for t in [e.container_startup_health_check_timeout_in_seconds, e.model_data_download_timeout_in_seconds] :
    t >= local.inf2.timeout_seconds.min && t <= local.inf2.timeout_seconds.max]]))
    error_message = "[INF-006] container_startup_health_check_timeout_in_seconds and model_data_download_timeout_in_seconds must be 60-3600 (got ${jsonencode({ for k, e in var.endpoints : k => [e.container_startup_health_check_timeout_in_seconds, e.model_data_download_timeout_in_seconds] })})."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : contains(["CANARY", "LINEAR", "ALL_AT_ONCE", "ROLLING"], e.rollout.type)])
    error_message = "[INF-007] rollout.type must be CANARY, LINEAR, ALL_AT_ONCE or ROLLING (got ${jsonencode({ for k, e in var.endpoints : k => e.rollout.type })})."
  }

  validation {
    condition = alltrue([for k, e in var.endpoints : (
      e.rollout.type == "CANARY" ? e.rollout.size_percent >= 1 && e.rollout.size_percent <= local.inf2.canary_percent_max :
      e.rollout.type == "LINEAR" ? e.rollout.size_percent >= local.inf2.linear_percent.min && e.rollout.size_percent <= local.inf2.linear_percent.max :
      e.rollout.type == "ROLLING" ? e.rollout.size_percent >= local.inf2.rolling_batch_percent.min && e.rollout.size_percent <= local.inf2.rolling_batch_percent.max :
    true)])
    error_message = "[INF-008] rollout.size_percent must be 1-50 for CANARY, 10-50 for LINEAR, 5-50 for ROLLING (got ${jsonencode({ for k, e in var.endpoints : k => "${e.rollout.type} ${e.rollout.size_percent}" })})."
  }

  validation {
    condition = alltrue([for k, e in var.endpoints :
      e.rollout.wait_in_seconds >= local.inf2.wait_seconds.min && e.rollout.wait_in_seconds <= local.inf2.wait_seconds.max &&
      e.rollout.termination_wait_in_seconds >= local.inf2.wait_seconds.min && e.rollout.termination_wait_in_seconds <= local.inf2.wait_seconds.max &&
      e.rollout.maximum_execution_timeout_in_seconds >= local.inf2.maximum_execution_timeout_seconds.min &&
    e.rollout.maximum_execution_timeout_in_seconds <= local.inf2.provider_wait_seconds])
    error_message = "[INF-009] rollout waits must be 0-3600 s and maximum_execution_timeout_in_seconds 600-3600 s (the provider waits 60 minutes, hashicorp/terraform-provider-aws#39040) (got ${jsonencode({ for k, e in var.endpoints : k => [e.rollout.wait_in_seconds, e.rollout.termination_wait_in_seconds, e.rollout.maximum_execution_timeout_in_seconds] })})."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : contains(["SageMakerVariantInvocationsPerInstance", "SageMakerVariantConcurrentRequestsPerModelHighResolution"], e.scaling_metric) && e.target_value > 0])
    error_message = "[INF-010] scaling_metric must be SageMakerVariantInvocationsPerInstance or SageMakerVariantConcurrentRequestsPerModelHighResolution with target_value > 0 (got ${jsonencode({ for k, e in var.endpoints : k => "${e.scaling_metric} ${e.target_value}" })})."
  }

  validation {
    condition     = alltrue([for k, e in var.endpoints : e.data_capture_sampling_percent >= 0 && e.data_capture_sampling_percent <= 100 && e.volume_size_in_gb >= 1 && e.volume_size_in_gb <= 512])
    error_message = "[INF-011] data_capture_sampling_percent must be 0-100 and volume_size_in_gb 1-512 (got ${jsonencode({ for k, e in var.endpoints : k => [e.data_capture_sampling_percent, e.volume_size_in_gb] })})."
  }
}

variable "allowed_instance_types" {
  description = "Instance types accepted besides the inf2 table (an explicit opt-in; NVMe types reject kms_key_arn)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "subnet_ids" {
  description = "Private subnets of the network layer the models run in (1-16)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 16
    error_message = "[INF-012] subnet_ids must hold 1-16 subnets (got ${length(var.subnet_ids)})."
  }
}

variable "vpc_id" {
  description = "VPC of `subnet_ids`: when set, the module creates the models' own security group there (no ingress, no egress: the containers run with network isolation) and adds it to `security_group_ids`; null = none."
  type        = string
  default     = null
}

variable "security_group_ids" {
  description = "Further security groups of the models' network interfaces; with the module's own group (`vpc_id` set) 1-5 in all."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.security_group_ids) + (var.vpc_id == null ? 0 : 1) >= 1 && length(var.security_group_ids) + (var.vpc_id == null ? 0 : 1) <= 5
    error_message = "[INF-013] the models need 1-5 security groups: security_group_ids plus the module's own when vpc_id is set (got ${length(var.security_group_ids)} and vpc_id ${var.vpc_id == null ? "null" : "set"})."
  }
}

variable "kms_key_arn" {
  description = "Customer managed key of the endpoint configurations' volumes and of data capture."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "[INF-014] kms_key_arn must be a KMS key ARN (got \"${var.kms_key_arn}\")."
  }
}

variable "model_data_kms_key_arns" {
  description = "Keys the model artifacts are encrypted with (the storage layer's S3 key), decrypt-only on the execution role."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "model_bucket_arn" {
  description = "ARN of the bucket holding the model artifacts (read-only for the execution role)."
  type        = string
}

variable "capture_s3_uri" {
  description = "s3://bucket/prefix data capture writes to (the artifacts bucket)."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9.-]+(/.*)?$", var.capture_s3_uri))
    error_message = "[INF-015] capture_s3_uri must be s3://bucket[/prefix] (got \"${var.capture_s3_uri}\")."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic of the observability layer the rollback alarms notify; null = alarms without actions."
  type        = string
  default     = null
}

variable "prevent_destroy" {
  description = "Protect the endpoints with lifecycle.prevent_destroy (the `protected` twin)."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags of every resource (org tags come from the provider's default_tags)."
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

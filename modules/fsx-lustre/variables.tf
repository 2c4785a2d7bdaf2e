################################################################################
# Naming and placement
################################################################################

variable "name" {
  description = "Name prefix for every resource of this module, e.g. `llm-prod-storage`. Letters, digits and hyphens, 1-64 characters, starting and ending with a letter or digit. The log group is `/aws/fsx/<name>`, the KMS alias `alias/<name>-fsx`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?$", var.name))
    error_message = "[FSX-001] name must be 1-64 letters, digits or hyphens and start and end with a letter or digit (got \"${var.name}\")."
  }
}

variable "tags" {
  description = "Tags added to every resource (merged with the provider's `default_tags`)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "subnet_id" {
  description = "The one subnet of the file system (`subnet-...`). FSx for Lustre lives in a single AZ: use the AZ of the GPU instance group (EFA clients must be in the same AZ)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^subnet-[0-9a-f]{8,17}$", var.subnet_id))
    error_message = "[FSX-002] subnet_id must look like `subnet-0123456789abcdef0` (got \"${var.subnet_id}\")."
  }
}

variable "vpc_id" {
  description = "VPC of `subnet_id` (`vpc-...`). Required only when `security_group_ids` is empty and the module creates its own security group."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_id == null || can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "[FSX-003] vpc_id must look like `vpc-0123456789abcdef0`."
  }

  validation {
    condition     = var.vpc_id != null || length(var.security_group_ids) > 0
    error_message = "[FSX-004] vpc_id is required when security_group_ids is empty (the module then creates its own Lustre security group)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the file system (`sg-...`, at most 50), e.g. the network layer's EFA security group, which already allows the Lustre ports (TCP 988, 1018-1023) to itself. Empty: the module creates a security group with self-referencing Lustre rules (and all-traffic self rules when `efa_enabled`)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "[FSX-005] Every security_group_ids entry must look like `sg-0123456789abcdef0`."
  }

  validation {
    condition     = length(var.security_group_ids) <= 50 && length(distinct(var.security_group_ids)) == length(var.security_group_ids)
    error_message = "[FSX-006] security_group_ids takes at most 50 distinct ids."
  }
}

################################################################################
# File system
################################################################################

variable "deployment_type" {
  description = "Lustre deployment type: `PERSISTENT_2` (replicated, backups, KMS key, DRAs, EFA; default for training) or `SCRATCH_2` (temporary, no replication or backups)."
  type        = string
  default     = "PERSISTENT_2"
  nullable    = false

  validation {
    condition     = contains(["PERSISTENT_2", "SCRATCH_2"], var.deployment_type)
    error_message = "[FSX-007] deployment_type must be `PERSISTENT_2` or `SCRATCH_2` (got \"${var.deployment_type}\")."
  }
}

variable "storage_capacity_gib" {
  description = "SSD storage in GiB: `1200`, `2400` or a multiple of `2400`. With `efa_enabled`: a multiple of `38400` / `19200` / `9600` / `4800` at `125` / `250` / `500` / `1000` MB/s/TiB. Capacity can only grow (a smaller value replaces the file system); raise metadata IOPS before growing."
  type        = number
  default     = 4800
  nullable    = false

  validation {
    condition = var.storage_capacity_gib <= local.limits.ssd_capacity_gib.max && floor(var.storage_capacity_gib) == var.storage_capacity_gib && (
      contains(local.limits.ssd_capacity_gib.fixed, var.storage_capacity_gib) ||
      (var.storage_capacity_gib > 0 && var.storage_capacity_gib % local.limits.ssd_capacity_gib.step == 0)
    )
    error_message = "[FSX-008] storage_capacity_gib must be ${join(", ", local.limits.ssd_capacity_gib.fixed)} or a multiple of ${local.limits.ssd_capacity_gib.step} up to ${local.limits.ssd_capacity_gib.max} (got ${var.storage_capacity_gib})."
  }

  validation {
    condition = !var.efa_enabled || try(
      var.storage_capacity_gib % local.limits.efa_capacity_step_gib[tostring(var.per_unit_storage_throughput)] == 0,
      false
    )
    error_message = "[FSX-009] An EFA-enabled file system needs storage_capacity_gib in multiples of 38400 / 19200 / 9600 / 4800 GiB at 125 / 250 / 500 / 1000 MB/s/TiB (got ${var.storage_capacity_gib} GiB at ${coalesce(var.per_unit_storage_throughput, 0)} MB/s/TiB)."
  }

  validation {
    # The floor is what AUTOMATIC mode provisions for the capacity (limits.json); computed inline (a local reading this
    # variable would form a cycle with its validations). On this variable, not on metadata_configuration, to avoid a
    # validation cycle with efa_enabled.
    condition = var.deployment_type != "PERSISTENT_2" || try(var.metadata_configuration.mode, "") != "USER_PROVISIONED" || try(var.metadata_configuration.iops >= try(
      [for s in local.limits.automatic_metadata_iops.steps : s.iops if var.storage_capacity_gib <= s.up_to_gib][0],
      floor(var.storage_capacity_gib / local.limits.automatic_metadata_iops.above.per_gib) * local.limits.automatic_metadata_iops.above.iops
    ), true)
    error_message = "[FSX-019] metadata_configuration.iops must be at least what AUTOMATIC mode provisions for ${var.storage_capacity_gib} GiB (automatic_metadata_iops in limits.json: 1500 at 1200 GiB, 3000 at 2400, 6000 up to 9600, 12000 up to 45600, then 12000 per 24000 GiB): FSx does not grow the capacity past the IOPS (got ${coalesce(try(var.metadata_configuration.iops, null), 0)})."
  }
}

variable "per_unit_storage_throughput" {
  description = "Throughput per TiB of storage in MB/s: `125`, `250`, `500` or `1000` for `PERSISTENT_2`; must be `null` for `SCRATCH_2` (fixed baseline)."
  type        = number
  default     = 250

  validation {
    condition     = var.per_unit_storage_throughput == null || contains(lookup(local.limits.per_unit_storage_throughput, var.deployment_type, []), coalesce(var.per_unit_storage_throughput, 0))
    error_message = "[FSX-010] per_unit_storage_throughput must be one of ${join(", ", lookup(local.limits.per_unit_storage_throughput, var.deployment_type, []))} MB/s/TiB for ${var.deployment_type} (got ${coalesce(var.per_unit_storage_throughput, 0)})."
  }

  validation {
    condition     = (var.deployment_type == "PERSISTENT_2") == (var.per_unit_storage_throughput != null)
    error_message = "[FSX-011] per_unit_storage_throughput is required for PERSISTENT_2 and must be null for SCRATCH_2."
  }
}

variable "file_system_type_version" {
  description = "Lustre version: `2.15` (recommended; required with a metadata configuration and EFA) or `2.12`."
  type        = string
  default     = "2.15"
  nullable    = false

  validation {
    condition     = contains(["2.12", "2.15"], var.file_system_type_version)
    error_message = "[FSX-012] file_system_type_version must be `2.12` or `2.15` (got \"${var.file_system_type_version}\")."
  }

  validation {
    condition     = var.file_system_type_version == "2.15" || var.deployment_type != "PERSISTENT_2" || var.metadata_configuration == null
    error_message = "[FSX-013] PERSISTENT_2 with a metadata_configuration (and therefore EFA) needs file_system_type_version `2.15`."
  }
}

variable "data_compression_type" {
  description = "Data compression: `LZ4` (default; saves capacity, usually raises effective throughput) or `NONE`."
  type        = string
  default     = "LZ4"
  nullable    = false

  validation {
    condition     = contains(["LZ4", "NONE"], var.data_compression_type)
    error_message = "[FSX-014] data_compression_type must be `LZ4` or `NONE` (got \"${var.data_compression_type}\")."
  }
}

variable "metadata_configuration" {
  description = "Metadata performance of a `PERSISTENT_2` file system: `mode` = `AUTOMATIC` (scales with capacity; `iops` must be unset) or `USER_PROVISIONED` (`iops` in `1500`, `3000`, `6000`, `12000` or a multiple of `12000` up to `192000`, and at least what `AUTOMATIC` gives the capacity: see `automatic_metadata_iops` in `limits.json`). IOPS only increase. `null` = no metadata configuration (not allowed with EFA). Ignored for `SCRATCH_2` when `AUTOMATIC`; `USER_PROVISIONED` with `SCRATCH_2` is rejected."
  type = object({
    mode = string
    iops = optional(number)
  })
  default  = { mode = "AUTOMATIC" }
  nullable = true

  validation {
    condition     = var.metadata_configuration == null || contains(["AUTOMATIC", "USER_PROVISIONED"], try(var.metadata_configuration.mode, ""))
    error_message = "[FSX-015] metadata_configuration.mode must be `AUTOMATIC` or `USER_PROVISIONED`."
  }

  validation {
    condition     = var.metadata_configuration == null || (try(var.metadata_configuration.mode, "") == "USER_PROVISIONED") == (try(var.metadata_configuration.iops, null) != null)
    error_message = "[FSX-016] metadata_configuration.iops is required with mode USER_PROVISIONED and must be unset with mode AUTOMATIC."
  }

  validation {
    condition = try(var.metadata_configuration.iops, null) == null || try(
      contains(local.limits.metadata_iops.fixed, var.metadata_configuration.iops) ||
      (var.metadata_configuration.iops % local.limits.metadata_iops.step == 0 && var.metadata_configuration.iops >= local.limits.metadata_iops.step && var.metadata_configuration.iops <= local.limits.metadata_iops.max),
      false
    )
    error_message = "[FSX-017] metadata_configuration.iops must be ${join(", ", local.limits.metadata_iops.fixed)} or a multiple of ${local.limits.metadata_iops.step} up to ${local.limits.metadata_iops.max} (got ${coalesce(try(var.metadata_configuration.iops, null), 0)})."
  }

  validation {
    condition     = var.deployment_type == "PERSISTENT_2" || try(var.metadata_configuration.mode, "AUTOMATIC") == "AUTOMATIC"
    error_message = "[FSX-018] A USER_PROVISIONED metadata_configuration is only available for PERSISTENT_2."
  }
}

variable "efa_enabled" {
  description = "Enable EFA and GPUDirect Storage. Only with `PERSISTENT_2`, a `metadata_configuration` and an EFA security group; set at creation only, and it freezes `per_unit_storage_throughput`."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.efa_enabled || (var.deployment_type == "PERSISTENT_2" && var.metadata_configuration != null)
    error_message = "[FSX-020] efa_enabled needs deployment_type PERSISTENT_2 and a metadata_configuration."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`) for the file system (persistent types only: SCRATCH_2 is always encrypted with an FSx-managed key) and the log group. Its policy must let CloudWatch Logs use it for `/aws/fsx/<name>`. `null`: the module creates a key (rotation on, alias `alias/<name>-fsx`)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "[FSX-021] kms_key_arn must be a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`), not an alias."
  }
}

################################################################################
# Backups and maintenance
################################################################################

variable "automatic_backup_retention_days" {
  description = "Days to keep automatic daily backups, `0` (off) to `90`. Persistent types only (ignored for SCRATCH_2, which has no backups)."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.automatic_backup_retention_days >= local.limits.automatic_backup_retention_days.min && var.automatic_backup_retention_days <= local.limits.automatic_backup_retention_days.max && floor(var.automatic_backup_retention_days) == var.automatic_backup_retention_days
    error_message = "[FSX-022] automatic_backup_retention_days must be a whole number from 0 to 90 (got ${var.automatic_backup_retention_days})."
  }
}

variable "daily_automatic_backup_start_time" {
  description = "UTC start of the daily backup window, `HH:MM` (e.g. `03:00`). Persistent types with backups only."
  type        = string
  default     = "03:00"
  nullable    = false

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.daily_automatic_backup_start_time))
    error_message = "[FSX-023] daily_automatic_backup_start_time must be HH:MM in 24h UTC (got \"${var.daily_automatic_backup_start_time}\")."
  }
}

variable "weekly_maintenance_start_time" {
  description = "UTC start of the weekly maintenance window, `d:HH:MM` with d = `1` (Monday) to `7` (Sunday), e.g. `7:04:00`."
  type        = string
  default     = "7:04:00"
  nullable    = false

  validation {
    condition     = can(regex("^[1-7]:([01][0-9]|2[0-3]):[0-5][0-9]$", var.weekly_maintenance_start_time))
    error_message = "[FSX-024] weekly_maintenance_start_time must be d:HH:MM with d from 1 (Monday) to 7 (Sunday) (got \"${var.weekly_maintenance_start_time}\")."
  }

  validation {
    condition     = var.deployment_type != "PERSISTENT_2" || var.automatic_backup_retention_days == 0 || substr(var.weekly_maintenance_start_time, 2, 5) != var.daily_automatic_backup_start_time
    error_message = "[FSX-025] The weekly maintenance window must not start at the same time as the daily backup window."
  }
}

variable "copy_tags_to_backups" {
  description = "Copy the file system's tags to its backups (persistent types only)."
  type        = bool
  default     = true
  nullable    = false
}

variable "skip_final_backup" {
  description = "Skip the final backup when the file system is deleted (persistent types only). Default `false`: FSx takes a final backup, so an accidental destroy stays recoverable. Set `true` (and apply) before tearing down a throw-away file system."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Logging
################################################################################

variable "log_retention_days" {
  description = "Retention of the Lustre log group `/aws/fsx/<name>` in days, one of CloudWatch's values: `1`, `3`, `5`, `7`, `14`, `30`, `60`, `90`, `120`, `150`, `180`, `365`, `400`, `545`, `731`, `1096`, `1827`, `2192`, `2557`, `2922`, `3288`, `3653`, or `0` (never expire)."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains(local.limits.log_retention_days, var.log_retention_days)
    error_message = "[FSX-026] log_retention_days must be one of CloudWatch Logs' values: ${join(", ", local.limits.log_retention_days)} (got ${var.log_retention_days})."
  }
}

################################################################################
# Root squash
################################################################################

variable "root_squash" {
  description = "Map root to this `UID:GID` on the clients, e.g. `65534:65534` (nobody). `null` = no root squash configuration."
  type        = string
  default     = null

  validation {
    condition     = var.root_squash == null || can(regex("^[0-9]{1,10}:[0-9]{1,10}$", var.root_squash))
    error_message = "[FSX-027] root_squash must be UID:GID, e.g. `65534:65534`."
  }
}

variable "no_squash_nids" {
  description = "Client NIDs exempt from root squash, e.g. `10.0.1.6@tcp` or ranges like `10.0.[2-10].[1-255]@tcp`. Requires `root_squash`."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for nid in var.no_squash_nids : can(regex("^([0-9\\[\\]-]*\\.){3}([0-9\\[\\]-]*)@tcp$", nid))])
    error_message = "[FSX-028] Every no_squash_nids entry must be a Lustre NID such as `10.0.1.6@tcp` or `10.0.[2-10].[1-255]@tcp`."
  }

  validation {
    condition     = length(var.no_squash_nids) == 0 || var.root_squash != null
    error_message = "[FSX-029] no_squash_nids needs root_squash."
  }
}

################################################################################
# Protection
################################################################################

variable "prevent_destroy" {
  description = "Protect the file system with `lifecycle { prevent_destroy = true }` (it is then created as `aws_fsx_lustre_file_system.protected` instead of `.this`). Flipping it on an existing file system changes that address: the calling root module needs the `moved` block shown in the README, else Terraform plans to replace the file system."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# Data repository associations
################################################################################

variable "data_repository_associations" {
  description = <<-EOT
    S3 links of a `PERSISTENT_2` file system, keyed by a stable name (e.g. `datasets`, `checkpoints`):
    `file_system_path` (starts with `/`, e.g. `/datasets`), `data_repository_path` (`s3://bucket/prefix/`),
    `batch_import_meta_data_on_create` (default `false`), `imported_file_chunk_size_mib` (`1`-`512000`, default `1024`),
    `import_events` / `export_events` (subsets of `NEW`, `CHANGED`, `DELETED`; `[]` turns automatic import/export off).
    At most 8; file system paths must not overlap; `/` only as the sole association. Deleting one never deletes file data.
  EOT
  type = map(object({
    file_system_path                 = string
    data_repository_path             = string
    batch_import_meta_data_on_create = optional(bool, false)
    imported_file_chunk_size_mib     = optional(number, 1024)
    import_events                    = optional(list(string), ["NEW", "CHANGED", "DELETED"])
    export_events                    = optional(list(string), ["NEW", "CHANGED", "DELETED"])
  }))
  default  = {}
  nullable = false

  validation {
    condition     = length(var.data_repository_associations) == 0 || var.deployment_type == "PERSISTENT_2"
    error_message = "[FSX-030] data_repository_associations are only supported by this module for PERSISTENT_2."
  }

  validation {
    condition     = length(var.data_repository_associations) <= local.limits.max_data_repository_associations
    error_message = "[FSX-031] A file system takes at most ${local.limits.max_data_repository_associations} data repository associations (got ${length(var.data_repository_associations)})."
  }

  validation {
    condition     = alltrue([for k in keys(var.data_repository_associations) : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$", k))])
    error_message = "[FSX-032] data_repository_associations keys must be 1-63 letters, digits, '_' or '-' (they become tag values and addresses)."
  }

  validation {
    condition     = alltrue([for d in values(var.data_repository_associations) : startswith(d.file_system_path, "/") && length(d.file_system_path) <= local.limits.file_system_path_max_length && (d.file_system_path == "/" || !endswith(d.file_system_path, "/"))])
    error_message = "[FSX-033] Every file_system_path must start with '/' (e.g. `/datasets`), have no trailing '/' and be at most 4096 characters."
  }

  validation {
    condition     = alltrue([for d in values(var.data_repository_associations) : can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$", d.data_repository_path)) && length(d.data_repository_path) <= 4357])
    error_message = "[FSX-034] Every data_repository_path must be an S3 URL `s3://bucket[/prefix/]`."
  }

  validation {
    condition     = alltrue([for d in values(var.data_repository_associations) : d.imported_file_chunk_size_mib >= local.limits.imported_file_chunk_size_mib.min && d.imported_file_chunk_size_mib <= local.limits.imported_file_chunk_size_mib.max && floor(d.imported_file_chunk_size_mib) == d.imported_file_chunk_size_mib])
    error_message = "[FSX-035] imported_file_chunk_size_mib must be a whole number from 1 to 512000."
  }

  validation {
    condition = alltrue(flatten([
      for d in values(var.data_repository_associations) : [
        for events in [d.import_events, d.export_events] :
        alltrue([for e in events : contains(["NEW", "CHANGED", "DELETED"], e)]) && length(distinct(events)) == length(events)
      ]
    ]))
    error_message = "[FSX-036] import_events and export_events take distinct values from `NEW`, `CHANGED`, `DELETED`."
  }

  validation {
    condition = alltrue(flatten([
      for k1, a in var.data_repository_associations : [
        for k2, b in var.data_repository_associations :
        k1 == k2 || (a.file_system_path != b.file_system_path && !startswith("${b.file_system_path}/", "${a.file_system_path}/") && a.file_system_path != "/" && b.file_system_path != "/")
      ]
    ]))
    error_message = "[FSX-037] data_repository_associations file_system_path values must not overlap (no path inside another, and '/' only for a single association)."
  }
}

variable "timeouts" {
  description = "Create / update / delete timeouts of the file system (Terraform durations such as `90m`). Large or EFA file systems take longer than the provider's 30m defaults; capacity and metadata updates can take hours."
  type = object({
    create = optional(string, "90m")
    update = optional(string, "180m")
    delete = optional(string, "60m")
  })
  default  = {}
  nullable = false
}

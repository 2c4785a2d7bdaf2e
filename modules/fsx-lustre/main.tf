data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.id

  persistent = var.deployment_type == "PERSISTENT_2"

  # FSx limits the variable validations and outputs use; the Python config reads the same file.
  limits = jsondecode(file("${path.module}/limits.json"))
  # Baseline throughput per TiB: the configured per-unit throughput, or the deployment type's fixed baseline.
  baseline_mbps_per_tib = coalesce(var.per_unit_storage_throughput, lookup(local.limits.baseline_throughput_mbps_per_tib, var.deployment_type, null))

  # One key for the file system (persistent types) and the log group (all types). Resources use
  # try(module.kms[0].key_arn, var.kms_key_arn) directly instead of this local: a plan scan (checkov)
  # only sees references to resources, not to locals, while the key ARN is still unknown.
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = try(module.kms[0].key_arn, var.kms_key_arn)

  create_security_group = length(var.security_group_ids) == 0

  # Built from known values (not from the log group's attribute) so the key policy is known at plan time.
  log_group_name = "/aws/fsx/${var.name}"
  log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  # SCRATCH_2 takes no KMS key, backups, metadata configuration or per-unit throughput.
  fs_backup_retention_days      = local.persistent ? var.automatic_backup_retention_days : null
  fs_daily_backup_start_time    = local.persistent && var.automatic_backup_retention_days > 0 ? var.daily_automatic_backup_start_time : null
  fs_copy_tags_to_backups       = local.persistent ? var.copy_tags_to_backups : null
  fs_skip_final_backup          = local.persistent ? var.skip_final_backup : null
  fs_metadata_configuration     = local.persistent && var.metadata_configuration != null ? [var.metadata_configuration] : []
  fs_root_squash_configurations = var.root_squash != null ? [{ root_squash = var.root_squash, no_squash_nids = var.no_squash_nids }] : []

  tags = merge(var.tags, { Name = var.name })

  # Exactly one of the two file system blocks exists; everything else reads it through this local.
  fs = one(concat(aws_fsx_lustre_file_system.this, aws_fsx_lustre_file_system.protected))
}

################################################################################
# File system
#
# `lifecycle.prevent_destroy` only takes a literal, so the file system is declared twice:
# `this` (count = 1 when var.prevent_destroy is false) and `protected` (count = 1 when true).
# Keep the two blocks identical apart from count and prevent_destroy.
################################################################################

resource "aws_fsx_lustre_file_system" "this" {
  count = var.prevent_destroy ? 0 : 1

  deployment_type             = var.deployment_type
  storage_type                = "SSD"
  storage_capacity            = var.storage_capacity_gib
  per_unit_storage_throughput = var.per_unit_storage_throughput
  file_system_type_version    = var.file_system_type_version
  data_compression_type       = var.data_compression_type
  efa_enabled                 = var.efa_enabled ? true : null

  subnet_ids         = [var.subnet_id]
  security_group_ids = local.create_security_group ? aws_security_group.this[*].id : var.security_group_ids

  kms_key_id = local.persistent ? try(module.kms[0].key_arn, var.kms_key_arn) : null

  automatic_backup_retention_days   = local.fs_backup_retention_days
  daily_automatic_backup_start_time = local.fs_daily_backup_start_time
  copy_tags_to_backups              = local.fs_copy_tags_to_backups
  skip_final_backup                 = local.fs_skip_final_backup
  weekly_maintenance_start_time     = var.weekly_maintenance_start_time

  log_configuration {
    level       = "WARN_ERROR"
    destination = aws_cloudwatch_log_group.this.arn
  }

  dynamic "metadata_configuration" {
    for_each = local.fs_metadata_configuration
    content {
      mode = metadata_configuration.value.mode
      iops = metadata_configuration.value.iops
    }
  }

  dynamic "root_squash_configuration" {
    for_each = local.fs_root_squash_configurations
    content {
      root_squash    = root_squash_configuration.value.root_squash
      no_squash_nids = root_squash_configuration.value.no_squash_nids
    }
  }

  tags = local.tags

  timeouts {
    create = var.timeouts.create
    update = var.timeouts.update
    delete = var.timeouts.delete
  }

  lifecycle {
    # FSx does not return security group ids on read/import: without this every plan after an import
    # wants to replace the file system.
    ignore_changes = [security_group_ids]
  }
}

resource "aws_fsx_lustre_file_system" "protected" {
  count = var.prevent_destroy ? 1 : 0

  deployment_type             = var.deployment_type
  storage_type                = "SSD"
  storage_capacity            = var.storage_capacity_gib
  per_unit_storage_throughput = var.per_unit_storage_throughput
  file_system_type_version    = var.file_system_type_version
  data_compression_type       = var.data_compression_type
  efa_enabled                 = var.efa_enabled ? true : null

  subnet_ids         = [var.subnet_id]
  security_group_ids = local.create_security_group ? aws_security_group.this[*].id : var.security_group_ids

  kms_key_id = local.persistent ? try(module.kms[0].key_arn, var.kms_key_arn) : null

  automatic_backup_retention_days   = local.fs_backup_retention_days
  daily_automatic_backup_start_time = local.fs_daily_backup_start_time
  copy_tags_to_backups              = local.fs_copy_tags_to_backups
  skip_final_backup                 = local.fs_skip_final_backup
  weekly_maintenance_start_time     = var.weekly_maintenance_start_time

  log_configuration {
    level       = "WARN_ERROR"
    destination = aws_cloudwatch_log_group.this.arn
  }

  dynamic "metadata_configuration" {
    for_each = local.fs_metadata_configuration
    content {
      mode = metadata_configuration.value.mode
      iops = metadata_configuration.value.iops
    }
  }

  dynamic "root_squash_configuration" {
    for_each = local.fs_root_squash_configurations
    content {
      root_squash    = root_squash_configuration.value.root_squash
      no_squash_nids = root_squash_configuration.value.no_squash_nids
    }
  }

  tags = local.tags

  timeouts {
    create = var.timeouts.create
    update = var.timeouts.update
    delete = var.timeouts.delete
  }

  lifecycle {
    prevent_destroy = true
    # FSx does not return security group ids on read/import: without this every plan after an import
    # wants to replace the file system.
    ignore_changes = [security_group_ids]
  }
}

################################################################################
# Data repository associations (S3 links)
################################################################################

resource "aws_fsx_data_repository_association" "this" {
  for_each = local.persistent ? var.data_repository_associations : {}

  file_system_id                   = local.fs.id
  file_system_path                 = each.value.file_system_path
  data_repository_path             = each.value.data_repository_path
  batch_import_meta_data_on_create = each.value.batch_import_meta_data_on_create
  imported_file_chunk_size         = each.value.imported_file_chunk_size_mib

  # Removing an association must never delete training data or checkpoints from the file system.
  delete_data_in_filesystem = false

  s3 {
    dynamic "auto_import_policy" {
      for_each = length(each.value.import_events) > 0 ? [each.value.import_events] : []
      content {
        events = auto_import_policy.value
      }
    }

    dynamic "auto_export_policy" {
      for_each = length(each.value.export_events) > 0 ? [each.value.export_events] : []
      content {
        events = auto_export_policy.value
      }
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

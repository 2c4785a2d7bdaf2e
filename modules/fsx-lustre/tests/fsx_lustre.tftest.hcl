# Offline plan tests: `terraform init -backend=false && terraform test` (no AWS account needed).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
      arn        = "arn:aws:iam::111111111111:role/ci-plan"
      user_id    = "AROAEXAMPLEEXAMPLE:ci"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_region" {
    defaults = {
      id   = "us-east-1"
      name = "us-east-1"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AccountAdministersKey\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111111111111:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
      key_id = "0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    }
  }

  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/fsx/llm-prod-storage"
    }
  }

  mock_resource "aws_security_group" {
    defaults = {
      id  = "sg-0fedcba9876543210"
      arn = "arn:aws:ec2:us-east-1:111111111111:security-group/sg-0fedcba9876543210"
    }
  }

  mock_resource "aws_fsx_lustre_file_system" {
    defaults = {
      id                    = "fs-0123456789abcdef0"
      arn                   = "arn:aws:fsx:us-east-1:111111111111:file-system/fs-0123456789abcdef0"
      dns_name              = "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com"
      mount_name            = "abcdefgh"
      network_interface_ids = ["eni-0123456789abcdef0", "eni-0123456789abcdef1"]
    }
  }

  mock_resource "aws_fsx_data_repository_association" {
    defaults = {
      id  = "dra-0123456789abcdef0"
      arn = "arn:aws:fsx:us-east-1:111111111111:association/fs-0123456789abcdef0/dra-0123456789abcdef0"
    }
  }
}

variables {
  name                        = "llm-prod-storage"
  subnet_id                   = "subnet-0123456789abcdef0"
  security_group_ids          = ["sg-0123456789abcdef0"]
  storage_capacity_gib        = 9600
  per_unit_storage_throughput = 250
  data_repository_associations = {
    datasets = {
      file_system_path                 = "/datasets"
      data_repository_path             = "s3://llm-prod-storage-111111111111-datasets/"
      batch_import_meta_data_on_create = true
      export_events                    = []
    }
    checkpoints = {
      file_system_path     = "/checkpoints"
      data_repository_path = "s3://llm-prod-storage-111111111111-checkpoints/"
    }
  }
}

################################################################################
# Successful plans
################################################################################

run "persistent_2_prod_plan" {
  command = plan

  assert {
    condition     = length(aws_fsx_lustre_file_system.protected) == 1 && length(aws_fsx_lustre_file_system.this) == 0
    error_message = "prevent_destroy = true (default) must create only the protected file system."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].deployment_type == "PERSISTENT_2"
    error_message = "deployment type must be PERSISTENT_2."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].storage_capacity == 9600 && aws_fsx_lustre_file_system.protected[0].per_unit_storage_throughput == 250
    error_message = "capacity/throughput must be 9600 GiB at 250 MB/s/TiB."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].data_compression_type == "LZ4" && aws_fsx_lustre_file_system.protected[0].file_system_type_version == "2.15"
    error_message = "LZ4 compression and Lustre 2.15 are the defaults."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].kms_key_id == "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    error_message = "the persistent file system must use the module's customer managed key."
  }

  assert {
    condition     = module.kms[0].enable_key_rotation && module.kms[0].alias_name == "alias/llm-prod-storage-fsx"
    error_message = "the key must rotate and be aliased alias/<name>-fsx."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].metadata_configuration[0].mode == "AUTOMATIC"
    error_message = "metadata configuration defaults to AUTOMATIC."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].automatic_backup_retention_days == 7 && aws_fsx_lustre_file_system.protected[0].daily_automatic_backup_start_time == "03:00" && aws_fsx_lustre_file_system.protected[0].copy_tags_to_backups && aws_fsx_lustre_file_system.protected[0].skip_final_backup == false
    error_message = "backups: 7 days from 03:00, tags copied, final backup taken."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].weekly_maintenance_start_time == "7:04:00"
    error_message = "weekly maintenance defaults to Sunday 04:00 UTC."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].log_configuration[0].level == "WARN_ERROR" && aws_fsx_lustre_file_system.protected[0].log_configuration[0].destination == "arn:aws:logs:us-east-1:111111111111:log-group:/aws/fsx/llm-prod-storage"
    error_message = "Lustre logs go to the module's log group at WARN_ERROR."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/fsx/llm-prod-storage" && aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == module.kms[0].key_arn
    error_message = "log group /aws/fsx/<name>, 365 days, encrypted with the key."
  }

  assert {
    condition     = toset(aws_fsx_lustre_file_system.protected[0].security_group_ids) == toset(["sg-0123456789abcdef0"]) && length(aws_security_group.this) == 0
    error_message = "with security_group_ids given, no own security group is created."
  }

  assert {
    condition     = output.security_group_id == null && output.security_group_ids == tolist(["sg-0123456789abcdef0"])
    error_message = "security group outputs must reflect the caller's groups."
  }

  assert {
    condition     = length(aws_fsx_data_repository_association.this) == 2
    error_message = "two data repository associations expected."
  }

  assert {
    condition     = alltrue([for d in aws_fsx_data_repository_association.this : d.delete_data_in_filesystem == false])
    error_message = "removing a DRA must never delete file system data."
  }

  assert {
    condition     = aws_fsx_data_repository_association.this["datasets"].file_system_path == "/datasets" && aws_fsx_data_repository_association.this["datasets"].batch_import_meta_data_on_create && aws_fsx_data_repository_association.this["datasets"].imported_file_chunk_size == 1024
    error_message = "datasets DRA: /datasets, metadata imported on create, 1 GiB chunks."
  }

  assert {
    condition     = length(aws_fsx_data_repository_association.this["datasets"].s3[0].auto_export_policy) == 0 && aws_fsx_data_repository_association.this["datasets"].s3[0].auto_import_policy[0].events == tolist(["NEW", "CHANGED", "DELETED"])
    error_message = "datasets DRA imports all events and exports nothing."
  }

  assert {
    condition     = aws_fsx_data_repository_association.this["checkpoints"].s3[0].auto_export_policy[0].events == tolist(["NEW", "CHANGED", "DELETED"])
    error_message = "checkpoints DRA exports all events."
  }

  assert {
    condition     = output.aggregate_throughput_mbps == 2343.75
    error_message = "9600 GiB at 250 MB/s/TiB is 2343.75 MB/s."
  }

  assert {
    condition     = output.file_system_id == "fs-0123456789abcdef0" && output.mount_name == "abcdefgh" && output.log_group_name == "/aws/fsx/llm-prod-storage"
    error_message = "outputs must come from the protected file system."
  }

  assert {
    condition     = output.data_repository_association_ids == { checkpoints = "dra-0123456789abcdef0", datasets = "dra-0123456789abcdef0" }
    error_message = "DRA ids must be keyed like the input."
  }
}

run "unprotected_with_own_security_group" {
  command = plan

  variables {
    name                         = "llm-dev-storage"
    prevent_destroy              = false
    security_group_ids           = []
    vpc_id                       = "vpc-0123456789abcdef0"
    storage_capacity_gib         = 1200
    per_unit_storage_throughput  = 125
    kms_key_arn                  = "arn:aws:kms:us-east-1:111111111111:key/22222222-3333-4444-5555-6666aaaabbbb"
    data_repository_associations = {}
  }

  assert {
    condition     = length(aws_fsx_lustre_file_system.this) == 1 && length(aws_fsx_lustre_file_system.protected) == 0
    error_message = "prevent_destroy = false must create only the unprotected file system."
  }

  assert {
    condition     = length(module.kms) == 0 && aws_fsx_lustre_file_system.this[0].kms_key_id == "arn:aws:kms:us-east-1:111111111111:key/22222222-3333-4444-5555-6666aaaabbbb"
    error_message = "a passed key is used and no key is created."
  }

  assert {
    condition     = length(aws_security_group.this) == 1 && aws_security_group.this[0].vpc_id == "vpc-0123456789abcdef0"
    error_message = "the module must create its own security group in vpc_id."
  }

  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.this) == 2 && length(aws_vpc_security_group_egress_rule.this) == 2 &&
      aws_vpc_security_group_ingress_rule.this["lnet-988"].from_port == 988 && aws_vpc_security_group_ingress_rule.this["lnet-988"].to_port == 988 &&
      aws_vpc_security_group_egress_rule.this["lustre-1018"].from_port == 1018 && aws_vpc_security_group_egress_rule.this["lustre-1018"].to_port == 1023 &&
      alltrue([for r in aws_vpc_security_group_ingress_rule.this : r.referenced_security_group_id == "sg-0fedcba9876543210" && r.ip_protocol == "tcp" && r.description != ""])
    )
    error_message = "own security group: self-referencing TCP 988 and 1018-1023 in both directions, described."
  }

  assert {
    condition     = output.security_group_id == "sg-0fedcba9876543210" && output.security_group_ids == tolist(["sg-0fedcba9876543210"])
    error_message = "security group outputs must expose the module's own group."
  }

  assert {
    condition     = output.aggregate_throughput_mbps == 146.484375
    error_message = "1200 GiB at 125 MB/s/TiB is 146.484375 MB/s."
  }
}

run "efa_user_provisioned_metadata" {
  command = plan

  variables {
    security_group_ids           = []
    vpc_id                       = "vpc-0123456789abcdef0"
    efa_enabled                  = true
    storage_capacity_gib         = 19200
    per_unit_storage_throughput  = 250
    metadata_configuration       = { mode = "USER_PROVISIONED", iops = 24000 }
    root_squash                  = "65534:65534"
    no_squash_nids               = ["10.0.1.6@tcp", "10.0.[2-10].[1-255]@tcp"]
    data_repository_associations = {}
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].efa_enabled == true
    error_message = "EFA must be enabled."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].metadata_configuration[0].mode == "USER_PROVISIONED" && aws_fsx_lustre_file_system.protected[0].metadata_configuration[0].iops == 24000
    error_message = "USER_PROVISIONED metadata with 24000 IOPS expected."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].root_squash_configuration[0].root_squash == "65534:65534" && length(aws_fsx_lustre_file_system.protected[0].root_squash_configuration[0].no_squash_nids) == 2
    error_message = "root squash to nobody with two exempt NIDs."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.this["efa-all"].ip_protocol == "-1" && aws_vpc_security_group_egress_rule.this["efa-all"].referenced_security_group_id == "sg-0fedcba9876543210"
    error_message = "an EFA file system with its own security group needs all-traffic self rules."
  }
}

run "scratch_2" {
  command = plan

  variables {
    name                         = "llm-dev-scratch"
    deployment_type              = "SCRATCH_2"
    storage_capacity_gib         = 2400
    per_unit_storage_throughput  = null
    data_repository_associations = {}
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].deployment_type == "SCRATCH_2" && aws_fsx_lustre_file_system.protected[0].per_unit_storage_throughput == null
    error_message = "SCRATCH_2 has no per-unit throughput."
  }

  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].skip_final_backup == null && aws_fsx_lustre_file_system.protected[0].copy_tags_to_backups == null
    error_message = "SCRATCH_2 has no backup settings."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == module.kms[0].key_arn
    error_message = "the scratch file system's log group is still encrypted with the customer key."
  }

  assert {
    condition     = output.aggregate_throughput_mbps == 2400 / 1024 * 200
    error_message = "SCRATCH_2 aggregate throughput uses the 200 MB/s/TiB baseline from limits.json."
  }
}

################################################################################
# Validations (each rule AWS would only reject at apply time)
################################################################################

run "rejects_capacity_3000" {
  command = plan
  variables {
    storage_capacity_gib = 3000
  }
  expect_failures = [var.storage_capacity_gib]
}

run "rejects_throughput_300" {
  command = plan
  variables {
    per_unit_storage_throughput = 300
  }
  expect_failures = [var.per_unit_storage_throughput]
}

run "rejects_throughput_with_scratch" {
  command = plan
  variables {
    deployment_type              = "SCRATCH_2"
    storage_capacity_gib         = 1200
    data_repository_associations = {}
  }
  expect_failures = [var.per_unit_storage_throughput]
}

run "rejects_persistent_without_throughput" {
  command = plan
  variables {
    per_unit_storage_throughput = null
  }
  expect_failures = [var.per_unit_storage_throughput]
}

run "rejects_bad_iops_dra_count_and_subnet" {
  command = plan
  variables {
    # rejects_metadata_iops_5000
    metadata_configuration = { mode = "USER_PROVISIONED", iops = 5000 }
    # rejects_more_than_8_associations
    data_repository_associations = { for i in range(9) : "dra${i}" => {
      file_system_path     = "/data${i}"
      data_repository_path = "s3://llm-prod-storage-111111111111-datasets/${i}/"
    } }
    # rejects_bad_subnet_id
    subnet_id = "subnet-xyz"
  }
  expect_failures = [
    var.metadata_configuration,       # rejects_metadata_iops_5000
    var.data_repository_associations, # rejects_more_than_8_associations
    var.subnet_id,                    # rejects_bad_subnet_id
  ]
}

run "rejects_bad_iops_dra_path_and_name" {
  command = plan
  variables {
    # rejects_metadata_iops_above_192000
    metadata_configuration = { mode = "USER_PROVISIONED", iops = 204000 }
    # rejects_trailing_slash_in_file_system_path
    data_repository_associations = {
      datasets = {
        file_system_path     = "/datasets/"
        data_repository_path = "s3://llm-prod-storage-111111111111-datasets/"
      }
    }
    # rejects_bad_name
    name = "llm_prod_storage"
  }
  expect_failures = [
    var.metadata_configuration,       # rejects_metadata_iops_above_192000
    var.data_repository_associations, # rejects_trailing_slash_in_file_system_path
    var.name,                         # rejects_bad_name
  ]
}

run "rejects_missing_iops_nested_dras_and_log_retention" {
  command = plan
  variables {
    # rejects_user_provisioned_without_iops
    metadata_configuration = { mode = "USER_PROVISIONED" }
    # rejects_nested_file_system_paths
    data_repository_associations = {
      datasets = {
        file_system_path     = "/data"
        data_repository_path = "s3://llm-prod-storage-111111111111-datasets/"
      }
      nested = {
        file_system_path     = "/data/nested"
        data_repository_path = "s3://llm-prod-storage-111111111111-datasets/nested/"
      }
    }
    # rejects_unsupported_log_retention
    log_retention_days = 42
  }
  expect_failures = [
    var.metadata_configuration,       # rejects_user_provisioned_without_iops
    var.data_repository_associations, # rejects_nested_file_system_paths
    var.log_retention_days,           # rejects_unsupported_log_retention
  ]
}

run "rejects_stray_iops_relative_dra_and_compression" {
  command = plan
  variables {
    # rejects_automatic_with_iops
    metadata_configuration = { mode = "AUTOMATIC", iops = 12000 }
    # rejects_dra_relative_file_system_path
    data_repository_associations = {
      datasets = { file_system_path = "datasets", data_repository_path = "s3://llm-prod-storage-111111111111-datasets/" }
    }
    # rejects_bad_compression
    data_compression_type = "GZIP"
  }
  expect_failures = [
    var.metadata_configuration,       # rejects_automatic_with_iops
    var.data_repository_associations, # rejects_dra_relative_file_system_path
    var.data_compression_type,        # rejects_bad_compression
  ]
}

run "rejects_bad_metadata_mode_non_s3_dra_and_root_squash" {
  command = plan
  variables {
    # rejects_unknown_metadata_mode
    metadata_configuration = { mode = "MANUAL" }
    # rejects_dra_non_s3_repository
    data_repository_associations = {
      datasets = { file_system_path = "/datasets", data_repository_path = "https://llm-prod-storage-111111111111-datasets.s3.amazonaws.com/" }
    }
    # rejects_bad_root_squash
    root_squash = "root"
  }
  expect_failures = [
    var.metadata_configuration,       # rejects_unknown_metadata_mode
    var.data_repository_associations, # rejects_dra_non_s3_repository
    var.root_squash,                  # rejects_bad_root_squash
  ]
}

run "rejects_bad_dra_events_maintenance_time_and_kms_key" {
  command = plan
  variables {
    # rejects_dra_unknown_event
    data_repository_associations = {
      datasets = { file_system_path = "/datasets", data_repository_path = "s3://llm-prod-storage-111111111111-datasets/", import_events = ["NEW", "MODIFIED"] }
    }
    # rejects_bad_weekly_maintenance_time
    weekly_maintenance_start_time = "8:04:00"
    # rejects_kms_alias_instead_of_key_arn
    kms_key_arn = "arn:aws:kms:us-east-1:111111111111:alias/llm-prod"
  }
  expect_failures = [
    var.data_repository_associations,  # rejects_dra_unknown_event
    var.weekly_maintenance_start_time, # rejects_bad_weekly_maintenance_time
    var.kms_key_arn,                   # rejects_kms_alias_instead_of_key_arn
  ]
}

run "rejects_overlapping_dras_and_backup_retention" {
  command = plan
  variables {
    # rejects_dra_overlapping_paths
    data_repository_associations = {
      data = { file_system_path = "/data", data_repository_path = "s3://llm-prod-storage-111111111111-datasets/" }
      sub  = { file_system_path = "/data/sub", data_repository_path = "s3://llm-prod-storage-111111111111-checkpoints/" }
    }
    # rejects_backup_retention_91
    automatic_backup_retention_days = 91
  }
  expect_failures = [
    var.data_repository_associations,    # rejects_dra_overlapping_paths
    var.automatic_backup_retention_days, # rejects_backup_retention_91
  ]
}

run "rejects_bad_dra_chunk_size_and_backup_time" {
  command = plan
  variables {
    # rejects_dra_chunk_size
    data_repository_associations = {
      datasets = { file_system_path = "/datasets", data_repository_path = "s3://llm-prod-storage-111111111111-datasets/", imported_file_chunk_size_mib = 600000 }
    }
    # rejects_bad_daily_backup_time
    daily_automatic_backup_start_time = "25:00"
  }
  expect_failures = [
    var.data_repository_associations,      # rejects_dra_chunk_size
    var.daily_automatic_backup_start_time, # rejects_bad_daily_backup_time
  ]
}

run "rejects_bad_deployment_type_and_security_group" {
  command = plan
  variables {
    # rejects_unknown_deployment_type
    deployment_type = "PERSISTENT_1"
    # rejects_bad_security_group_id
    security_group_ids = ["default"]
  }
  expect_failures = [
    var.deployment_type,    # rejects_unknown_deployment_type
    var.security_group_ids, # rejects_bad_security_group_id
  ]
}
run "rejects_efa_with_scratch" {
  command = plan
  variables {
    deployment_type              = "SCRATCH_2"
    per_unit_storage_throughput  = null
    storage_capacity_gib         = 38400
    efa_enabled                  = true
    data_repository_associations = {}
  }
  expect_failures = [var.efa_enabled]
}

run "rejects_efa_without_metadata_configuration" {
  command = plan
  variables {
    storage_capacity_gib   = 19200
    efa_enabled            = true
    metadata_configuration = null
  }
  expect_failures = [var.efa_enabled]
}

run "rejects_efa_capacity_4800_at_250" {
  command = plan
  variables {
    storage_capacity_gib = 4800
    efa_enabled          = true
  }
  expect_failures = [var.storage_capacity_gib]
}

run "rejects_user_provisioned_iops_below_automatic_level" {
  command = plan
  variables {
    # 9600 GiB: AUTOMATIC mode gives 6000 metadata IOPS, so 3000 is below the floor (FSX-019).
    metadata_configuration = { mode = "USER_PROVISIONED", iops = 3000 }
  }
  expect_failures = [var.storage_capacity_gib]
}

run "accepts_user_provisioned_iops_at_automatic_level" {
  command = plan
  variables {
    metadata_configuration = { mode = "USER_PROVISIONED", iops = 6000 }
  }
  assert {
    condition     = aws_fsx_lustre_file_system.protected[0].metadata_configuration[0].iops == 6000
    error_message = "6000 IOPS at 9600 GiB is the AUTOMATIC level and allowed."
  }
}

run "accepts_log_retention_0" {
  command = plan
  variables {
    log_retention_days = 0
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 0
    error_message = "0 (never expire) is a CloudWatch Logs retention value."
  }
}

run "rejects_user_provisioned_metadata_with_scratch" {
  command = plan
  variables {
    deployment_type              = "SCRATCH_2"
    per_unit_storage_throughput  = null
    metadata_configuration       = { mode = "USER_PROVISIONED", iops = 1500 }
    data_repository_associations = {}
  }
  expect_failures = [var.metadata_configuration]
}

run "rejects_lustre_2_12_with_metadata_configuration" {
  command = plan
  variables {
    file_system_type_version = "2.12"
  }
  expect_failures = [var.file_system_type_version]
}

run "rejects_dra_with_scratch" {
  command = plan
  variables {
    deployment_type             = "SCRATCH_2"
    per_unit_storage_throughput = null
  }
  expect_failures = [var.data_repository_associations]
}

run "rejects_missing_vpc_for_own_security_group" {
  command = plan
  variables {
    security_group_ids = []
  }
  expect_failures = [var.vpc_id]
}

run "rejects_maintenance_overlapping_backup" {
  command = plan
  variables {
    weekly_maintenance_start_time = "1:03:00"
  }
  expect_failures = [var.weekly_maintenance_start_time]
}

run "rejects_no_squash_nids_without_root_squash" {
  command = plan
  variables {
    no_squash_nids = ["10.0.1.6@tcp"]
  }
  expect_failures = [var.no_squash_nids]
}


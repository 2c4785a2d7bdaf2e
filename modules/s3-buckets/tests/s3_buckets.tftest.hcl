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
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::llm-prod-storage-111111111111-datasets\",\"arn:aws:s3:::llm-prod-storage-111111111111-datasets/*\"],\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
      key_id = "0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111111111111:role/llm-prod-storage-111111111111-s3-replication"
    }
  }
}

mock_provider "aws" {
  alias           = "replica"
  override_during = plan

  mock_data "aws_region" {
    defaults = {
      id   = "us-east-2"
      name = "us-east-2"
    }
  }

  # The replica key (modules/kms-key under aws.replica) reads the account and its policy document here.
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

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-2:111111111111:key/7d1e6c3a-2222-4b1f-8e2d-3c4b5a6f7e80"
      key_id = "7d1e6c3a-2222-4b1f-8e2d-3c4b5a6f7e80"
    }
  }
}

variables {
  name = "llm-prod-storage-111111111111"
}

################################################################################
# Successful plans
################################################################################

run "defaults_without_replication" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket.protected) == 3 && length(aws_s3_bucket.this) == 0
    error_message = "prevent_destroy = true (default) must create only protected data buckets."
  }

  assert {
    condition = output.bucket_names == tomap({
      artifacts   = "llm-prod-storage-111111111111-artifacts"
      checkpoints = "llm-prod-storage-111111111111-checkpoints"
      datasets    = "llm-prod-storage-111111111111-datasets"
    })
    error_message = "bucket names must be <name>-<key>."
  }

  assert {
    condition     = alltrue([for b in aws_s3_bucket.protected : b.force_destroy == false])
    error_message = "data buckets never use force_destroy."
  }

  assert {
    condition     = aws_s3_bucket.access_logs.bucket == "llm-prod-storage-111111111111-access-logs" && output.access_log_bucket_name == "llm-prod-storage-111111111111-access-logs"
    error_message = "the access-log bucket is <name>-access-logs."
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this : v.versioning_configuration[0].status == "Enabled"]) && aws_s3_bucket_versioning.access_logs.versioning_configuration[0].status == "Enabled"
    error_message = "every bucket is versioned."
  }

  assert {
    condition = alltrue([
      for e in aws_s3_bucket_server_side_encryption_configuration.this :
      one(e.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(e.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00" &&
      one(e.rule).bucket_key_enabled
    ])
    error_message = "data buckets use SSE-KMS with the module key and bucket keys."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.access_logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "the access-log bucket must use SSE-S3 (server access logging does not support SSE-KMS)."
  }

  assert {
    condition     = module.kms[0].enable_key_rotation && module.kms[0].alias_name == "alias/llm-prod-storage-111111111111-s3"
    error_message = "the module key rotates and is aliased alias/<name>-s3."
  }

  assert {
    condition = alltrue([
      for p in concat(values(aws_s3_bucket_public_access_block.this), [aws_s3_bucket_public_access_block.access_logs]) :
      p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets
    ])
    error_message = "all four public access block settings are on for every bucket."
  }

  assert {
    condition     = alltrue([for o in concat(values(aws_s3_bucket_ownership_controls.this), [aws_s3_bucket_ownership_controls.access_logs]) : o.rule[0].object_ownership == "BucketOwnerEnforced"])
    error_message = "ACLs are disabled (BucketOwnerEnforced) everywhere."
  }

  assert {
    condition     = aws_s3_bucket_logging.this["datasets"].target_prefix == "datasets/" && aws_s3_bucket_logging.this["checkpoints"].target_prefix == "checkpoints/"
    error_message = "each data bucket logs under its own prefix."
  }

  assert {
    condition     = alltrue([for n in aws_s3_bucket_notification.this : n.eventbridge]) && length(aws_s3_bucket_notification.this) == 3
    error_message = "EventBridge notifications are on for every data bucket."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this["datasets"].rule : [one(r.transition).days, one(r.transition).storage_class] if r.id == "intelligent-tiering"] == [[0, "INTELLIGENT_TIERING"]]
    error_message = "datasets moves to Intelligent-Tiering on day 0."
  }

  assert {
    condition     = length([for r in aws_s3_bucket_lifecycle_configuration.this["checkpoints"].rule : r if r.id == "intelligent-tiering"]) == 0
    error_message = "checkpoints has no Intelligent-Tiering rule."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this["checkpoints"].rule : r.noncurrent_version_expiration[0].noncurrent_days if r.id == "expire-noncurrent-versions"] == [30]
    error_message = "noncurrent versions expire after 30 days by default."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this["artifacts"].rule : r.abort_incomplete_multipart_upload[0].days_after_initiation if r.id == "abort-incomplete-multipart-uploads"] == [7]
    error_message = "incomplete multipart uploads are aborted after 7 days."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.access_logs.rule).expiration[0].days == 365
    error_message = "access logs expire after 365 days."
  }

  assert {
    condition     = length(aws_s3_bucket_replication_configuration.this) == 0 && length(module.replica_kms) == 0 && length(aws_iam_role.replication) == 0 && length(aws_s3_bucket.replica) + length(aws_s3_bucket.replica_protected) == 0
    error_message = "nothing of replication exists when it is disabled."
  }

  assert {
    condition     = output.replica_bucket_arns == tomap({}) && output.replica_kms_key_arn == null && output.replication_role_arn == null
    error_message = "replication outputs are empty/null when disabled."
  }
}

run "replication_to_us_east_2" {
  command = plan

  variables {
    replication = { enabled = true, destination_region = "us-east-2" }
    buckets = {
      datasets    = { intelligent_tiering = true }
      checkpoints = { noncurrent_version_expiration_days = 14 }
      artifacts   = {}
      scratch     = { replicate = false }
    }
  }

  assert {
    condition     = length(aws_s3_bucket_replication_configuration.this) == 3 && !contains(keys(aws_s3_bucket_replication_configuration.this), "scratch")
    error_message = "only buckets with replicate = true are replicated."
  }

  assert {
    condition     = toset([for b in aws_s3_bucket.replica_protected : b.bucket]) == toset(["llm-prod-storage-111111111111-datasets-replica", "llm-prod-storage-111111111111-checkpoints-replica", "llm-prod-storage-111111111111-artifacts-replica"]) && length(aws_s3_bucket.replica) == 0
    error_message = "replica buckets are <name>-<key>-replica and protected."
  }

  assert {
    condition = alltrue([
      for c in aws_s3_bucket_replication_configuration.this :
      c.rule[0].status == "Enabled" &&
      c.rule[0].delete_marker_replication[0].status == "Enabled" &&
      c.rule[0].source_selection_criteria[0].sse_kms_encrypted_objects[0].status == "Enabled" &&
      c.rule[0].destination[0].encryption_configuration[0].replica_kms_key_id == "arn:aws:kms:us-east-2:111111111111:key/7d1e6c3a-2222-4b1f-8e2d-3c4b5a6f7e80" &&
      c.role == "arn:aws:iam::111111111111:role/llm-prod-storage-111111111111-s3-replication"
    ])
    error_message = "replication rules: enabled, delete markers, SSE-KMS objects, replica key, module role."
  }

  assert {
    condition     = module.replica_kms[0].alias_name == "alias/llm-prod-storage-111111111111-s3-replica" && module.replica_kms[0].enable_key_rotation
    error_message = "the replica key rotates and is aliased alias/<name>-s3-replica."
  }

  assert {
    condition     = alltrue([for e in aws_s3_bucket_server_side_encryption_configuration.replica : one(e.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == module.replica_kms[0].key_arn && one(e.rule).bucket_key_enabled])
    error_message = "replicas use SSE-KMS with the replica-region key."
  }

  assert {
    condition     = alltrue([for p in aws_s3_bucket_public_access_block.replica : p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets]) && length(aws_s3_bucket_policy.replica) == 3
    error_message = "replicas block public access and carry the TLS-only policy."
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.replica["checkpoints"].rule : r.noncurrent_version_expiration[0].noncurrent_days if r.id == "expire-noncurrent-versions"] == [14]
    error_message = "replica noncurrent versions follow the source bucket's setting."
  }

  assert {
    condition     = aws_iam_role.replication[0].name == "llm-prod-storage-111111111111-s3-replication"
    error_message = "the replication role has a stable name."
  }

  assert {
    condition     = length(output.replica_bucket_arns) == 3 && output.replica_kms_key_arn == "arn:aws:kms:us-east-2:111111111111:key/7d1e6c3a-2222-4b1f-8e2d-3c4b5a6f7e80" && output.replication_role_arn == "arn:aws:iam::111111111111:role/llm-prod-storage-111111111111-s3-replication"
    error_message = "replication outputs are populated when enabled."
  }
}

run "unprotected_dev_with_given_key" {
  command = plan

  variables {
    name                      = "llm-dev-storage-111111111111"
    prevent_destroy           = false
    eventbridge_notifications = false
    kms_key_arn               = "arn:aws:kms:us-east-1:111111111111:key/22222222-3333-4444-5555-6666aaaabbbb"
  }

  assert {
    condition     = length(aws_s3_bucket.this) == 3 && length(aws_s3_bucket.protected) == 0
    error_message = "prevent_destroy = false must create only unprotected data buckets."
  }

  assert {
    condition     = length(module.kms) == 0 && output.kms_key_arn == "arn:aws:kms:us-east-1:111111111111:key/22222222-3333-4444-5555-6666aaaabbbb"
    error_message = "a passed key is used and no key is created."
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this) == 0 && length(aws_s3_bucket_notification.access_logs) == 0
    error_message = "no notification configuration is managed when eventbridge_notifications is false."
  }

  assert {
    condition     = output.bucket_names["datasets"] == "llm-dev-storage-111111111111-datasets"
    error_message = "outputs must come from the unprotected buckets."
  }
}

run "extra_key_policy_statements" {
  command = plan

  variables {
    kms_key_policy_statements = [
      {
        sid        = "AllowFSxS3AccessRolesOfLinkedBuckets"
        actions    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        principals = [{ type = "AWS", identifiers = ["*"] }]
        conditions = [
          { test = "ArnLike", variable = "aws:PrincipalArn", values = ["arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*"] },
          { test = "StringEquals", variable = "kms:ViaService", values = ["s3.us-east-1.amazonaws.com"] },
        ]
      },
      {
        sid        = "AllowAuditRole"
        actions    = ["kms:DescribeKey"]
        principals = [{ type = "AWS", identifiers = ["arn:aws:iam::111111111111:role/audit"] }]
      },
    ]
  }

  assert {
    condition = [for s in module.kms[0].statements : s.sid] == [
      "AccountAdministersKey", "AllowS3UseThroughService", "AllowFSxS3AccessRolesOfLinkedBuckets", "AllowAuditRole",
    ]
    error_message = "extra statements are appended, in order, to the one policy of the module's key."
  }

  assert {
    condition = anytrue([
      for s in module.kms[0].statements :
      s.sid == "AllowFSxS3AccessRolesOfLinkedBuckets" && s.effect == "Allow" && toset(s.resources) == toset(["*"]) &&
      toset(s.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey*"]) &&
      toset([for p in s.principals : "${p.type}=${join(",", p.identifiers)}"]) == toset(["AWS=*"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
        "ArnLike aws:PrincipalArn arn:aws:iam::111111111111:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*",
        "StringEquals kms:ViaService s3.us-east-1.amazonaws.com",
      ])
    ])
    error_message = "an extra statement keeps its effect (default Allow), actions, resources (default \"*\"), principals and conditions."
  }

  assert {
    condition     = anytrue([for s in module.kms[0].statements : s.sid == "AllowAuditRole" && length(s.condition) == 0])
    error_message = "conditions default to none."
  }
}

################################################################################
# Validations
################################################################################

run "rejects_bad_bucket_key_characters_and_statement_sid" {
  command = plan
  variables {
    # rejects_bad_bucket_key_characters
    buckets = { "Training_Data" = {} }
    # rejects_key_policy_statement_bad_sid
    kms_key_policy_statements = [{ sid = "fsx-access", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.buckets,                   # rejects_bad_bucket_key_characters
    var.kms_key_policy_statements, # rejects_key_policy_statement_bad_sid
  ]
}

run "rejects_reserved_bucket_key_and_module_sid" {
  command = plan
  variables {
    # rejects_reserved_bucket_key
    buckets = { "access-logs" = {} }
    # rejects_key_policy_statement_reusing_module_sid
    kms_key_policy_statements = [{ sid = "AccountAdministersKey", actions = ["kms:*"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.buckets,                   # rejects_reserved_bucket_key
    var.kms_key_policy_statements, # rejects_key_policy_statement_reusing_module_sid
  ]
}

run "rejects_replica_suffix_key_and_duplicate_sid" {
  command = plan
  variables {
    # rejects_replica_suffix_key
    buckets = { "datasets-replica" = {} }
    # rejects_key_policy_statement_duplicate_sid
    kms_key_policy_statements = [
      { sid = "Extra", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] },
      { sid = "Extra", actions = ["kms:Encrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] },
    ]
  }
  expect_failures = [
    var.buckets,                   # rejects_replica_suffix_key
    var.kms_key_policy_statements, # rejects_key_policy_statement_duplicate_sid
  ]
}

run "rejects_empty_buckets_and_bad_effect" {
  command = plan
  variables {
    # rejects_empty_buckets
    buckets = {}
    # rejects_key_policy_statement_bad_effect
    kms_key_policy_statements = [{ sid = "Extra", effect = "allow", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.buckets,                   # rejects_empty_buckets
    var.kms_key_policy_statements, # rejects_key_policy_statement_bad_effect
  ]
}

run "rejects_bad_noncurrent_days_and_non_kms_action" {
  command = plan
  variables {
    # rejects_noncurrent_days_zero
    buckets = { datasets = { noncurrent_version_expiration_days = 0 } }
    # rejects_key_policy_statement_non_kms_action
    kms_key_policy_statements = [{ sid = "Extra", actions = ["s3:GetObject"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.buckets,                   # rejects_noncurrent_days_zero
    var.kms_key_policy_statements, # rejects_key_policy_statement_non_kms_action
  ]
}

run "rejects_bad_name_replication_region_and_no_actions" {
  command = plan
  variables {
    # rejects_replication_without_region
    replication = { enabled = true }
    # rejects_uppercase_name
    name = "LLM-prod-storage"
    # rejects_key_policy_statement_without_actions
    kms_key_policy_statements = [{ sid = "Extra", actions = [], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.replication,               # rejects_replication_without_region
    var.name,                      # rejects_uppercase_name
    var.kms_key_policy_statements, # rejects_key_policy_statement_without_actions
  ]
}

run "rejects_long_name_bad_replica_region_and_other_resource" {
  command = plan
  variables {
    # rejects_bad_destination_region
    replication = { enabled = true, destination_region = "Ohio" }
    # rejects_name_over_49
    name = "llm-production-storage-111111111111-eu-central-1xy"
    # rejects_key_policy_statement_other_resource
    kms_key_policy_statements = [{ sid = "Extra", actions = ["kms:Decrypt"], resources = ["arn:aws:s3:::bucket"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.replication,               # rejects_bad_destination_region
    var.name,                      # rejects_name_over_49
    var.kms_key_policy_statements, # rejects_key_policy_statement_other_resource
  ]
}

run "rejects_reserved_name_prefix_and_no_principal" {
  command = plan
  variables {
    # rejects_reserved_name_prefix
    name = "xn--llm-storage"
    # rejects_key_policy_statement_without_principal
    kms_key_policy_statements = [{ sid = "Extra", actions = ["kms:Decrypt"], principals = [] }]
  }
  expect_failures = [
    var.name,                      # rejects_reserved_name_prefix
    var.kms_key_policy_statements, # rejects_key_policy_statement_without_principal
  ]
}

run "rejects_bad_log_retention_and_principal_type" {
  command = plan
  variables {
    # rejects_access_log_retention_zero
    access_log_retention_days = 0
    # rejects_key_policy_statement_bad_principal_type
    kms_key_policy_statements = [{ sid = "Extra", actions = ["kms:Decrypt"], principals = [{ type = "Role", identifiers = ["x"] }] }]
  }
  expect_failures = [
    var.access_log_retention_days, # rejects_access_log_retention_zero
    var.kms_key_policy_statements, # rejects_key_policy_statement_bad_principal_type
  ]
}

run "rejects_bad_multipart_days_and_empty_condition" {
  command = plan
  variables {
    # rejects_abort_multipart_zero
    abort_incomplete_multipart_days = 0
    # rejects_key_policy_statement_condition_without_values
    kms_key_policy_statements = [{
      sid        = "Extra"
      actions    = ["kms:Decrypt"]
      principals = [{ type = "AWS", identifiers = ["*"] }]
      conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = [] }]
    }]
  }
  expect_failures = [
    var.abort_incomplete_multipart_days, # rejects_abort_multipart_zero
    var.kms_key_policy_statements,       # rejects_key_policy_statement_condition_without_values
  ]
}
run "rejects_bucket_name_over_63" {
  command = plan
  variables {
    buckets = { "very-long-bucket-key-for-datasets-v2" = {} }
  }
  expect_failures = [var.buckets]
}

run "rejects_replica_name_over_63" {
  command = plan
  variables {
    replication = { enabled = true, destination_region = "us-east-2" }
    buckets     = { "tokenized-corpus-2025-v1-clean" = {} }
  }
  expect_failures = [var.buckets]
}

run "rejects_reserved_suffix" {
  command = plan
  variables {
    buckets = { "data-s3alias" = {} }
  }
  expect_failures = [var.buckets]
}

run "rejects_kms_alias" {
  command = plan
  variables {
    kms_key_arn = "alias/llm-prod-s3"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_key_policy_statements_with_given_key" {
  command = plan
  variables {
    kms_key_arn               = "arn:aws:kms:us-east-1:111111111111:key/22222222-3333-4444-5555-6666aaaabbbb"
    kms_key_policy_statements = [{ sid = "Extra", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [var.kms_key_policy_statements]
}

run "rejects_replica_provider_in_wrong_region" {
  command = plan
  variables {
    replication = { enabled = true, destination_region = "eu-west-1" }
  }
  # the aws.replica mock reports us-east-2
  expect_failures = [data.aws_region.replica]
}

run "rejects_same_region_replication" {
  command = plan
  variables {
    replication = { enabled = true, destination_region = "us-east-1" }
  }
  # both preconditions fail: the aws.replica mock is in us-east-2 and the source is us-east-1
  expect_failures = [data.aws_region.replica]
}

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
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
      key_id = "0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    }
  }
}

variables {
  description = "S3 data buckets of llm-test-storage"
  alias       = "llm-test-storage-s3"
}

run "defaults_one_admin_statement" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30 && aws_kms_alias.this.name == "alias/llm-test-storage-s3"
    error_message = "Rotation on, 30 days deletion window, alias/<alias>."
  }

  assert {
    condition = [for s in output.statements : s.sid] == ["AccountAdministersKey"] && alltrue([
      for s in output.statements : toset(s.actions) == toset(["kms:*"]) && toset(s.resources) == toset(["*"]) &&
      toset([for p in s.principals : "${p.type}=${join(",", p.identifiers)}"]) == toset(["AWS=arn:aws:iam::111111111111:root"])
    ])
    error_message = "Without other inputs the policy is the account root administering the key."
  }
}

run "statements_in_document_order" {
  command = plan

  variables {
    account_admin_sid = "EnableIAMPoliciesAndRootAdministration"
    use_through_service = [{
      sid      = "AllowFSxUseThroughService"
      services = ["fsx.us-east-1.amazonaws.com"]
      actions  = ["kms:CreateGrant", "kms:Decrypt"]
    }]
    log_group_arns = ["arn:aws:logs:us-east-1:111111111111:log-group:/aws/fsx/llm-test"]
    log_groups_sid = "AllowCloudWatchLogsForLustreLogGroup"
    policy_statements = [{
      sid        = "AllowAuditRole"
      actions    = ["kms:DescribeKey"]
      principals = [{ type = "AWS", identifiers = ["arn:aws:iam::111111111111:role/audit"] }]
    }]
    tags                    = { Name = "llm-test" }
    deletion_window_in_days = 7
  }

  assert {
    condition     = [for s in output.statements : s.sid] == ["EnableIAMPoliciesAndRootAdministration", "AllowFSxUseThroughService", "AllowCloudWatchLogsForLustreLogGroup", "AllowAuditRole"]
    error_message = "Admin, service grants, log groups, then extra statements."
  }

  assert {
    condition = anytrue([
      for s in output.statements :
      s.sid == "AllowFSxUseThroughService" && toset(s.actions) == toset(["kms:CreateGrant", "kms:Decrypt"]) &&
      toset([for p in s.principals : "${p.type}=${join(",", p.identifiers)}"]) == toset(["AWS=arn:aws:iam::111111111111:root"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
        "StringEquals kms:ViaService fsx.us-east-1.amazonaws.com",
        "StringEquals kms:CallerAccount 111111111111",
      ])
    ])
    error_message = "A service grant is the account root with kms:ViaService and kms:CallerAccount."
  }

  assert {
    condition = anytrue([
      for s in output.statements :
      s.sid == "AllowCloudWatchLogsForLustreLogGroup" &&
      toset([for p in s.principals : "${p.type}=${join(",", p.identifiers)}"]) == toset(["Service=logs.us-east-1.amazonaws.com"]) &&
      toset([for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
        "ArnEquals kms:EncryptionContext:aws:logs:arn arn:aws:logs:us-east-1:111111111111:log-group:/aws/fsx/llm-test",
      ])
    ])
    error_message = "The logs statement is for the region's CloudWatch Logs, limited to the named log groups."
  }

  assert {
    condition     = anytrue([for s in output.statements : s.sid == "AllowAuditRole" && s.effect == "Allow" && toset(s.resources) == toset(["*"]) && length(s.condition) == 0])
    error_message = "Extra statements default to Allow, resources [\"*\"], no conditions."
  }

  assert {
    condition     = aws_kms_key.this.tags == tomap({ Name = "llm-test" }) && aws_kms_key.this.deletion_window_in_days == 7
    error_message = "Tags and the deletion window are passed through."
  }
}

################################################################################
# Validations
################################################################################

run "rejects_bad_alias_prefix_and_statement_sid" {
  command = plan
  variables {
    # rejects_alias_with_prefix
    alias = "alias/llm-test"
    # rejects_bad_statement_sid
    policy_statements = [{ sid = "a-b", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.alias,             # rejects_alias_with_prefix
    var.policy_statements, # rejects_bad_statement_sid
  ]
}

run "rejects_aws_alias_and_bad_statement_effect" {
  command = plan
  variables {
    # rejects_aws_alias
    alias = "aws/s3"
    # rejects_bad_statement_effect
    policy_statements = [{ sid = "A", effect = "allow", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.alias,             # rejects_aws_alias
    var.policy_statements, # rejects_bad_statement_effect
  ]
}

run "rejects_empty_description_and_bad_statement_action" {
  command = plan
  variables {
    # rejects_empty_description
    description = ""
    # rejects_bad_statement_action
    policy_statements = [{ sid = "A", actions = ["s3:*"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.description,       # rejects_empty_description
    var.policy_statements, # rejects_bad_statement_action
  ]
}

run "rejects_short_deletion_window_and_statement_resource" {
  command = plan
  variables {
    # rejects_short_deletion_window
    deletion_window_in_days = 6
    # rejects_statement_resource
    policy_statements = [{ sid = "A", actions = ["kms:Decrypt"], resources = ["arn:aws:kms:us-east-1:111111111111:key/x"], principals = [{ type = "AWS", identifiers = ["*"] }] }]
  }
  expect_failures = [
    var.deletion_window_in_days, # rejects_short_deletion_window
    var.policy_statements,       # rejects_statement_resource
  ]
}

run "rejects_bad_admin_and_grant_sids" {
  command = plan
  variables {
    # rejects_bad_admin_sid
    account_admin_sid = "Account-Admin"
    # rejects_bad_grant_sid
    use_through_service = [{ sid = "a b", services = ["s3.us-east-1.amazonaws.com"], actions = ["kms:Decrypt"] }]
  }
  expect_failures = [
    var.account_admin_sid,   # rejects_bad_admin_sid
    var.use_through_service, # rejects_bad_grant_sid
  ]
}

run "rejects_bad_grant_service_and_log_group_arn" {
  command = plan
  variables {
    # rejects_bad_grant_service
    use_through_service = [{ sid = "S3", services = ["s3"], actions = ["kms:Decrypt"] }]
    # rejects_log_group_arn_with_star
    log_group_arns = ["arn:aws:logs:us-east-1:111111111111:log-group:/aws/fsx/x:*"]
  }
  expect_failures = [
    var.use_through_service, # rejects_bad_grant_service
    var.log_group_arns,      # rejects_log_group_arn_with_star
  ]
}

run "rejects_bad_grant_action_and_log_groups_sid" {
  command = plan
  variables {
    # rejects_bad_grant_action
    use_through_service = [{ sid = "S3", services = ["s3.us-east-1.amazonaws.com"], actions = ["s3:GetObject"] }]
    # rejects_bad_log_groups_sid
    log_groups_sid = ""
  }
  expect_failures = [
    var.use_through_service, # rejects_bad_grant_action
    var.log_groups_sid,      # rejects_bad_log_groups_sid
  ]
}
run "rejects_statement_without_principals" {
  command = plan
  variables { policy_statements = [{ sid = "A", actions = ["kms:Decrypt"], principals = [] }] }
  expect_failures = [var.policy_statements]
}

run "rejects_bad_statement_condition" {
  command = plan
  variables { policy_statements = [{ sid = "A", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }], conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = [] }] }] }
  expect_failures = [var.policy_statements]
}

run "rejects_duplicate_sids_across_inputs" {
  command = plan
  variables { policy_statements = [{ sid = "AccountAdministersKey", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }] }
  expect_failures = [var.policy_statements]
}

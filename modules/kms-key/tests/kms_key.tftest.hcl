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

run "rejects_empty_description" {
  command = plan
  variables { description = "" }
  expect_failures = [var.description]
}

run "rejects_alias_with_prefix" {
  command = plan
  variables { alias = "alias/llm-test" }
  expect_failures = [var.alias]
}

run "rejects_aws_alias" {
  command = plan
  variables { alias = "aws/s3" }
  expect_failures = [var.alias]
}

run "rejects_short_deletion_window" {
  command = plan
  variables { deletion_window_in_days = 6 }
  expect_failures = [var.deletion_window_in_days]
}

run "rejects_bad_admin_sid" {
  command = plan
  variables { account_admin_sid = "Account-Admin" }
  expect_failures = [var.account_admin_sid]
}

run "rejects_bad_grant_sid" {
  command = plan
  variables { use_through_service = [{ sid = "a b", services = ["s3.us-east-1.amazonaws.com"], actions = ["kms:Decrypt"] }] }
  expect_failures = [var.use_through_service]
}

run "rejects_bad_grant_service" {
  command = plan
  variables { use_through_service = [{ sid = "S3", services = ["s3"], actions = ["kms:Decrypt"] }] }
  expect_failures = [var.use_through_service]
}

run "rejects_bad_grant_action" {
  command = plan
  variables { use_through_service = [{ sid = "S3", services = ["s3.us-east-1.amazonaws.com"], actions = ["s3:GetObject"] }] }
  expect_failures = [var.use_through_service]
}

run "rejects_log_group_arn_with_star" {
  command = plan
  variables { log_group_arns = ["arn:aws:logs:us-east-1:111111111111:log-group:/aws/fsx/x:*"] }
  expect_failures = [var.log_group_arns]
}

run "rejects_bad_log_groups_sid" {
  command = plan
  variables { log_groups_sid = "" }
  expect_failures = [var.log_groups_sid]
}

run "rejects_bad_statement_sid" {
  command = plan
  variables { policy_statements = [{ sid = "a-b", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }] }
  expect_failures = [var.policy_statements]
}

run "rejects_bad_statement_effect" {
  command = plan
  variables { policy_statements = [{ sid = "A", effect = "allow", actions = ["kms:Decrypt"], principals = [{ type = "AWS", identifiers = ["*"] }] }] }
  expect_failures = [var.policy_statements]
}

run "rejects_bad_statement_action" {
  command = plan
  variables { policy_statements = [{ sid = "A", actions = ["s3:*"], principals = [{ type = "AWS", identifiers = ["*"] }] }] }
  expect_failures = [var.policy_statements]
}

run "rejects_statement_resource" {
  command = plan
  variables { policy_statements = [{ sid = "A", actions = ["kms:Decrypt"], resources = ["arn:aws:kms:us-east-1:111111111111:key/x"], principals = [{ type = "AWS", identifiers = ["*"] }] }] }
  expect_failures = [var.policy_statements]
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

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
      id   = "us-west-2"
      name = "us-west-2"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-west-2:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
      key_id = "0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-west-2:111111111111:llm-test-observability-alarms"
    }
  }

  mock_resource "aws_prometheus_workspace" {
    defaults = {
      arn                 = "arn:aws:aps:us-west-2:111111111111:workspace/ws-0123"
      id                  = "ws-0123"
      prometheus_endpoint = "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123/"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111111111111:role/llm-test-amg"
    }
  }
}

variables {
  name                             = "llm-test-observability"
  log_retention_days               = 365
  subscriptions                    = [{ protocol = "email", endpoint = "oncall@example.com" }]
  rule_groups                      = { node-health = "groups: []\n" }
  alertmanager_definition_template = "alertmanager_config: |\n  receivers:\n    - name: sns\n      sns_configs:\n        - topic_arn: $${topic_arn}\n          sigv4:\n            region: $${region}\n"
  grafana = {
    enabled           = true
    vpc_id            = "vpc-0123456789abcdef0"
    subnet_ids        = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    role_associations = { ADMIN = { group_ids = ["g-admins"] } }
  }
  fsx = {
    file_system_id       = "fs-0123456789abcdef0"
    storage_capacity_gib = 1200
    throughput_mbps      = 146.5
  }
  budget = { limit_amount = 500 }
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_prometheus_workspace.this[0].kms_key_arn == module.kms.key_arn && aws_prometheus_workspace.this[0].logging_configuration[0].log_group_arn == "arn:aws:logs:us-west-2:111111111111:log-group:/aws/vendedlogs/prometheus/llm-test-observability:*"
    error_message = "The AMP workspace is on the module's key from creation and logs to the vended log group (ARN ending :*)."
  }

  assert {
    condition     = length(aws_prometheus_workspace.protected) == 0 && length(aws_cloudwatch_log_group.protected) == 0 && length(aws_grafana_workspace.protected) == 0
    error_message = "Unprotected twins without prevent_destroy."
  }

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == module.kms.key_arn
    error_message = "The topic is on the customer managed key (alias/aws/sns cannot work for alarms)."
  }

  assert {
    condition     = strcontains(aws_prometheus_alert_manager_definition.this[0].definition, "topic_arn: arn:aws:sns:us-west-2:111111111111:llm-test-observability-alarms") && strcontains(aws_prometheus_alert_manager_definition.this[0].definition, "region: us-west-2")
    error_message = "The alert manager template gets the topic and the region."
  }

  assert {
    condition     = aws_grafana_workspace.this[0].grafana_version == "10.4" && jsondecode(aws_grafana_workspace.this[0].configuration).plugins.pluginAdminEnabled == false && length(aws_grafana_workspace.this[0].vpc_configuration) == 1
    error_message = "Grafana: pinned version, explicit plugin admin setting, in the VPC."
  }

  assert {
    condition     = toset(aws_grafana_workspace.this[0].data_sources) == toset(["PROMETHEUS", "CLOUDWATCH"]) && aws_grafana_role_association.this["ADMIN"].group_ids == toset(["g-admins"])
    error_message = "Grafana reads AMP and CloudWatch; role associations from the input."
  }

  assert {
    condition     = module.alarms.alarm_names == { fsx-free-capacity = "llm-test-observability-fsx-free-capacity" }
    error_message = "One FSx free-capacity alarm."
  }

  assert {
    condition     = output.amp_remote_write_url == "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-0123/api/v1/remote_write"
    error_message = "Remote-write URL is the endpoint plus api/v1/remote_write."
  }

  assert {
    condition     = aws_budgets_budget.this[0].limit_amount == "500.00" && length(aws_budgets_budget.this[0].notification) == 3
    error_message = "Budget in USD with the two actual thresholds and the forecast."
  }
}

run "protected" {
  command = plan

  variables {
    prevent_destroy = true
  }

  assert {
    condition     = length(aws_prometheus_workspace.this) == 0 && length(aws_prometheus_workspace.protected) == 1 && length(aws_cloudwatch_log_group.protected) == 1 && length(aws_grafana_workspace.protected) == 1
    error_message = "prevent_destroy selects the protected twins."
  }
}

run "grafana_off" {
  command = plan

  variables {
    grafana = { enabled = false }
    fsx     = null
    budget  = null
  }

  assert {
    condition     = length(aws_grafana_workspace.this) == 0 && length(aws_iam_role.grafana) == 0 && length(aws_security_group.grafana) == 0 && length(aws_budgets_budget.this) == 0 && module.alarms.alarm_names == {}
    error_message = "Nothing of Grafana, no budget and no FSx alarm when they are off."
  }
}

run "rejects_bad_protocol_authentication_and_budget" {
  command = plan
  variables {
    # rejects_bad_protocol
    subscriptions = [{ protocol = "sms", endpoint = "+15555550100" }]
    # rejects_bad_authentication
    grafana = { enabled = true, authentication_providers = ["OIDC"], prefix_list_ids = ["pl-0123"] }
    # rejects_zero_budget
    budget = { limit_amount = 0 }
  }
  expect_failures = [
    var.subscriptions, # rejects_bad_protocol
    var.grafana,       # rejects_bad_authentication
    var.budget,        # rejects_zero_budget
  ]
}

run "rejects_bad_endpoint_grafana_version_and_time_unit" {
  command = plan
  variables {
    # rejects_bad_endpoint
    subscriptions = [{ protocol = "https", endpoint = "http://hooks.example.com/x" }]
    # rejects_bad_version
    grafana = { enabled = true, version = "11.0", prefix_list_ids = ["pl-0123"] }
    # rejects_bad_time_unit
    budget = { limit_amount = 100, time_unit = "WEEKLY" }
  }
  expect_failures = [
    var.subscriptions, # rejects_bad_endpoint
    var.grafana,       # rejects_bad_version
    var.budget,        # rejects_bad_time_unit
  ]
}

run "rejects_bad_grafana_role_and_thresholds" {
  command = plan
  variables {
    # rejects_bad_role
    grafana = { enabled = true, prefix_list_ids = ["pl-0123"], role_associations = { OWNER = { user_ids = ["u"] } } }
    # rejects_bad_thresholds
    budget = { limit_amount = 100, alert_thresholds_percent = [80, 80] }
  }
  expect_failures = [
    var.grafana, # rejects_bad_role
    var.budget,  # rejects_bad_thresholds
  ]
}

run "rejects_bad_name_and_one_grafana_subnet" {
  command = plan
  variables {
    # rejects_bad_name
    name = "LLM_test"
    # rejects_one_subnet
    grafana = { enabled = true, vpc_id = "vpc-0123456789abcdef0", subnet_ids = ["subnet-0123456789abcdef0"] }
  }
  expect_failures = [
    var.name,    # rejects_bad_name
    var.grafana, # rejects_one_subnet
  ]
}

run "rejects_bad_retention_and_grafana_security_groups" {
  command = plan
  variables {
    # rejects_bad_retention
    log_retention_days = 100
    # rejects_too_many_security_groups
    grafana = { enabled = true, vpc_id = "vpc-0123456789abcdef0", subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], security_group_ids = ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5"] }
  }
  expect_failures = [
    var.log_retention_days, # rejects_bad_retention
    var.grafana,            # rejects_too_many_security_groups
  ]
}

run "rejects_long_alias_and_public_grafana" {
  command = plan
  variables {
    # rejects_long_alias
    amp_alias = "a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789x"
    # rejects_grafana_open_to_the_internet
    grafana = { enabled = true }
  }
  expect_failures = [
    var.amp_alias, # rejects_long_alias
    var.grafana,   # rejects_grafana_open_to_the_internet
  ]
}

run "rejects_bad_rule_group_name_and_saml_without_configuration" {
  command = plan
  variables {
    # rejects_bad_rule_group_name
    rule_groups = { "node health" = "groups: []\n" }
    # rejects_saml_without_its_configuration
    grafana = { enabled = true, authentication_providers = ["SAML"], prefix_list_ids = ["pl-0123"] }
  }
  expect_failures = [
    var.rule_groups, # rejects_bad_rule_group_name
    var.grafana,     # rejects_saml_without_its_configuration
  ]
}

run "rejects_bad_fsx_capacity_percent_and_saml_configuration_without_saml" {
  command = plan
  variables {
    # rejects_bad_free_capacity_percent
    fsx = { file_system_id = "fs-0123456789abcdef0", storage_capacity_gib = 1200, throughput_mbps = 146.5, free_capacity_alarm_percent = 100 }
    # rejects_saml_configuration_without_saml
    grafana = { enabled = true, prefix_list_ids = ["pl-0123"], saml = { idp_metadata_url = "https://idp.example.com/m", role_assertion = "role", editor_role_values = ["e"] } }
  }
  expect_failures = [
    var.fsx,     # rejects_bad_free_capacity_percent
    var.grafana, # rejects_saml_configuration_without_saml
  ]
}
run "rejects_retention_below_minimum" {
  command = plan
  variables {
    log_retention_days     = 30
    min_log_retention_days = 365
  }
  expect_failures = [var.min_log_retention_days]
}

run "saml" {
  command = plan
  variables {
    grafana = {
      enabled                  = true
      authentication_providers = ["SAML"]
      prefix_list_ids          = ["pl-0123"]
      saml = {
        idp_metadata_url        = "https://idp.example.com/app/metadata"
        role_assertion          = "role"
        admin_role_values       = ["grafana-admin"]
        editor_role_values      = ["grafana-editor"]
        allowed_organizations   = ["ml-platform"]
        org_assertion           = "org"
        login_validity_duration = 480
      }
    }
  }

  assert {
    condition     = aws_grafana_workspace_saml_configuration.this[0].idp_metadata_url == "https://idp.example.com/app/metadata" && aws_grafana_workspace_saml_configuration.this[0].idp_metadata_xml == null && aws_grafana_workspace_saml_configuration.this[0].editor_role_values == tolist(["grafana-editor"]) && aws_grafana_workspace_saml_configuration.this[0].login_validity_duration == 480
    error_message = "SAML: the IdP metadata URL, the role values and the login validity from the input."
  }

  assert {
    condition     = aws_grafana_workspace.this[0].authentication_providers == toset(["SAML"]) || aws_grafana_workspace.this[0].authentication_providers == tolist(["SAML"])
    error_message = "The workspace authenticates with SAML."
  }
}

run "sso_has_no_saml_configuration" {
  command = plan

  assert {
    condition     = length(aws_grafana_workspace_saml_configuration.this) == 0
    error_message = "AWS_SSO alone: no SAML configuration."
  }
}

run "rejects_both_metadata_url_and_xml" {
  command = plan
  variables {
    grafana = { enabled = true, authentication_providers = ["SAML"], prefix_list_ids = ["pl-0123"], saml = { idp_metadata_url = "https://idp.example.com/m", idp_metadata_xml = "<EntityDescriptor/>", role_assertion = "role", editor_role_values = ["e"] } }
  }
  expect_failures = [var.grafana]
}

run "rejects_plain_http_metadata_url" {
  command = plan
  variables {
    grafana = { enabled = true, authentication_providers = ["SAML"], prefix_list_ids = ["pl-0123"], saml = { idp_metadata_url = "http://idp.example.com/m", role_assertion = "role", editor_role_values = ["e"] } }
  }
  expect_failures = [var.grafana]
}

run "rejects_saml_without_editor_role_values" {
  command = plan
  variables {
    grafana = { enabled = true, authentication_providers = ["SAML"], prefix_list_ids = ["pl-0123"], saml = { idp_metadata_xml = "<EntityDescriptor/>", role_assertion = "role" } }
  }
  expect_failures = [var.grafana]
}

run "rejects_allowed_organizations_without_org_assertion" {
  command = plan
  variables {
    grafana = { enabled = true, authentication_providers = ["SAML"], prefix_list_ids = ["pl-0123"], saml = { idp_metadata_xml = "<EntityDescriptor/>", role_assertion = "role", editor_role_values = ["e"], allowed_organizations = ["ml"] } }
  }
  expect_failures = [var.grafana]
}

run "rejects_zero_login_validity" {
  command = plan
  variables {
    grafana = { enabled = true, authentication_providers = ["SAML"], prefix_list_ids = ["pl-0123"], saml = { idp_metadata_xml = "<EntityDescriptor/>", role_assertion = "role", editor_role_values = ["e"], login_validity_duration = 0 } }
  }
  expect_failures = [var.grafana]
}

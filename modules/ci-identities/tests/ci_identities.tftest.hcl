# Offline plan tests: `terraform init -backend=false && terraform test` (no AWS account needed).

mock_provider "aws" {
  override_during = plan

  mock_resource "aws_iam_openid_connect_provider" {
    defaults = {
      arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111122223333:role/github-llm-ci"
    }
  }
  mock_resource "aws_iam_policy" {
    defaults = {
      arn = "arn:aws:iam::111122223333:policy/github-llm-boundary"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  github_repository = "example-org/llm-infra"
  environments = {
    dev = {
      state_bucket      = "llm-infra-tfstate-111122223333-us-west-2"
      state_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    }
    prod = {
      state_bucket       = "llm-infra-tfstate-111122223333-us-west-2"
      state_kms_key_arn  = "arn:aws:kms:us-west-2:111122223333:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
      github_environment = "production"
    }
  }
}

run "trust_is_bound_to_audience_and_environment" {
  command = plan

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 1
    error_message = "without oidc_provider_arn the module creates the provider"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ci["prod-apply"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/llm-infra:environment:production"
    error_message = "the apply role trusts only the environment's GitHub environment"
  }
  assert {
    condition     = jsondecode(aws_iam_role.ci["dev-drift"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/llm-infra:environment:dev-plan"
    error_message = "the drift role trusts the plan environment"
  }
  assert {
    condition     = alltrue([for role in aws_iam_role.ci : jsondecode(role.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"])
    error_message = "every role is bound to the sts.amazonaws.com audience"
  }
  assert {
    condition     = alltrue([for role in aws_iam_role.ci : role.max_session_duration == 43200])
    error_message = "sessions last up to 12 hours by default"
  }
  assert {
    condition     = length(aws_iam_role_policy.apply) == 2 && !contains(keys(aws_iam_role_policy.apply), "dev-drift")
    error_message = "only the apply roles can change resources"
  }
  assert {
    condition = alltrue([
      for statement in jsondecode(aws_iam_role_policy.state["dev-drift"].policy).Statement :
      alltrue([for action in flatten([statement.Action]) : contains(["s3:ListBucket", "s3:GetObject", "kms:Decrypt"], action)])
    ])
    error_message = "the drift role's state access is read-only (it runs with -lock=false)"
  }
}

run "existing_provider" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.this) == 0 && output.oidc_provider_arn == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    error_message = "an existing provider is used, not created"
  }
}

run "rejects_bad_repository_namespace_and_environment" {
  command = plan
  variables {
    # bad_repository
    github_repository = "llm-infra"
    # bad_namespace
    namespace = "LLM"
    # bad_environment_name
    environments = {
      Dev = {
        state_bucket      = "llm-infra-tfstate"
        state_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
      }
    }
  }
  expect_failures = [
    var.github_repository, # bad_repository
    var.namespace,         # bad_namespace
    var.environments,      # bad_environment_name
  ]
}

run "rejects_bad_provider_arn_state_key_and_session_duration" {
  command = plan
  variables {
    # bad_provider_arn
    oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/example.com"
    # state_key_alias_is_rejected
    environments = {
      dev = {
        state_bucket      = "llm-infra-tfstate"
        state_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:alias/llm-infra-tfstate"
      }
    }
    # bad_session_duration
    max_session_duration = 900
  }
  expect_failures = [
    var.oidc_provider_arn,    # bad_provider_arn
    var.environments,         # state_key_alias_is_rejected
    var.max_session_duration, # bad_session_duration
  ]
}

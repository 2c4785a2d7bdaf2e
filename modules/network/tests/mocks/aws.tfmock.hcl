# Mocked data sources for the module's terraform tests (mock_provider "aws" { source = "./tests/mocks" }):
# realistic values so that ARNs and policy JSON built from them are well-formed.

mock_data "aws_region" {
  defaults = {
    name        = "us-west-2"
    id          = "us-west-2"
    description = "US West (Oregon)"
  }
}

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "111111111111"
    arn        = "arn:aws:iam::111111111111:user/terraform-test"
    user_id    = "AIDATESTTESTTESTTEST"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition          = "aws"
    dns_suffix         = "amazonaws.com"
    reverse_dns_prefix = "com.amazonaws"
  }
}

mock_data "aws_iam_policy_document" {
  defaults = {
    json          = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    minified_json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_data "aws_vpc" {
  defaults = {
    cidr_block = "10.42.0.0/16"
  }
}

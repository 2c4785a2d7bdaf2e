# The key policy names AWSServiceRoleForAutoScaling only when asked to: KMS rejects a policy whose principal does
# not exist, and the role exists only in accounts that have used EC2 Auto Scaling.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name     = "llm-test-network"
  vpc_cidr = "10.0.0.0/16"
  private_subnets = {
    "usw2-az1" = "10.0.0.0/19"
  }
  nat_gateway_mode = "none"
}

run "default_names_no_service_linked_role" {
  command = plan

  assert {
    condition     = [for s in module.kms[0].statements : s.sid] == ["EnableIAMPoliciesAndRootAdministration", "AllowCloudWatchLogsForTheFlowLogGroup"]
    error_message = "By default the key policy must not name the Auto Scaling service-linked role."
  }
}

run "autoscaling_role_when_enabled" {
  command = plan

  variables {
    kms_key_allow_autoscaling_service_linked_role = true
  }

  assert {
    condition = [for s in module.kms[0].statements : s.sid] == [
      "EnableIAMPoliciesAndRootAdministration", "AllowCloudWatchLogsForTheFlowLogGroup",
      "AllowAutoScalingServiceLinkedRoleUseForEBS", "AllowAutoScalingServiceLinkedRoleGrantsForEBS",
    ]
    error_message = "Enabled, the key policy lets the Auto Scaling service-linked role use the key and create grants."
  }

  assert {
    condition = alltrue([
      for s in module.kms[0].statements :
      toset([for p in s.principals : "${p.type}=${join(",", p.identifiers)}"]) == toset(["AWS=arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"])
      if startswith(s.sid, "AllowAutoScaling")
    ])
    error_message = "The statements name the account's AWSServiceRoleForAutoScaling."
  }
}

# Validation rules of endpoints, flow logs, KMS, placement groups and EFA launch templates:
# one plan that must fail per rule, offline.
# The baseline in `variables` is valid (proved by run "baseline_is_valid").

# Data-source values shared by every test file of this module: tests/mocks/aws.tfmock.hcl.
mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name     = "llm-test-network"
  vpc_cidr = "10.0.0.0/16"
  private_subnets = {
    "usw2-az1" = "10.0.0.0/19"
    "usw2-az2" = "10.0.32.0/19"
  }
  public_subnets = {
    "usw2-az1" = "10.0.240.0/24"
  }
  placement_groups = {
    training = {}
  }
  efa_launch_templates = {
    p5 = { instance_type = "p5.48xlarge", placement_group = "training" }
  }
}

run "baseline_is_valid" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_launch_template.this["p5"].network_interfaces) == 32
    error_message = "The baseline must plan."
  }
}

run "rejects_duplicate_endpoint_services_and_placement_strategy" {
  command = plan
  variables {
    # endpoint_services_duplicate
    interface_endpoint_services = ["sts", "sts"]
    # placement_strategy_unknown
    placement_groups = { training = { strategy = "pack" } }
  }
  expect_failures = [
    var.interface_endpoint_services, # endpoint_services_duplicate
    var.placement_groups,            # placement_strategy_unknown
  ]
}

run "rejects_s3_interface_endpoint_and_partition_count_on_cluster" {
  command = plan
  variables {
    # endpoint_services_s3
    interface_endpoint_services = ["sts", "s3"]
    # placement_partition_count_on_cluster
    placement_groups = { training = { partition_count = 3 } }
  }
  expect_failures = [
    var.interface_endpoint_services, # endpoint_services_s3
    var.placement_groups,            # placement_partition_count_on_cluster
  ]
}

run "rejects_full_endpoint_service_name_and_partition_count" {
  command = plan
  variables {
    # endpoint_services_full_name
    interface_endpoint_services = ["com.amazonaws.us-west-2.sts"]
    # placement_partition_count_too_high
    placement_groups = { training = { strategy = "partition", partition_count = 8 } }
  }
  expect_failures = [
    var.interface_endpoint_services, # endpoint_services_full_name
    var.placement_groups,            # placement_partition_count_too_high
  ]
}

run "rejects_bad_flow_log_retention_and_spread_level" {
  command = plan
  variables {
    # retention_not_allowed
    flow_logs_retention_days = 42
    # placement_spread_level_unknown
    placement_groups = { training = { strategy = "spread", spread_level = "zone" } }
  }
  expect_failures = [
    var.flow_logs_retention_days, # retention_not_allowed
    var.placement_groups,         # placement_spread_level_unknown
  ]
}

run "rejects_kms_alias_and_bad_placement_key" {
  command = plan
  variables {
    # kms_alias_instead_of_key
    kms_key_arn = "arn:aws:kms:us-west-2:111111111111:alias/llm"
    # placement_key_bad
    placement_groups = { "Training_PG" = {} }
  }
  expect_failures = [
    var.kms_key_arn,      # kms_alias_instead_of_key
    var.placement_groups, # placement_key_bad
  ]
}

run "rejects_non_efa_instance_type_and_bad_root_device" {
  command = plan
  variables {
    # launch_template_unknown_instance_type
    efa_launch_templates = { g5 = { instance_type = "g5.48xlarge" } }
    # root_device_name_bad
    root_device_name = "/dev/nvme0n1"
  }
  expect_failures = [
    var.efa_launch_templates, # launch_template_unknown_instance_type
    var.root_device_name,     # root_device_name_bad
  ]
}
run "launch_template_unknown_placement_group" {
  command = plan

  variables {
    efa_launch_templates = { p5 = { instance_type = "p5.48xlarge", placement_group = "missing" } }
  }

  expect_failures = [var.efa_launch_templates]
}

run "launch_template_bad_image_id" {
  command = plan

  variables {
    efa_launch_templates = { p5 = { instance_type = "p5.48xlarge", image_id = "ubuntu-22.04" } }
  }

  expect_failures = [var.efa_launch_templates]
}

run "launch_template_root_volume_too_big" {
  command = plan

  variables {
    efa_launch_templates = { p5 = { instance_type = "p5.48xlarge", root_volume_size_gb = 20000 } }
  }

  expect_failures = [var.efa_launch_templates]
}

run "launch_template_hop_limit_zero" {
  command = plan

  variables {
    efa_launch_templates = { p5 = { instance_type = "p5.48xlarge", http_put_response_hop_limit = 0 } }
  }

  expect_failures = [var.efa_launch_templates]
}

run "launch_template_key_bad" {
  command = plan

  variables {
    efa_launch_templates = { "P5 nodes" = { instance_type = "p5.48xlarge" } }
  }

  expect_failures = [var.efa_launch_templates]
}


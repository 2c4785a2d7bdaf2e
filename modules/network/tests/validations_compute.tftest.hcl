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

run "retention_not_allowed" {
  command = plan

  variables {
    flow_logs_retention_days = 42
  }

  expect_failures = [var.flow_logs_retention_days]
}

run "kms_alias_instead_of_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-west-2:111111111111:alias/llm"
  }

  expect_failures = [var.kms_key_arn]
}

run "endpoint_services_duplicate" {
  command = plan

  variables {
    interface_endpoint_services = ["sts", "sts"]
  }

  expect_failures = [var.interface_endpoint_services]
}

run "endpoint_services_s3" {
  command = plan

  variables {
    interface_endpoint_services = ["sts", "s3"]
  }

  expect_failures = [var.interface_endpoint_services]
}

run "endpoint_services_full_name" {
  command = plan

  variables {
    interface_endpoint_services = ["com.amazonaws.us-west-2.sts"]
  }

  expect_failures = [var.interface_endpoint_services]
}

run "placement_strategy_unknown" {
  command = plan

  variables {
    placement_groups = { training = { strategy = "pack" } }
  }

  expect_failures = [var.placement_groups]
}

run "placement_partition_count_on_cluster" {
  command = plan

  variables {
    placement_groups = { training = { partition_count = 3 } }
  }

  expect_failures = [var.placement_groups]
}

run "placement_partition_count_too_high" {
  command = plan

  variables {
    placement_groups = { training = { strategy = "partition", partition_count = 8 } }
  }

  expect_failures = [var.placement_groups]
}

run "placement_spread_level_unknown" {
  command = plan

  variables {
    placement_groups = { training = { strategy = "spread", spread_level = "zone" } }
  }

  expect_failures = [var.placement_groups]
}

run "placement_key_bad" {
  command = plan

  variables {
    placement_groups = { "Training_PG" = {} }
  }

  expect_failures = [var.placement_groups]
}

run "launch_template_unknown_instance_type" {
  command = plan

  variables {
    efa_launch_templates = { g5 = { instance_type = "g5.48xlarge" } }
  }

  expect_failures = [var.efa_launch_templates]
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

run "root_device_name_bad" {
  command = plan

  variables {
    root_device_name = "/dev/nvme0n1"
  }

  expect_failures = [var.root_device_name]
}

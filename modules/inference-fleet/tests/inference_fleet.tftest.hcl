# Offline plan tests: `terraform init -backend=false && terraform test` (no AWS account needed).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "us-east-1"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111111111111:role/llm-test-inference-execution"
    }
  }
}

variables {
  name               = "llm-test"
  subnet_ids         = ["subnet-0aaa", "subnet-0bbb"]
  security_group_ids = ["sg-0aaa"]
  kms_key_arn        = "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
  model_bucket_arn   = "arn:aws:s3:::llm-test-models"
  capture_s3_uri     = "s3://llm-test-artifacts/data-capture"
  alarm_topic_arn    = "arn:aws:sns:us-east-1:111111111111:llm-test-alarms"
  endpoints = {
    small = {
      image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
      model_data_url         = "s3://llm-test-models/stablelm-3b/"
      environment            = { OPTION_TENSOR_PARALLEL_DEGREE = "2" }
      instance_type          = "ml.inf2.xlarge"
      tensor_parallel_degree = 2
      min_instances          = 1
      max_instances          = 2
      target_value           = 10
      rollout                = { type = "CANARY", size_percent = 10 }
    }
    large = {
      image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
      model_data_url         = "s3://llm-test-models/llama-70b/"
      instance_type          = "ml.inf2.48xlarge"
      tensor_parallel_degree = 24
      min_instances          = 2
      max_instances          = 4
      target_value           = 4
      scaling_metric         = "SageMakerVariantConcurrentRequestsPerModelHighResolution"
      rollout                = { type = "ROLLING", size_percent = 25 }
    }
  }
}

run "fleet_shape" {
  command = plan

  assert {
    condition     = aws_sagemaker_endpoint.this["small"].name == "llm-test-small" && aws_sagemaker_endpoint_configuration.this["small"].name_prefix == "llm-test-small-" && aws_sagemaker_endpoint_configuration.this["small"].production_variants[0].variant_name == "primary"
    error_message = "Stable endpoint and variant names, endpoint config with name_prefix."
  }

  assert {
    condition     = can(regex("^llm-test-small-[0-9a-f]{8}$", aws_sagemaker_model.this["small"].name)) && aws_sagemaker_model.this["small"].name != aws_sagemaker_model.this["large"].name
    error_message = "Model names carry an 8-hex hash of their content."
  }

  assert {
    condition     = aws_sagemaker_endpoint_configuration.this["small"].kms_key_arn == var.kms_key_arn && aws_sagemaker_endpoint_configuration.this["small"].data_capture_config[0].kms_key_id == var.kms_key_arn && aws_sagemaker_endpoint_configuration.this["large"].production_variants[0].initial_instance_count == 2
    error_message = "Endpoint configs encrypted (volume and data capture); initial count = min."
  }

  assert {
    condition     = aws_sagemaker_model.this["small"].enable_network_isolation && toset(aws_sagemaker_model.this["small"].vpc_config[0].subnets) == toset(var.subnet_ids)
    error_message = "Models run network-isolated in the private subnets."
  }

  assert {
    condition = (length(aws_sagemaker_endpoint.this["small"].deployment_config[0].blue_green_update_policy) == 1 &&
      aws_sagemaker_endpoint.this["small"].deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].canary_size[0].value == 10 &&
      length(aws_sagemaker_endpoint.this["large"].deployment_config[0].rolling_update_policy) == 1 &&
      length(aws_sagemaker_endpoint.this["large"].deployment_config[0].blue_green_update_policy) == 0 &&
    length(aws_sagemaker_endpoint.this["large"].deployment_config[0].auto_rollback_configuration[0].alarms) == 2)
    error_message = "CANARY blue/green for small, rolling for large, two rollback alarms on every endpoint."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.model_latency["small"].threshold == 5000000 && aws_cloudwatch_metric_alarm.model_latency["small"].dimensions.VariantName == "primary" && aws_cloudwatch_metric_alarm.errors_5xx["large"].alarm_actions == toset([var.alarm_topic_arn])
    error_message = "Latency alarm in microseconds (5000 ms = 5e6 us) on EndpointName/VariantName; actions to the topic."
  }

  assert {
    condition     = aws_appautoscaling_target.variant["large"].resource_id == "endpoint/llm-test-large/variant/primary" && aws_appautoscaling_target.variant["large"].min_capacity == 2 && aws_appautoscaling_policy.variant["large"].target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "SageMakerVariantConcurrentRequestsPerModelHighResolution"
    error_message = "One autoscaling target per variant with the chosen predefined metric."
  }

  assert {
    condition     = length(aws_sagemaker_endpoint.protected) == 0 && length(aws_sagemaker_endpoint.this) == 2
    error_message = "Unprotected by default."
  }
}

run "protected_twin" {
  command = plan

  variables {
    prevent_destroy = true
    alarm_topic_arn = null
  }

  assert {
    condition     = length(aws_sagemaker_endpoint.this) == 0 && aws_sagemaker_endpoint.protected["small"].name == "llm-test-small" && length(aws_cloudwatch_metric_alarm.errors_5xx["small"].alarm_actions) == 0
    error_message = "prevent_destroy moves the endpoints to the protected twin; no topic = no alarm actions."
  }
}

run "image_change_renames_model" {
  command = plan

  variables {
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-neuronx-sdk2.19.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        environment            = { OPTION_TENSOR_PARALLEL_DEGREE = "2" }
        instance_type          = "ml.inf2.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "LINEAR", size_percent = 20 }
      }
    }
  }

  assert {
    condition     = aws_sagemaker_model.this["small"].name != run.fleet_shape.model_names["small"] && aws_sagemaker_endpoint.this["small"].deployment_config[0].blue_green_update_policy[0].traffic_routing_configuration[0].linear_step_size[0].value == 20
    error_message = "Another image gives another model name; LINEAR step size set."
  }
}

# One rejected input per module validation (ids match llm_infra/layers/inference/rules.py).

run "rejects_inf_001" {
  command = plan

  variables {
    name = "llm-test-"
  }

  expect_failures = [var.name]
}

run "rejects_inf_002" {
  command = plan

  variables {
    endpoints = {
      "a-very-long-endpoint-key-for-prefix" = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.inf2.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "CANARY", size_percent = 10 }
      }
    }
  }

  expect_failures = [var.endpoints]
}

run "rejects_inf_003" {
  command = plan

  variables {
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.g5.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "CANARY", size_percent = 10 }
      }
    }
  }

  expect_failures = [var.endpoints]
}

run "rejects_bad_tensor_parallel_degree_and_no_subnets" {
  command = plan
  variables {
    # rejects_inf_004
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.inf2.48xlarge"
        tensor_parallel_degree = 5
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "CANARY", size_percent = 10 }
      }
    }
    # rejects_inf_012
    subnet_ids = []
  }
  expect_failures = [
    var.endpoints,  # rejects_inf_004
    var.subnet_ids, # rejects_inf_012
  ]
}

run "rejects_zero_min_instances_and_kms_alias" {
  command = plan
  variables {
    # rejects_inf_005
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.inf2.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 0
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "CANARY", size_percent = 10 }
      }
    }
    # rejects_inf_014
    kms_key_arn = "alias/aws/sagemaker"
  }
  expect_failures = [
    var.endpoints,   # rejects_inf_005
    var.kms_key_arn, # rejects_inf_014
  ]
}

run "rejects_bad_download_timeout_and_capture_uri" {
  command = plan
  variables {
    # rejects_inf_006
    endpoints = {
      small = {
        image                                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url                         = "s3://llm-test-models/stablelm-3b/"
        instance_type                          = "ml.inf2.xlarge"
        tensor_parallel_degree                 = 2
        min_instances                          = 1
        max_instances                          = 2
        target_value                           = 10
        rollout                                = { type = "CANARY", size_percent = 10 }
        model_data_download_timeout_in_seconds = 3700
      }
    }
    # rejects_inf_015
    capture_s3_uri = "llm-test-artifacts/data-capture"
  }
  expect_failures = [
    var.endpoints,      # rejects_inf_006
    var.capture_s3_uri, # rejects_inf_015
  ]
}
run "rejects_inf_007" {
  command = plan

  variables {
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.inf2.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "BLUE" }
      }
    }
  }

  expect_failures = [var.endpoints]
}

run "rejects_inf_008" {
  command = plan

  variables {
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.inf2.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "LINEAR", size_percent = 5 }
      }
    }
  }

  expect_failures = [var.endpoints]
}

run "rejects_inf_009" {
  command = plan

  variables {
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.inf2.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "CANARY", maximum_execution_timeout_in_seconds = 7200 }
      }
    }
  }

  expect_failures = [var.endpoints]
}

run "rejects_inf_010" {
  command = plan

  variables {
    endpoints = {
      small = {
        image                  = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url         = "s3://llm-test-models/stablelm-3b/"
        instance_type          = "ml.inf2.xlarge"
        tensor_parallel_degree = 2
        min_instances          = 1
        max_instances          = 2
        target_value           = 10
        rollout                = { type = "CANARY", size_percent = 10 }
        scaling_metric         = "CPUUtilization"
      }
    }
  }

  expect_failures = [var.endpoints]
}

run "rejects_inf_011" {
  command = plan

  variables {
    endpoints = {
      small = {
        image                         = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-neuronx-sdk2.20.1"
        model_data_url                = "s3://llm-test-models/stablelm-3b/"
        instance_type                 = "ml.inf2.xlarge"
        tensor_parallel_degree        = 2
        min_instances                 = 1
        max_instances                 = 2
        target_value                  = 10
        rollout                       = { type = "CANARY", size_percent = 10 }
        data_capture_sampling_percent = 101
      }
    }
  }

  expect_failures = [var.endpoints]
}

run "rejects_inf_013" {
  command = plan

  variables {
    security_group_ids = ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"]
  }

  expect_failures = [var.security_group_ids]
}

run "own_security_group_allows_nothing" {
  command = plan

  variables {
    vpc_id             = "vpc-0aaa"
    security_group_ids = []
  }

  assert {
    condition     = length(aws_security_group.this) == 1 && aws_security_group.this[0].vpc_id == "vpc-0aaa" && length(aws_security_group.this[0].ingress) == 0 && length(aws_security_group.this[0].egress) == 0 && length(aws_sagemaker_model.this["small"].vpc_config[0].security_group_ids) == 1
    error_message = "With vpc_id the module creates one group in that VPC with no ingress and no egress."
  }
}

run "rejects_inf_013_without_any_group" {
  command = plan

  variables {
    security_group_ids = []
  }

  expect_failures = [var.security_group_ids]
}

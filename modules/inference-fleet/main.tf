################################################################################
# SageMaker real-time endpoints on Inferentia2 (aws 5.100): model -> endpoint configuration -> endpoint,
# rollback alarms, autoscaling. See README.md for the replacement rules this layout follows.
################################################################################

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  inf2 = jsondecode(file("${path.module}/inf2_instance_types.json"))

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Stable names: the endpoint and its variant never change name (renaming replaces the endpoint).
  variant_name   = "primary"
  endpoint_names = { for k, e in var.endpoints : k => "${var.name}-${k}" }

  # Everything that must replace the model goes into its name: with create_before_destroy (propagated from the
  # endpoint configuration) a fixed name would collide, and a VPC change alone is ignored by AWS on 5.100 (#45490).
  model_hashes = { for k, e in var.endpoints : k => substr(sha256(jsonencode({
    image       = e.image
    data        = e.model_data_url
    environment = e.environment
    role        = aws_iam_role.execution.arn
    isolation   = true
    subnets     = sort(var.subnet_ids)
    groups      = sort(local.security_group_ids)
  })), 0, 8) }
  model_names = { for k, e in var.endpoints : k => substr("${var.name}-${k}-${local.model_hashes[k]}", 0, local.inf2.name_max_length) }

  alarm_names = { for k, e in var.endpoints : k => {
    errors  = "${local.endpoint_names[k]}-5xx"
    latency = "${local.endpoint_names[k]}-model-latency-p99"
  } }
  alarm_actions = var.alarm_topic_arn == null ? [] : [var.alarm_topic_arn]

  # The models' own security group (vpc_id set) first, then the caller's.
  security_group_ids = concat(aws_security_group.this[*].id, var.security_group_ids)

  model_bucket_name = element(split(":", var.model_bucket_arn), length(split(":", var.model_bucket_arn)) - 1)
  capture_bucket    = split("/", trimprefix(var.capture_s3_uri, "s3://"))[0]

  # ECR repositories of the images: <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>
  image_repository_arns = distinct([for k, e in var.endpoints : format("arn:%s:ecr:%s:%s:repository/%s", local.partition,
    split(".", split("/", e.image)[0])[3], split(".", split("/", e.image)[0])[0],
  split("@", split(":", join("/", slice(split("/", e.image), 1, length(split("/", e.image)))))[0])[0])])
}

# The models' network interfaces: nothing reaches them (invocations arrive through SageMaker Runtime, not the VPC)
# and, with network isolation, the containers open no connection. Terraform removes the default egress rule of a
# group it creates; the empty rule lists say so explicitly (and remove rules added outside Terraform).
resource "aws_security_group" "this" {
  #checkov:skip=CKV2_AWS_5:attached to every model through aws_sagemaker_model.vpc_config.security_group_ids, which checkov does not count as an attachment
  count = var.vpc_id == null ? 0 : 1

  name_prefix = "${var.name}-inference-"
  description = "SageMaker inference models of ${var.name}: network-isolated containers, no ingress or egress"
  vpc_id      = var.vpc_id
  ingress     = []
  egress      = []

  tags = merge(var.tags, { Name = "${var.name}-inference" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_sagemaker_model" "this" {
  for_each = var.endpoints

  name               = local.model_names[each.key]
  execution_role_arn = aws_iam_role.execution.arn
  # Always isolated: model data comes from S3 through SageMaker, the container never needs the network.
  enable_network_isolation = true

  primary_container {
    image          = each.value.image
    model_data_url = each.value.model_data_url
    environment    = each.value.environment
  }

  vpc_config {
    subnets            = var.subnet_ids
    security_group_ids = local.security_group_ids
  }

  tags = merge(var.tags, { Name = local.model_names[each.key] })

  # The role's policy must exist before SageMaker validates the model's access to the data.
  depends_on = [aws_iam_role_policy.execution]
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  for_each = var.endpoints

  name_prefix = "${local.endpoint_names[each.key]}-"
  kms_key_arn = var.kms_key_arn

  production_variants {
    variant_name           = local.variant_name
    model_name             = aws_sagemaker_model.this[each.key].name
    instance_type          = each.value.instance_type
    initial_instance_count = each.value.min_instances
    volume_size_in_gb      = each.value.volume_size_in_gb

    container_startup_health_check_timeout_in_seconds = each.value.container_startup_health_check_timeout_in_seconds
    model_data_download_timeout_in_seconds            = each.value.model_data_download_timeout_in_seconds
  }

  data_capture_config {
    enable_capture              = each.value.data_capture_sampling_percent > 0
    initial_sampling_percentage = max(each.value.data_capture_sampling_percent, 1)
    destination_s3_uri          = "${trimsuffix(var.capture_s3_uri, "/")}/${each.key}"
    kms_key_id                  = var.kms_key_arn

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
  }

  tags = merge(var.tags, { Name = local.endpoint_names[each.key] })

  lifecycle {
    create_before_destroy = true
  }
}

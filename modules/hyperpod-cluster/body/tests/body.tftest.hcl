# Offline: `terraform init -backend=false && terraform test` (no provider at all: the body is locals and outputs).

variables {
  cluster_name       = "llm-prod-training"
  execution_role_arn = "arn:aws:iam::111111111111:role/llm-prod-training-hyperpod"
  lifecycle_scripts = {
    source_s3_uri    = "s3://sagemaker-llm-prod-training-lifecycle/lifecycle/"
    on_create        = "on_create.sh"
    on_init_complete = "on_init_complete.sh"
  }
  subnet_ids         = ["subnet-0aaaaaaaaaaaaaaa1"]
  security_group_ids = ["sg-0123456789abcdef0"]
  node_recovery      = "Automatic"
  fsx                = { dns_name = "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com", mount_name = "abcdefgh" }
  instance_groups = {
    workers = {
      role               = "compute"
      instance_type      = "ml.p5en.48xlarge"
      instance_count     = 16
      threads_per_core   = 1
      ebs_volume_size_gb = 500
      partition          = "gpu"
      subnet_id          = "subnet-0aaaaaaaaaaaaaaa1"
      training_plan_arn  = "arn:aws:sagemaker:us-east-1:111111111111:training-plan/llm-prod-p5en"
      deep_health_checks = ["InstanceStress", "InstanceConnectivity"]
    }
    controller = {
      role               = "controller"
      instance_type      = "ml.m5.2xlarge"
      instance_count     = 1
      threads_per_core   = 2
      ebs_volume_size_gb = 100
    }
    login = {
      role               = "login"
      instance_type      = "ml.m5.4xlarge"
      instance_count     = 1
      threads_per_core   = 2
      ebs_volume_size_gb = 100
    }
  }
  tags = { Project = "llm", Environment = "prod" }
}

run "body_is_managed_slurm_sorted_and_explicit" {
  command = plan

  assert {
    condition     = output.cluster.orchestrator.slurm.slurm_config_strategy == "Managed" && output.cluster.orchestrator.eks == null
    error_message = "orchestrator must be Managed Slurm"
  }
  assert {
    condition     = join(",", [for g in output.cluster.instance_groups : g.instance_group_name]) == "controller,login,workers"
    error_message = "instance groups must be sorted by name"
  }
  assert {
    condition     = join(",", [for g in output.cluster.instance_groups : g.slurm_config.node_type]) == "Controller,Login,Compute"
    error_message = "node types must follow the roles"
  }
  assert {
    condition     = output.cluster.instance_groups[2].slurm_config.partition_names == tolist(["gpu"]) && length(output.cluster.instance_groups[0].slurm_config.partition_names) == 0
    error_message = "only compute groups carry a partition"
  }
  assert {
    condition     = jsonencode(output.cluster.instance_groups[2].override_vpc_config.subnets) == jsonencode(["subnet-0aaaaaaaaaaaaaaa1"]) && output.cluster.instance_groups[0].override_vpc_config == null
    error_message = "override_vpc_config pins only the group that names a subnet"
  }
  assert {
    condition     = output.cluster.instance_groups[2].on_start_deep_health_checks == tolist(["InstanceConnectivity", "InstanceStress"]) && output.cluster.instance_groups[0].on_start_deep_health_checks == null
    error_message = "deep health checks only on the accelerated group, sorted"
  }
  assert {
    condition     = length(output.cluster.instance_groups[1].instance_storage_configs) == 2 && output.cluster.instance_groups[1].instance_storage_configs[1].fsx_lustre_config.mount_path == "/fsx"
    error_message = "every group mounts FSx at the default /fsx next to its EBS volume"
  }
  assert {
    condition     = output.cluster.instance_groups[2].instance_storage_configs[0].ebs_volume_config.volume_kms_key_id == null && output.cluster.instance_groups[2].instance_storage_configs[0].ebs_volume_config.volume_size_in_gb == 500
    error_message = "EBS volume: size from the group, AWS-owned key"
  }
  assert {
    condition     = jsonencode(output.cluster.tags) == jsonencode([{ key = "Environment", value = "prod" }, { key = "Project", value = "llm" }])
    error_message = "tags must be [{key, value}] sorted by key"
  }
  assert {
    condition     = output.cluster.instance_groups[2].capacity_requirements == null && output.cluster.instance_groups[0].threads_per_core == 2
    error_message = "on-demand groups carry no capacity_requirements; threads_per_core always set"
  }
}

run "spot_group_asks_for_spot_capacity_and_no_fsx_means_ebs_only" {
  command = plan

  variables {
    fsx = null
    instance_groups = {
      controller = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
      cheap      = { role = "compute", instance_type = "ml.g5.12xlarge", instance_count = 1, threads_per_core = 1, ebs_volume_size_gb = 200, partition = "dev", spot = true }
    }
  }

  assert {
    condition     = output.cluster.instance_groups[0].instance_group_name == "cheap" && output.cluster.instance_groups[0].capacity_requirements.spot != null
    error_message = "a spot group asks for spot capacity"
  }
  assert {
    condition     = alltrue([for g in output.cluster.instance_groups : length(g.instance_storage_configs) == 1])
    error_message = "without FSx only the EBS volume is configured"
  }
}

run "rejects_two_controllers" {
  command = plan
  variables {
    instance_groups = {
      c1 = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
      c2 = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_no_controller" {
  command = plan
  variables {
    instance_groups = {
      w = { role = "compute", instance_type = "ml.g5.12xlarge", instance_count = 1, threads_per_core = 1, ebs_volume_size_gb = 100, partition = "dev" }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_compute_without_partition" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
      w = { role = "compute", instance_type = "ml.g5.12xlarge", instance_count = 1, threads_per_core = 1, ebs_volume_size_gb = 100 }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_partition_on_login" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
      l = { role = "login", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100, partition = "dev" }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_threads_per_core_3" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 3, ebs_volume_size_gb = 100 }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_ebs_over_16384" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 16385 }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_count_over_6758" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 6759, threads_per_core = 2, ebs_volume_size_gb = 100 }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_spot_with_training_plan" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
      w = { role = "compute", instance_type = "ml.p5.48xlarge", instance_count = 2, threads_per_core = 1, ebs_volume_size_gb = 100, partition = "gpu", spot = true, training_plan_arn = "arn:aws:sagemaker:us-east-1:111111111111:training-plan/p" }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_malformed_training_plan_arn" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
      w = { role = "compute", instance_type = "ml.p5.48xlarge", instance_count = 2, threads_per_core = 1, ebs_volume_size_gb = 100, partition = "gpu", training_plan_arn = "plan-1" }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_deep_health_checks_on_cpu_group" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100, deep_health_checks = ["InstanceStress"] }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_unknown_deep_health_check" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
      w = { role = "compute", instance_type = "ml.p5.48xlarge", instance_count = 2, threads_per_core = 1, ebs_volume_size_gb = 100, partition = "gpu", deep_health_checks = ["Burn"] }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_group_subnet_outside_subnet_ids" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "ml.m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100, subnet_id = "subnet-0bbbbbbbbbbbbbbb2" }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_non_ml_instance_type" {
  command = plan
  variables {
    instance_groups = {
      c = { role = "controller", instance_type = "m5.2xlarge", instance_count = 1, threads_per_core = 2, ebs_volume_size_gb = 100 }
    }
  }
  expect_failures = [var.instance_groups]
}

run "rejects_customer_ebs_key_on_slurm" {
  command = plan
  variables {
    ebs_kms_key_id = "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
  }
  expect_failures = [var.ebs_kms_key_id]
}

run "rejects_long_fsx_mount_name" {
  command = plan
  variables {
    fsx = { dns_name = "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com", mount_name = "abcdefghi" }
  }
  expect_failures = [var.fsx]
}

run "rejects_lifecycle_bucket_without_sagemaker_prefix" {
  command = plan
  variables {
    lifecycle_scripts = { source_s3_uri = "s3://llm-lifecycle/lifecycle/", on_create = "on_create.sh", on_init_complete = "on_init_complete.sh" }
  }
  expect_failures = [var.lifecycle_scripts]
}

run "rejects_bad_cluster_name" {
  command = plan
  variables {
    cluster_name = "llm_prod"
  }
  expect_failures = [var.cluster_name]
}

run "rejects_node_recovery_value" {
  command = plan
  variables {
    node_recovery = "Manual"
  }
  expect_failures = [var.node_recovery]
}

run "rejects_six_security_groups" {
  command = plan
  variables {
    security_group_ids = ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"]
  }
  expect_failures = [var.security_group_ids]
}

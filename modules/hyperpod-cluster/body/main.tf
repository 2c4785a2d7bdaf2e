# The whole awscc_sagemaker_cluster body, with awscc attribute names. The parent module's resource only assigns
# from `cluster`, so what tests evaluate here is what Terraform sends.
locals {
  accelerated = { for name, g in var.instance_groups : name => can(regex("^ml\\.(p|g|trn)[0-9]", g.instance_type)) }

  node_type = { controller = "Controller", login = "Login", compute = "Compute" }

  # Storage configs are a oneOf in the schema: one config per element, the other kinds set to null explicitly.
  fsx_storage = var.fsx == null ? [] : [{
    ebs_volume_config = null
    fsx_lustre_config = {
      dns_name   = var.fsx.dns_name
      mount_name = var.fsx.mount_name
      mount_path = var.fsx.mount_path
    }
    fsx_open_zfs_config = null
  }]

  # Sorted by name (awscc plans a change when groups come back in another order: provider issues #3025, #3110);
  # every optional field this module manages is written explicitly, null where unused.
  instance_groups = [for name in sort(keys(var.instance_groups)) : {
    instance_group_name = name
    instance_type       = var.instance_groups[name].instance_type
    instance_count      = var.instance_groups[name].instance_count
    threads_per_core    = var.instance_groups[name].threads_per_core
    execution_role      = var.execution_role_arn
    life_cycle_config = {
      source_s3_uri    = var.lifecycle_scripts.source_s3_uri
      on_create        = var.lifecycle_scripts.on_create
      on_init_complete = var.lifecycle_scripts.on_init_complete
    }
    slurm_config = {
      node_type       = local.node_type[var.instance_groups[name].role]
      partition_names = var.instance_groups[name].role == "compute" ? [var.instance_groups[name].partition] : []
    }
    instance_storage_configs = concat([{
      ebs_volume_config = {
        volume_size_in_gb = var.instance_groups[name].ebs_volume_size_gb
        volume_kms_key_id = var.ebs_kms_key_id # always null on Slurm: AWS-owned key (variables.tf)
        root_volume       = false
      }
      fsx_lustre_config   = null
      fsx_open_zfs_config = null
    }], local.fsx_storage)
    on_start_deep_health_checks = local.accelerated[name] && length(var.instance_groups[name].deep_health_checks) > 0 ? sort(var.instance_groups[name].deep_health_checks) : null
    training_plan_arn           = var.instance_groups[name].training_plan_arn
    override_vpc_config = var.instance_groups[name].subnet_id == null ? null : {
      security_group_ids = var.security_group_ids
      subnets            = [var.instance_groups[name].subnet_id]
    }
    capacity_requirements = var.instance_groups[name].spot ? { spot = {}, on_demand = null } : null
    image_id              = null
    min_instance_count    = null
  }]

  cluster = {
    cluster_name           = var.cluster_name
    node_recovery          = var.node_recovery
    node_provisioning_mode = null # Continuous is EKS-only
    orchestrator = {
      eks = null
      slurm = {
        slurm_config_strategy = "Managed"
        accounting_database   = null
      }
    }
    vpc_config = {
      security_group_ids = var.security_group_ids
      subnets            = var.subnet_ids
    }
    instance_groups = local.instance_groups
    tags            = [for k in sort(keys(var.tags)) : { key = k, value = var.tags[k] }]
  }
}

################################################################################
# Placement groups (optional, separately named)
#
# Never created just because EFA is used: a cluster placement group pinned to
# an EFA node group breaks On-Demand Capacity Reservations and Capacity Blocks.
################################################################################

resource "aws_placement_group" "this" {
  for_each = var.placement_groups

  name            = "${var.name}-${each.key}"
  strategy        = each.value.strategy
  spread_level    = each.value.strategy == "spread" ? each.value.spread_level : null
  partition_count = each.value.strategy == "partition" ? each.value.partition_count : null

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

################################################################################
# EFA launch templates
#
# One EFA interface per EFA-capable network card (count from
# efa_instance_types.json): card 0 / device 0 is an `efa` interface (EFA + ENA,
# carries the instance's IP), every other card gets an `efa-only` interface on
# device index 1 (no IP address consumed).
################################################################################

locals {
  efa_launch_templates = {
    for key, lt in var.efa_launch_templates : key => merge(lt, {
      efa_interfaces = local.efa_max_interfaces[lt.instance_type]
    })
  }
}

resource "aws_launch_template" "this" {
  #checkov:skip=CKV_AWS_341:Hop limit is a per-template input, default 1 and validated 1-64 (2 is needed for containers without host networking); the HCL scan cannot resolve each.value, the plan scan checks the resolved value.

  for_each = local.efa_launch_templates

  name                   = "${var.name}-${each.key}"
  description            = "${each.value.instance_type} with ${each.value.efa_interfaces} EFA interfaces"
  instance_type          = each.value.instance_type
  image_id               = each.value.image_id
  update_default_version = true

  dynamic "network_interfaces" {
    for_each = range(each.value.efa_interfaces)

    content {
      network_card_index          = network_interfaces.value
      device_index                = network_interfaces.value == 0 ? 0 : 1
      interface_type              = network_interfaces.value == 0 ? "efa" : "efa-only"
      security_groups             = [aws_security_group.efa.id]
      associate_public_ip_address = false
      delete_on_termination       = true
      description                 = "${var.name}-${each.key} EFA card ${network_interfaces.value}"
    }
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = each.value.http_put_response_hop_limit
  }

  block_device_mappings {
    device_name = var.root_device_name

    ebs {
      volume_type           = "gp3"
      volume_size           = each.value.root_volume_size_gb
      encrypted             = true
      kms_key_id            = local.kms_key_arn
      delete_on_termination = true
    }
  }

  dynamic "placement" {
    for_each = each.value.placement_group == null ? [] : [each.value.placement_group]

    content {
      group_name = aws_placement_group.this[placement.value].name
    }
  }

  dynamic "tag_specifications" {
    for_each = toset(["instance", "volume", "network-interface"])

    content {
      resource_type = tag_specifications.value
      tags          = merge(var.tags, { Name = "${var.name}-${each.key}" })
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

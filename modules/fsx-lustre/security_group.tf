################################################################################
# Own security group (only when the caller passes none)
################################################################################

locals {
  # Lustre: TCP 988 (LNet) and 1018-1023 (server/client), between the file system and its clients.
  lustre_port_ranges = {
    lnet-988    = { from_port = 988, to_port = 988, description = "Lustre LNet (TCP 988) within the file system security group" }
    lustre-1018 = { from_port = 1018, to_port = 1023, description = "Lustre server/client traffic (TCP 1018-1023) within the file system security group" }
  }

  # EFA-enabled file systems additionally need all traffic to and from the security group itself.
  security_group_rules = merge(
    { for k, v in local.lustre_port_ranges : k => merge(v, { ip_protocol = "tcp" }) },
    var.efa_enabled ? {
      efa-all = { from_port = null, to_port = null, ip_protocol = "-1", description = "EFA: all traffic within the file system security group" }
    } : {}
  )
}

resource "aws_security_group" "this" {
  count = local.create_security_group ? 1 : 0

  name        = "${var.name}-fsx-lustre"
  description = "FSx for Lustre ${var.name}: Lustre traffic between the file system and clients in this group"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-fsx-lustre" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.create_security_group ? local.security_group_rules : {}

  security_group_id            = aws_security_group.this[0].id
  referenced_security_group_id = aws_security_group.this[0].id
  ip_protocol                  = each.value.ip_protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  description                  = "Ingress: ${each.value.description}"

  tags = merge(var.tags, { Name = "${var.name}-fsx-lustre-in-${each.key}" })
}

resource "aws_vpc_security_group_egress_rule" "this" {
  for_each = local.create_security_group ? local.security_group_rules : {}

  security_group_id            = aws_security_group.this[0].id
  referenced_security_group_id = aws_security_group.this[0].id
  ip_protocol                  = each.value.ip_protocol
  from_port                    = each.value.from_port
  to_port                      = each.value.to_port
  description                  = "Egress: ${each.value.description}"

  tags = merge(var.tags, { Name = "${var.name}-fsx-lustre-out-${each.key}" })
}

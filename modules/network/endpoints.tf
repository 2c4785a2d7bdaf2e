################################################################################
# VPC endpoints
################################################################################

# S3 always goes through the free gateway endpoint on the private route tables
# (checkpoints and datasets must not cross the NAT gateway).
resource "aws_vpc_endpoint" "s3" {
  count = var.create_vpc ? 1 : 0

  vpc_id            = aws_vpc.this[0].id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [for az in sort(keys(aws_route_table.private)) : aws_route_table.private[az].id]

  tags = merge(var.tags, { Name = "${var.name}-s3" })
}

# Interface endpoints: one ENI in every private subnet (one subnet per AZ),
# private DNS on so that the default SDK endpoints resolve to them.
resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints_enabled ? toset(concat(var.interface_endpoint_services, var.additional_interface_endpoint_services)) : toset([])

  vpc_id              = local.vpc_id
  service_name        = "com.amazonaws.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [for az in sort(keys(local.private_subnet_ids)) : local.private_subnet_ids[az]]
  security_group_ids  = [aws_security_group.endpoints[0].id]

  tags = merge(var.tags, { Name = "${var.name}-${replace(each.key, ".", "-")}" })
}

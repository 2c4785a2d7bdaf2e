################################################################################
# Context
################################################################################

data "aws_region" "this" {}

data "aws_caller_identity" "this" {}

data "aws_partition" "this" {}

# Bring-your-own VPC: read its CIDR for the HTTPS-to-endpoints rules.
data "aws_vpc" "this" {
  count = var.create_vpc ? 0 : 1

  id = var.existing_vpc_id
}

locals {
  # Single source of the EFA table: also read by the Python config rules and scripts/preflight.py.
  efa_max_interfaces = jsondecode(file("${path.module}/efa_instance_types.json")).max_efa_interfaces
  # AWS limits the variable validations check; the Python config reads the same file.
  limits = jsondecode(file("${path.module}/limits.json"))

  region     = data.aws_region.this.name
  account_id = data.aws_caller_identity.this.account_id
  partition  = data.aws_partition.this.partition

  # one(...[*]) rather than [0]: a refresh-only plan after the VPC was deleted outside Terraform must report
  # drift, not fail with "Invalid index".
  vpc_id         = var.create_vpc ? one(aws_vpc.this[*].id) : var.existing_vpc_id
  vpc_cidr_block = var.create_vpc ? one(aws_vpc.this[*].cidr_block) : one(data.aws_vpc.this[*].cidr_block)

  private_subnet_ids = var.create_vpc ? { for az, s in aws_subnet.private : az => s.id } : var.existing_private_subnet_ids

  # NAT gateways, keyed by the AZ ID of the public subnet that holds them.
  nat_enabled = var.create_vpc && !var.closed_network && var.nat_gateway_mode != "none"
  nat_azs = !local.nat_enabled ? [] : (
    var.nat_gateway_mode == "single" ? [sort(keys(var.public_subnets))[0]] : sort(keys(var.public_subnets))
  )
  # Private subnet AZ ID -> AZ ID of the NAT gateway it routes through.
  private_nat_az = !local.nat_enabled ? {} : {
    for az in keys(var.private_subnets) : az => (var.nat_gateway_mode == "per_az" ? az : local.nat_azs[0])
  }

  # An internet gateway exists only to give NAT gateways their way out.
  igw_enabled = local.nat_enabled

  internet_egress_enabled = var.allow_https_egress_to_internet && !var.closed_network && var.nat_gateway_mode != "none"

  interface_endpoints_enabled = var.closed_network || var.interface_endpoints_enabled
}

################################################################################
# VPC
################################################################################

resource "aws_vpc" "this" {
  count = var.create_vpc ? 1 : 0

  cidr_block           = var.vpc_cidr
  enable_dns_support   = true # interface endpoints with private DNS need both
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name })
}

# Lock down the VPC's default security group: no ingress, no egress.
resource "aws_default_security_group" "this" {
  count = var.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-default-locked" })
}

################################################################################
# Subnets (keyed by AZ ID)
################################################################################

resource "aws_subnet" "private" {
  for_each = var.create_vpc ? var.private_subnets : {}

  vpc_id                  = aws_vpc.this[0].id
  availability_zone_id    = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name}-private-${each.key}", Tier = "private" })
}

resource "aws_subnet" "public" {
  for_each = var.create_vpc ? var.public_subnets : {}

  vpc_id                  = aws_vpc.this[0].id
  availability_zone_id    = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false # only NAT gateways live here

  tags = merge(var.tags, { Name = "${var.name}-public-${each.key}", Tier = "public" })
}

################################################################################
# Internet gateway and NAT gateways
################################################################################

resource "aws_internet_gateway" "this" {
  count = local.igw_enabled ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_eip" "this" {
  for_each = toset(local.nat_azs)

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  for_each = toset(local.nat_azs)

  allocation_id = aws_eip.this[each.key].id
  subnet_id     = aws_subnet.public[each.key].id

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

################################################################################
# Route tables
################################################################################

resource "aws_route_table" "public" {
  count = var.create_vpc && length(var.public_subnets) > 0 ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  count = local.igw_enabled && length(var.public_subnets) > 0 ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public[0].id
}

# One private route table per AZ so that per_az NAT routing stays in the AZ.
resource "aws_route_table" "private" {
  for_each = var.create_vpc ? var.private_subnets : {}

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name}-private-${each.key}" })
}

resource "aws_route" "private_nat" {
  for_each = local.private_nat_az

  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[each.value].id
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[each.key].id
}

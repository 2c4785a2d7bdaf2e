################################################################################
# EFA security group
#
# EFA (SRD) traffic only flows when the group allows all protocols both IN and
# OUT to itself; a 0.0.0.0/0 egress rule alone is not enough (NCCL hangs, EFA
# health checks fail). The group is also meant for EFA-enabled FSx for Lustre
# file systems, hence the explicit Lustre port rules.
# The name and description are fixed on purpose: replacing this group would
# force replacement of FSx file systems that reference it.
################################################################################

resource "aws_security_group" "efa" {
  #checkov:skip=CKV2_AWS_5:Attached through the launch templates' dynamic network_interfaces blocks (not serialized in plan JSON, so the plan graph cannot see it) and, across layers, to FSx for Lustre and HyperPod instance groups.

  name        = "${var.name}-efa"
  description = "EFA: all traffic within the group, Lustre, HTTPS to VPC endpoints"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-efa" })
}

resource "aws_vpc_security_group_ingress_rule" "efa_self_all" {
  security_group_id            = aws_security_group.efa.id
  description                  = "EFA: all protocols from members of this group"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.efa.id

  tags = merge(var.tags, { Name = "${var.name}-efa-self-all-in" })
}

resource "aws_vpc_security_group_egress_rule" "efa_self_all" {
  security_group_id            = aws_security_group.efa.id
  description                  = "EFA: all protocols to members of this group"
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.efa.id

  tags = merge(var.tags, { Name = "${var.name}-efa-self-all-out" })
}

resource "aws_vpc_security_group_ingress_rule" "efa_lustre_988" {
  security_group_id            = aws_security_group.efa.id
  description                  = "FSx for Lustre: TCP 988 from members of this group"
  ip_protocol                  = "tcp"
  from_port                    = 988
  to_port                      = 988
  referenced_security_group_id = aws_security_group.efa.id

  tags = merge(var.tags, { Name = "${var.name}-efa-lustre-988-in" })
}

resource "aws_vpc_security_group_egress_rule" "efa_lustre_988" {
  security_group_id            = aws_security_group.efa.id
  description                  = "FSx for Lustre: TCP 988 to members of this group"
  ip_protocol                  = "tcp"
  from_port                    = 988
  to_port                      = 988
  referenced_security_group_id = aws_security_group.efa.id

  tags = merge(var.tags, { Name = "${var.name}-efa-lustre-988-out" })
}

resource "aws_vpc_security_group_ingress_rule" "efa_lustre_1018_1023" {
  security_group_id            = aws_security_group.efa.id
  description                  = "FSx for Lustre: TCP 1018-1023 from members of this group"
  ip_protocol                  = "tcp"
  from_port                    = 1018
  to_port                      = 1023
  referenced_security_group_id = aws_security_group.efa.id

  tags = merge(var.tags, { Name = "${var.name}-efa-lustre-1018-1023-in" })
}

resource "aws_vpc_security_group_egress_rule" "efa_lustre_1018_1023" {
  security_group_id            = aws_security_group.efa.id
  description                  = "FSx for Lustre: TCP 1018-1023 to members of this group"
  ip_protocol                  = "tcp"
  from_port                    = 1018
  to_port                      = 1023
  referenced_security_group_id = aws_security_group.efa.id

  tags = merge(var.tags, { Name = "${var.name}-efa-lustre-1018-1023-out" })
}

resource "aws_vpc_security_group_egress_rule" "efa_https_vpc" {
  security_group_id = aws_security_group.efa.id
  description       = "HTTPS to interface VPC endpoints inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = local.vpc_cidr_block

  tags = merge(var.tags, { Name = "${var.name}-efa-https-vpc-out" })
}

# S3 through the gateway endpoint: the traffic goes to S3's public ranges, which
# the prefix list of the gateway endpoint names (needed in closed networks).
resource "aws_vpc_security_group_egress_rule" "efa_https_s3" {
  count = var.create_vpc ? 1 : 0

  security_group_id = aws_security_group.efa.id
  description       = "HTTPS to Amazon S3 through the S3 gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = aws_vpc_endpoint.s3[0].prefix_list_id

  tags = merge(var.tags, { Name = "${var.name}-efa-https-s3-out" })
}

resource "aws_vpc_security_group_egress_rule" "efa_https_internet" {
  count = local.internet_egress_enabled ? 1 : 0

  security_group_id = aws_security_group.efa.id
  description       = "HTTPS to the internet through the NAT gateway"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = merge(var.tags, { Name = "${var.name}-efa-https-internet-out" })
}

################################################################################
# Interface endpoint security group
################################################################################

resource "aws_security_group" "endpoints" {
  count = local.interface_endpoints_enabled ? 1 : 0

  name        = "${var.name}-vpc-endpoints"
  description = "Interface VPC endpoints: HTTPS from the VPC and the EFA group"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-vpc-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https_vpc" {
  count = local.interface_endpoints_enabled ? 1 : 0

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from the VPC CIDR to interface endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = local.vpc_cidr_block

  tags = merge(var.tags, { Name = "${var.name}-endpoints-https-vpc-in" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https_efa" {
  count = local.interface_endpoints_enabled ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the EFA security group to interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.efa.id

  tags = merge(var.tags, { Name = "${var.name}-endpoints-https-efa-in" })
}

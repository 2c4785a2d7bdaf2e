output "vpc_id" {
  description = "ID of the VPC (created or brought)."
  value       = local.vpc_id
}

output "vpc_cidr_block" {
  description = "Primary IPv4 CIDR of the VPC."
  value       = local.vpc_cidr_block
}

output "private_subnet_ids" {
  description = "Private subnet IDs keyed by AZ ID (e.g. `usw2-az1`)."
  value       = local.private_subnet_ids
}

output "public_subnet_ids" {
  description = "Public (NAT) subnet IDs keyed by AZ ID; empty for bring-your-own VPCs and closed networks."
  value       = { for az, s in aws_subnet.public : az => s.id }
}

output "private_route_table_ids" {
  description = "Private route table IDs keyed by AZ ID; empty for bring-your-own VPCs."
  value       = { for az, rt in aws_route_table.private : az => rt.id }
}

output "nat_gateway_ids" {
  description = "NAT gateway IDs, sorted by the AZ ID of their public subnet; empty when there is no NAT."
  value       = [for az in sort(keys(aws_nat_gateway.this)) : aws_nat_gateway.this[az].id]
}

output "nat_gateway_ids_by_az" {
  description = "NAT gateway ID by the AZ ID of its public subnet; empty when there is no NAT."
  value       = { for az, gateway in aws_nat_gateway.this : az => gateway.id }
}

output "efa_security_group_id" {
  description = "ID of the EFA security group (all traffic to itself, Lustre ports, HTTPS to endpoints). Attach it to EFA instances and EFA-enabled FSx for Lustre."
  value       = aws_security_group.efa.id
}

output "endpoint_security_group_id" {
  description = "ID of the interface endpoint security group; `null` when no interface endpoints are created."
  value       = try(aws_security_group.endpoints[0].id, null)
}

output "vpc_endpoint_ids" {
  description = "VPC endpoint IDs keyed by service short name (e.g. `ecr.api`), plus `s3` for the gateway endpoint when the module creates the VPC."
  value = merge(
    { for svc, ep in aws_vpc_endpoint.interface : svc => ep.id },
    var.create_vpc ? { s3 = aws_vpc_endpoint.s3[0].id } : {},
  )
}

output "placement_group_names" {
  description = "Placement group names keyed by the `placement_groups` key."
  value       = { for k, pg in aws_placement_group.this : k => pg.name }
}

output "launch_template_ids" {
  description = "Launch template IDs keyed by the `efa_launch_templates` key."
  value       = { for k, lt in aws_launch_template.this : k => lt.id }
}

output "launch_template_latest_versions" {
  description = "Latest (and default) version number of each launch template, keyed by the `efa_launch_templates` key."
  value       = { for k, lt in aws_launch_template.this : k => lt.latest_version }
}

output "efa_interfaces_by_launch_template" {
  description = "Number of EFA interfaces (network cards) in each launch template, keyed by the `efa_launch_templates` key."
  value       = { for k, lt in local.efa_launch_templates : k => lt.efa_interfaces }
}

output "kms_key_arn" {
  description = "ARN of the KMS key used for flow logs and EBS volumes (created or given)."
  value       = local.kms_key_arn
}

output "flow_log_group_name" {
  description = "Name of the VPC flow-log CloudWatch log group; `null` for bring-your-own VPCs."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

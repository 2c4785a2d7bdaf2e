################################################################################
# Naming and tags
################################################################################

variable "name" {
  description = "Name prefix for every resource, e.g. `llm-dev-network`. 3-40 characters: lower-case letters, digits and `-`, starting with a letter and not ending with `-`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "[NET-001] name must match ^[a-z][a-z0-9-]{1,38}[a-z0-9]$ (3-40 characters, lower-case letters, digits and '-', starting with a letter)."
  }
}

variable "tags" {
  description = "Tags merged into every resource's tags (`merge(var.tags, { Name = ... })`). Organisation-wide tags belong in the provider's `default_tags`."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# VPC (create or bring your own)
################################################################################

variable "create_vpc" {
  description = "`true`: the module creates the VPC, subnets, route tables, NAT/IGW, S3 gateway endpoint, flow logs and locks the default security group. `false`: bring your own VPC via `existing_vpc_id` and `existing_private_subnet_ids`; security groups, interface endpoints (if asked), placement groups and launch templates are still created."
  type        = bool
  default     = true
  nullable    = false
}

variable "existing_vpc_id" {
  description = "ID of an existing VPC (`vpc-...`). Required when `create_vpc = false`, ignored otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.create_vpc || var.existing_vpc_id != null
    error_message = "[NET-002] existing_vpc_id is required when create_vpc is false."
  }

  validation {
    condition     = var.existing_vpc_id == null ? true : can(regex("^vpc-[0-9a-f]{8,17}$", var.existing_vpc_id))
    error_message = "[NET-003] existing_vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "existing_private_subnet_ids" {
  description = "Bring-your-own private subnets: map of AZ ID (e.g. `usw2-az1`) to subnet ID (`subnet-...`). Used only when `create_vpc = false`; required there when interface endpoints are created."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for az, id in var.existing_private_subnet_ids : can(regex("^[a-z]{2,4}[0-9]-az[0-9]+$", az)) && can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "[NET-004] existing_private_subnet_ids must map AZ IDs (like usw2-az1) to subnet IDs (like subnet-0123456789abcdef0)."
  }

  validation {
    condition     = var.create_vpc || !(var.closed_network || var.interface_endpoints_enabled) || length(var.existing_private_subnet_ids) > 0
    error_message = "[NET-005] existing_private_subnet_ids must not be empty when create_vpc is false and interface endpoints are created (closed_network or interface_endpoints_enabled)."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC, a network address with a prefix from `/16` to `/28`, e.g. `10.0.0.0/16`. Required when `create_vpc = true`."
  type        = string
  default     = null

  validation {
    condition     = !var.create_vpc || var.vpc_cidr != null
    error_message = "[NET-006] vpc_cidr is required when create_vpc is true."
  }

  validation {
    condition = var.vpc_cidr == null ? true : try(
      cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0] &&
      tonumber(split("/", var.vpc_cidr)[1]) >= local.limits.cidr_prefix_length.min &&
      tonumber(split("/", var.vpc_cidr)[1]) <= local.limits.cidr_prefix_length.max,
      false
    )
    error_message = "[NET-007] vpc_cidr must be a valid IPv4 network address in CIDR notation with a prefix length from /16 to /28 (e.g. 10.0.0.0/16)."
  }
}

variable "private_subnets" {
  description = "Private subnets to create: map of AZ ID (e.g. `usw2-az1`, `use1-az4`) to IPv4 CIDR inside `vpc_cidr` (prefix `/16`-`/28`). One subnet per AZ; everything that spans subnets is keyed by AZ ID. At least one is required when `create_vpc = true`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for az in keys(var.private_subnets) : can(regex("^[a-z]{2,4}[0-9]-az[0-9]+$", az))])
    error_message = "[NET-008] private_subnets keys must be AZ IDs like usw2-az1 (^[a-z]{2,4}[0-9]-az[0-9]+$), not AZ names like us-west-2a."
  }

  validation {
    condition = alltrue([for cidr in values(var.private_subnets) : try(
      cidrhost(cidr, 0) == split("/", cidr)[0] && tonumber(split("/", cidr)[1]) >= local.limits.cidr_prefix_length.min && tonumber(split("/", cidr)[1]) <= local.limits.cidr_prefix_length.max,
      false
    )])
    error_message = "[NET-009] private_subnets values must be IPv4 network addresses in CIDR notation with a prefix length from /16 to /28 (e.g. 10.0.0.0/20)."
  }

  validation {
    condition     = !var.create_vpc || length(var.private_subnets) > 0
    error_message = "[NET-010] private_subnets must contain at least one AZ ID -> CIDR entry when create_vpc is true."
  }

  validation {
    condition = !var.create_vpc || var.vpc_cidr == null ? true : try(alltrue([
      for cidr in concat(values(var.private_subnets), values(var.public_subnets)) :
      tonumber(split("/", cidr)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) &&
      cidrhost("${split("/", cidr)[0]}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0)
    ]), true)
    error_message = "[NET-011] Every private and public subnet CIDR must lie inside vpc_cidr."
  }

  validation {
    condition = try(alltrue(flatten([
      for i, a in concat(values(var.private_subnets), values(var.public_subnets)) : [
        for j, b in concat(values(var.private_subnets), values(var.public_subnets)) : j <= i ? true : (
          cidrhost("${split("/", a)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0) !=
          cidrhost("${split("/", b)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0)
        )
      ]
    ])), true)
    error_message = "[NET-012] Private and public subnet CIDRs must not overlap each other."
  }

  validation {
    condition = length(distinct([
      for az in concat(keys(var.private_subnets), keys(var.public_subnets)) : try(regex("^([a-z]{2,4}[0-9])-az", az)[0], az)
    ])) <= 1
    error_message = "[NET-013] All private and public subnet AZ IDs must belong to the same region (same prefix, e.g. usw2-az1, usw2-az2)."
  }
}

variable "public_subnets" {
  description = "Public subnets, only for NAT gateways: map of AZ ID (e.g. `usw2-az1`) to IPv4 CIDR inside `vpc_cidr`. `map_public_ip_on_launch` is always `false`. Must be empty when `closed_network = true`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for az in keys(var.public_subnets) : can(regex("^[a-z]{2,4}[0-9]-az[0-9]+$", az))])
    error_message = "[NET-014] public_subnets keys must be AZ IDs like usw2-az1 (^[a-z]{2,4}[0-9]-az[0-9]+$), not AZ names like us-west-2a."
  }

  validation {
    condition = alltrue([for cidr in values(var.public_subnets) : try(
      cidrhost(cidr, 0) == split("/", cidr)[0] && tonumber(split("/", cidr)[1]) >= local.limits.cidr_prefix_length.min && tonumber(split("/", cidr)[1]) <= local.limits.cidr_prefix_length.max,
      false
    )])
    error_message = "[NET-015] public_subnets values must be IPv4 network addresses in CIDR notation with a prefix length from /16 to /28 (e.g. 10.0.240.0/24)."
  }
}

variable "nat_gateway_mode" {
  description = "Outbound internet path for the private subnets: `none` (no NAT, no IGW), `single` (one NAT gateway in the first public subnet sorted by AZ ID), `per_az` (one NAT gateway per AZ that has a public subnet; each private subnet routes to the NAT in its AZ). Only applies when `create_vpc = true`; with `create_vpc = false` it only tells the module whether the VPC has an internet path (see `allow_https_egress_to_internet`)."
  type        = string
  default     = "single"
  nullable    = false

  validation {
    condition     = contains(["none", "single", "per_az"], var.nat_gateway_mode)
    error_message = "[NET-016] nat_gateway_mode must be one of: none, single, per_az."
  }

  validation {
    condition     = !var.create_vpc || var.nat_gateway_mode == "none" || length(var.public_subnets) > 0
    error_message = "[NET-017] nat_gateway_mode single or per_az needs at least one entry in public_subnets (NAT gateways live in public subnets)."
  }

  validation {
    condition     = !var.create_vpc || var.nat_gateway_mode != "per_az" || alltrue([for az in keys(var.private_subnets) : contains(keys(var.public_subnets), az)])
    error_message = "[NET-018] nat_gateway_mode per_az needs a public subnet in every AZ that has a private subnet (missing: ${join(", ", [for az in sort(keys(var.private_subnets)) : az if !contains(keys(var.public_subnets), az)])})."
  }
}

variable "closed_network" {
  description = "`true`: no internet gateway and no NAT gateway; AWS APIs are reached through interface endpoints (forced on). Requires `nat_gateway_mode = \"none\"` and empty `public_subnets`."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.closed_network || (var.nat_gateway_mode == "none" && length(var.public_subnets) == 0)
    error_message = "[NET-019] closed_network = true requires nat_gateway_mode = \"none\" and no public_subnets."
  }
}

variable "allow_https_egress_to_internet" {
  description = "Allow HTTPS (TCP 443) egress from the EFA security group to `0.0.0.0/0` (package mirrors, Hugging Face, container registries outside AWS). Only takes effect when the VPC has a NAT path (`closed_network = false` and `nat_gateway_mode != \"none\"`); ignored otherwise."
  type        = bool
  default     = true
  nullable    = false
}

################################################################################
# VPC endpoints
################################################################################

variable "interface_endpoints_enabled" {
  description = "Create the interface endpoints in `interface_endpoint_services` even when `closed_network = false`. `closed_network = true` always creates them."
  type        = bool
  default     = false
  nullable    = false
}

variable "interface_endpoint_services" {
  description = "Short names of the AWS services that get an interface endpoint (`com.amazonaws.<region>.<name>`, private DNS on, one ENI in every private subnet), e.g. `sts`, `ec2`, `ecr.api`, `ecr.dkr`, `logs`, `monitoring`, `ssm`, `ssmmessages`, `ec2messages`, `sagemaker.api`, `sagemaker.runtime`, `fsx`. `s3` is not allowed here: S3 always uses the gateway endpoint on the private route tables."
  type        = list(string)
  default = [
    "sts",
    "ec2",
    "ecr.api",
    "ecr.dkr",
    "logs",
    "monitoring",
    "ssm",
    "ssmmessages",
    "ec2messages",
    "sagemaker.api",
    "sagemaker.runtime",
    "fsx",
  ]
  nullable = false

  validation {
    condition     = alltrue([for svc in var.interface_endpoint_services : can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", svc))])
    error_message = "[NET-020] interface_endpoint_services entries must be service short names like ecr.api or sagemaker.runtime (lower-case letters, digits, '.', '-')."
  }

  validation {
    condition     = alltrue([for svc in var.interface_endpoint_services : !startswith(svc, "com.amazonaws.")])
    error_message = "[NET-021] interface_endpoint_services takes short names (ecr.api), not full service names (com.amazonaws.<region>.ecr.api): the module adds the prefix for the current region."
  }

  validation {
    condition     = length(distinct(var.interface_endpoint_services)) == length(var.interface_endpoint_services)
    error_message = "[NET-022] interface_endpoint_services must not contain duplicates."
  }

  validation {
    condition     = !contains(var.interface_endpoint_services, "s3")
    error_message = "[NET-023] interface_endpoint_services must not contain s3: the module always creates the S3 gateway endpoint."
  }
}

variable "additional_interface_endpoint_services" {
  description = "Short names of services that get an interface endpoint on top of `interface_endpoint_services`, for what other layers need (e.g. `aps-workspaces` when the observability layer is on: the training nodes remote-write to AMP). Same form and gate (closed network or `interface_endpoints_enabled`); default none."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for svc in var.additional_interface_endpoint_services : can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", svc)) && !startswith(svc, "com.amazonaws.") && svc != "s3"])
    error_message = "[NET-020] additional_interface_endpoint_services entries must be service short names like aps-workspaces (lower-case letters, digits, '.', '-'; not s3, not com.amazonaws.*)."
  }
}

################################################################################
# Flow logs and encryption
################################################################################

variable "flow_logs_retention_days" {
  description = "Retention of the VPC flow-log CloudWatch log group in days. One of `0` (never expire), `1`, `3`, `5`, `7`, `14`, `30`, `60`, `90`, `120`, `150`, `180`, `365`, `400`, `545`, `731`, `1096`, `1827`, `2192`, `2557`, `2922`, `3288`, `3653`. Keep `>= 365` for security baselines (checkov CKV_AWS_338)."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains(local.limits.log_retention_days, var.flow_logs_retention_days)
    error_message = "[NET-024] flow_logs_retention_days must be one of CloudWatch Logs' retention values: ${join(", ", local.limits.log_retention_days)} (got ${var.flow_logs_retention_days})."
  }
}

variable "kms_key_arn" {
  description = "ARN of an existing customer-managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`, not an alias) for the flow-log group and the launch templates' EBS volumes. Its key policy must allow `logs.<region>.amazonaws.com` and EC2/Auto Scaling EBS use. `null`: the module creates one key (rotation on, alias `alias/<name>`)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "[NET-025] kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); alias ARNs are not accepted by CloudWatch Logs."
  }
}

variable "kms_key_allow_autoscaling_service_linked_role" {
  description = "Only when the module creates the KMS key: add key-policy statements that let the Auto Scaling service-linked role (`AWSServiceRoleForAutoScaling`) use the key for encrypted EBS volumes of instances that EC2 Auto Scaling launches from the launch templates. Default `false`: KMS rejects a key policy naming a principal that does not exist, so `true` needs the role first (`aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com`)."
  type        = bool
  default     = false
  nullable    = false
}

################################################################################
# Compute helpers: placement groups and EFA launch templates
################################################################################

variable "placement_groups" {
  description = "Optional EC2 placement groups, named `<name>-<key>`. `strategy`: `cluster` (default, single AZ), `partition` (`partition_count` 1-7) or `spread` (`spread_level` `rack` or `host`). Never created implicitly for EFA: cluster placement groups conflict with Capacity Blocks and On-Demand Capacity Reservations."
  type = map(object({
    strategy        = optional(string, "cluster")
    spread_level    = optional(string)
    partition_count = optional(number)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.placement_groups) : can(regex("^[a-z0-9][a-z0-9-]{0,62}$", k))])
    error_message = "[NET-026] placement_groups keys must be 1-63 characters of lower-case letters, digits and '-', starting with a letter or digit."
  }

  validation {
    condition     = alltrue([for pg in values(var.placement_groups) : contains(["cluster", "partition", "spread"], pg.strategy)])
    error_message = "[NET-027] placement_groups[*].strategy must be one of: cluster, partition, spread."
  }

  validation {
    condition = alltrue([for pg in values(var.placement_groups) : pg.partition_count == null ? true : (
      pg.strategy == "partition" && pg.partition_count >= local.limits.placement_group_partition_count.min && pg.partition_count <= local.limits.placement_group_partition_count.max && floor(pg.partition_count) == pg.partition_count
    )])
    error_message = "[NET-028] placement_groups[*].partition_count is only valid with strategy partition and must be a whole number from 1 to 7."
  }

  validation {
    condition = alltrue([for pg in values(var.placement_groups) : pg.spread_level == null ? true : (
      pg.strategy == "spread" && contains(["host", "rack"], pg.spread_level)
    )])
    error_message = "[NET-029] placement_groups[*].spread_level is only valid with strategy spread and must be host or rack (host only on Outposts)."
  }
}

variable "efa_launch_templates" {
  description = <<-EOT
    EC2 launch templates with one EFA interface per EFA-capable network card, named `<name>-<key>`.
    `instance_type`: a key of `efa_instance_types.json` (`p4d.24xlarge`, `p4de.24xlarge`, `p5.48xlarge`, `p5e.48xlarge`,
    `p5en.48xlarge`, `p6-b200.48xlarge`, `trn1.32xlarge`, `trn1n.32xlarge`, `trn2.48xlarge`).
    `placement_group`: optional key of `placement_groups`. `image_id`: optional AMI (`ami-...`), else supplied at launch.
    `root_volume_size_gb`: gp3 root volume size, `8`-`16384` (default `512`).
    `http_put_response_hop_limit`: IMDSv2 hop limit `1`-`64` (default `1`; `2` for containers without host networking).
  EOT
  type = map(object({
    instance_type               = string
    placement_group             = optional(string)
    image_id                    = optional(string)
    root_volume_size_gb         = optional(number, 512)
    http_put_response_hop_limit = optional(number, 1)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.efa_launch_templates) : can(regex("^[a-z0-9][a-z0-9-]{0,62}$", k))])
    error_message = "[NET-030] efa_launch_templates keys must be 1-63 characters of lower-case letters, digits and '-', starting with a letter or digit."
  }

  validation {
    condition     = alltrue([for lt in values(var.efa_launch_templates) : contains(keys(local.efa_max_interfaces), lt.instance_type)])
    error_message = "[NET-031] efa_launch_templates[*].instance_type must be one of the EFA instance types in efa_instance_types.json: ${join(", ", sort(keys(local.efa_max_interfaces)))}."
  }

  validation {
    condition     = alltrue([for lt in values(var.efa_launch_templates) : lt.placement_group == null ? true : contains(keys(var.placement_groups), lt.placement_group)])
    error_message = "[NET-032] efa_launch_templates[*].placement_group must be a key of placement_groups (known: ${length(var.placement_groups) == 0 ? "none" : join(", ", sort(keys(var.placement_groups)))})."
  }

  validation {
    condition     = alltrue([for lt in values(var.efa_launch_templates) : lt.image_id == null ? true : can(regex("^ami-[0-9a-f]{8,17}$", lt.image_id))])
    error_message = "[NET-033] efa_launch_templates[*].image_id must look like ami-0123456789abcdef0."
  }

  validation {
    condition     = alltrue([for lt in values(var.efa_launch_templates) : lt.root_volume_size_gb >= local.limits.root_volume_size_gb.min && lt.root_volume_size_gb <= local.limits.root_volume_size_gb.max && floor(lt.root_volume_size_gb) == lt.root_volume_size_gb])
    error_message = "[NET-034] efa_launch_templates[*].root_volume_size_gb must be a whole number from 8 to 16384 (gp3 limit)."
  }

  validation {
    condition     = alltrue([for lt in values(var.efa_launch_templates) : lt.http_put_response_hop_limit >= local.limits.http_put_response_hop_limit.min && lt.http_put_response_hop_limit <= local.limits.http_put_response_hop_limit.max && floor(lt.http_put_response_hop_limit) == lt.http_put_response_hop_limit])
    error_message = "[NET-035] efa_launch_templates[*].http_put_response_hop_limit must be a whole number from 1 to 64."
  }
}

variable "root_device_name" {
  description = "Device name of the AMI's root volume that the launch templates' gp3 root volume mapping overrides: `/dev/xvda` (Amazon Linux, AL2023-based DLAMI) or `/dev/sda1` (Ubuntu-based DLAMI)."
  type        = string
  default     = "/dev/xvda"
  nullable    = false

  validation {
    condition     = contains(["/dev/xvda", "/dev/sda1"], var.root_device_name)
    error_message = "[NET-036] root_device_name must be /dev/xvda or /dev/sda1."
  }
}

variable "permissions_boundary" {
  description = "ARN of the IAM policy set as permissions boundary on every role this module creates (`permissions_boundary_arn` of the environment; modules/ci-identities creates it), or `null` for none. Adding or changing it updates the roles in place."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[\\w+=,.@/-]+$", var.permissions_boundary))
    error_message = "[CFG-014] permissions_boundary must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>) or null."
  }
}

output "file_system_id" {
  description = "ID of the file system (`fs-...`)."
  value       = try(local.fs.id, null)
}

output "file_system_arn" {
  description = "ARN of the file system."
  value       = try(local.fs.arn, null)
}

output "dns_name" {
  description = "DNS name to mount (`<dns_name>@tcp:/<mount_name>`)."
  value       = try(local.fs.dns_name, null)
}

output "mount_name" {
  description = "Lustre mount name (`<dns_name>@tcp:/<mount_name>`)."
  value       = try(local.fs.mount_name, null)
}

output "security_group_id" {
  description = "ID of the security group the module created, or null when the caller passed `security_group_ids`."
  value       = try(aws_security_group.this[0].id, null)
}

output "security_group_ids" {
  description = "Security groups attached to the file system (the caller's, or the module's own). Clients need one of them, or Lustre ports allowed from them."
  value       = local.create_security_group ? aws_security_group.this[*].id : var.security_group_ids
}

output "kms_key_arn" {
  description = "KMS key of the log group and, for persistent types, of the file system (created or passed in)."
  value       = local.kms_key_arn
}

output "log_group_name" {
  description = "CloudWatch log group receiving Lustre WARN/ERROR logs."
  value       = aws_cloudwatch_log_group.this.name
}

output "data_repository_association_ids" {
  description = "Data repository association IDs (`dra-...`) by key."
  value       = { for k, v in aws_fsx_data_repository_association.this : k => v.id }
}

output "aggregate_throughput_mbps" {
  description = "Baseline aggregate throughput in MB/s: storage_capacity_gib / 1024 * per_unit_storage_throughput, or the deployment type's fixed baseline (SCRATCH_2: 200 MB/s/TiB, from limits.json)."
  value       = var.storage_capacity_gib / 1024 * local.baseline_mbps_per_tib
}

output "network_interface_ids" {
  description = "ENIs of the file system; the first is the primary one."
  value       = try(local.fs.network_interface_ids, [])
}

locals {
  # What the key of SSE-KMS buckets linked by associations must allow (output s3_kms_key_policy_statements; AWS FSx
  # for Lustre guide, "Working with server-side encrypted Amazon S3 buckets"). Only from known values: the caller
  # feeds it into the buckets' key policy, which must not wait for (or depend on) the file system.
  linked_bucket_arns = sort(distinct([
    for d in values(local.persistent ? var.data_repository_associations : {}) :
    "arn:${local.partition}:s3:::${regex("^s3://([^/]+)", d.data_repository_path)[0]}"
  ]))
  s3_kms_key_policy_statements = [
    for arns in [local.linked_bucket_arns] : {
      sid       = "AllowFSxS3AccessRolesOfLinkedBuckets"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
      resources = ["*"]
      # The role is AWSServiceRoleForFSxS3Access_<file-system-id>: a key policy cannot name a role that does not
      # exist yet, and principals take no wildcards, hence "*" narrowed by the conditions below.
      principals = [{ type = "AWS", identifiers = ["*"] }]
      conditions = [
        {
          test     = "ArnLike"
          variable = "aws:PrincipalArn"
          values   = ["arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_*"]
        },
        { test = "StringEquals", variable = "kms:CallerAccount", values = [local.account_id] },
        { test = "StringEquals", variable = "kms:ViaService", values = ["s3.${local.region}.amazonaws.com"] },
        {
          # With S3 Bucket Keys the context is the bucket ARN; an object written without a bucket key has its
          # object ARN.
          test     = "StringLike"
          variable = "kms:EncryptionContext:aws:s3:arn"
          values   = flatten([for arn in arns : [arn, "${arn}/*"]])
        },
      ]
    } if length(arns) > 0
  ]
}

output "s3_kms_key_policy_statements" {
  description = <<-EOT
    Key-policy statements (`aws_iam_policy_document` shape: sid, effect, actions, resources, principals, conditions)
    that the customer managed key of the SSE-KMS buckets linked by `data_repository_associations` needs, so that FSx
    can lazy-load from and export to them; pass them to that key's policy (e.g. `kms_key_policy_statements` of
    `modules/s3-buckets`). FSx uses the service-linked role `AWSServiceRoleForFSxS3Access_<file-system-id>`, whose
    name exists only after the file system, so the principal is `*` narrowed by `aws:PrincipalArn` (that role name
    pattern in this account), `kms:CallerAccount`, `kms:ViaService` (S3 in this region: the buckets must be in the
    file system's region) and the S3 encryption context of the linked buckets (bucket ARN, used with S3 Bucket Keys,
    and object ARNs). Built from known values only, never from the file system. Empty without associations.
  EOT
  value       = local.s3_kms_key_policy_statements
}

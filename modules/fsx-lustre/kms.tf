################################################################################
# Customer managed key for the file system (persistent types) and its log group
################################################################################

module "kms" {
  source = "../kms-key"
  count  = local.create_kms_key ? 1 : 0

  description             = "FSx for Lustre file system and Lustre logs of ${var.name}"
  alias                   = "${var.name}-fsx"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = merge(var.tags, { Name = "${var.name}-fsx" })

  # FSx encrypts the file system and its backups with grants it creates on behalf of the caller.
  use_through_service = [{
    sid      = "AllowFSxUseThroughService"
    services = ["fsx.${local.region}.amazonaws.com"]
    actions  = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
  }]

  # CloudWatch Logs encrypts the Lustre log group, and only that log group.
  log_groups_sid = "AllowCloudWatchLogsForLustreLogGroup"
  log_group_arns = [local.log_group_arn]
}

# Addresses before modules/kms-key (the key exists whenever the count is 1). The file system's kms_key_id
# forces its replacement: the key must move, never be recreated.
moved {
  from = aws_kms_key.this[0]
  to   = module.kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.kms[0].aws_kms_alias.this
}

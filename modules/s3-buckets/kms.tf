################################################################################
# Customer managed key of the data buckets (when none is passed in)
################################################################################

module "kms" {
  source = "../kms-key"
  count  = local.create_kms_key ? 1 : 0

  description             = "S3 data buckets of ${var.name}"
  alias                   = "${var.name}-s3"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = merge(var.tags, { Name = "${var.name}-s3" })

  # Principals of this account may use the key for S3 SSE-KMS (with bucket keys) in this region; the
  # replication role gets its kms:Decrypt through its IAM policy.
  use_through_service = [{
    sid      = "AllowS3UseThroughService"
    services = ["s3.${local.region}.amazonaws.com"]
    actions  = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
  }]

  # Statements the caller adds (e.g. the `s3_kms_key_policy_statements` output of modules/fsx-lustre for the
  # FSx service-linked roles of file systems linked to these buckets).
  policy_statements = var.kms_key_policy_statements
}

# Addresses before modules/kms-key (the key exists whenever the count is 1).
moved {
  from = aws_kms_key.this[0]
  to   = module.kms[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.kms[0].aws_kms_alias.this
}

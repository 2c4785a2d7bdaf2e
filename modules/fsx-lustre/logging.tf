################################################################################
# Lustre logs (FSx only writes to log groups whose name starts with /aws/fsx)
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = try(module.kms[0].key_arn, var.kms_key_arn)

  tags = merge(var.tags, { Name = local.log_group_name })
}

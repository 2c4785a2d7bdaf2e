################################################################################
# KMS key for the flow-log group and the launch templates' EBS volumes
################################################################################

locals {
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? one(module.kms[*].key_arn) : var.kms_key_arn

  account_root_arn     = "arn:${local.partition}:iam::${local.account_id}:root"
  autoscaling_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
}

# The key, its alias and its one policy come from modules/kms-key. The Auto Scaling service-linked role
# statements are extra statements: that role uses the key directly (EBS of instances it launches), not
# through kms:ViaService.
module "kms" {
  source = "../kms-key"
  count  = local.create_kms_key ? 1 : 0

  description             = "${var.name}: VPC flow logs and EFA launch template EBS volumes"
  alias                   = var.name
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = merge(var.tags, { Name = var.name })

  # Sids of the policy before modules/kms-key, so the key policy of existing keys stays as it is.
  account_admin_sid = "EnableIAMPoliciesAndRootAdministration"
  log_groups_sid    = "AllowCloudWatchLogsForTheFlowLogGroup"
  log_group_arns    = var.create_vpc ? [local.flow_log_group_arn] : []

  policy_statements = [
    for s in [
      {
        sid        = "AllowAutoScalingServiceLinkedRoleUseForEBS"
        actions    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        principals = [{ type = "AWS", identifiers = [local.autoscaling_role_arn] }]
        conditions = []
      },
      {
        sid        = "AllowAutoScalingServiceLinkedRoleGrantsForEBS"
        actions    = ["kms:CreateGrant"]
        principals = [{ type = "AWS", identifiers = [local.autoscaling_role_arn] }]
        conditions = [{ test = "Bool", variable = "kms:GrantIsForAWSResource", values = ["true"] }]
      },
    ] : s if var.kms_key_allow_autoscaling_service_linked_role
  ]
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

module "body" {
  source = "./body"

  cluster_name       = var.cluster_name
  execution_role_arn = var.execution_role_arn
  lifecycle_scripts  = var.lifecycle_scripts
  subnet_ids         = var.subnet_ids
  security_group_ids = var.security_group_ids
  node_recovery      = var.node_recovery
  fsx                = var.fsx
  ebs_kms_key_id     = var.ebs_kms_key_id
  instance_groups    = var.instance_groups
  tags               = var.tags
}

locals {
  body = module.body.cluster
}

# Every attribute is assigned from the body, so tests/terraform/test_hyperpod_schema.py lints what is sent.
resource "awscc_sagemaker_cluster" "this" {
  #checkov:skip=CKV_LLM_11:On HCL vpc_config is a reference to module.body; the check runs on each environment's evaluated body in tests/terraform/test_hyperpod_schema.py, and body/ validates 1-16 subnets and 1-5 security groups.
  #checkov:skip=CKV_LLM_13:On HCL node_recovery is a reference to module.body; the check runs on the evaluated bodies (test_hyperpod_schema.py) and body/ validates Automatic|None.
  cluster_name           = local.body.cluster_name
  node_recovery          = local.body.node_recovery
  node_provisioning_mode = local.body.node_provisioning_mode
  orchestrator           = local.body.orchestrator
  vpc_config             = local.body.vpc_config
  instance_groups        = local.body.instance_groups
  tags                   = local.body.tags
}

output "cluster" {
  description = "The whole awscc_sagemaker_cluster body (awscc attribute names); the parent resource assigns from it."
  value       = local.cluster
}

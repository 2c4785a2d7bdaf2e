output "oidc_provider_arn" {
  description = "The GitHub Actions OIDC provider the roles trust (created here or passed in)."
  value       = local.oidc_provider_arn
}

output "role_arns" {
  description = "Per environment, the ARNs of its `plan`, `apply` and `drift` roles: set them as the GitHub environment variables `AWS_PLAN_ROLE_ARN`, `AWS_APPLY_ROLE_ARN`, `AWS_DRIFT_ROLE_ARN` (README \"From CI\")."
  value = {
    for name in keys(local.environments) : name => {
      for kind in local.kinds : kind => aws_iam_role.ci["${name}-${kind}"].arn
    }
  }
}

output "permissions_boundary_arns" {
  description = "Per environment, the permissions boundary its stacks attach to every role they create (`permissions_boundary_arn` in environments/<name>.toml)."
  value       = { for name in keys(local.environments) : name => aws_iam_policy.boundary[name].arn }
}

output "key_arn" {
  description = "ARN of the key (`arn:aws:kms:<region>:<account>:key/<id>`)."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "Id of the key."
  value       = aws_kms_key.this.key_id
}

output "alias_name" {
  description = "Name of the alias (`alias/<alias>`)."
  value       = aws_kms_alias.this.name
}

output "alias_arn" {
  description = "ARN of the alias."
  value       = aws_kms_alias.this.arn
}

output "policy_json" {
  description = "The key policy document (JSON), as attached to the key."
  value       = data.aws_iam_policy_document.this.json
}

output "statements" {
  description = "The statements of the key policy as configured (`sid`, `effect`, `actions`, `resources`, `principals`, `condition`), in document order; for tests and reviews."
  value       = data.aws_iam_policy_document.this.statement
}

output "enable_key_rotation" {
  description = "Whether the key material rotates yearly."
  value       = aws_kms_key.this.enable_key_rotation
}

output "deletion_window_in_days" {
  description = "Days between scheduling the key's deletion and its deletion."
  value       = aws_kms_key.this.deletion_window_in_days
}

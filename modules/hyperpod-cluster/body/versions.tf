terraform {
  # >= 1.9: variable validations refer to other variables. No provider: this submodule only computes the
  # cluster body, so `terraform test` can evaluate it on a machine without the awscc provider.
  required_version = ">= 1.9"
}

# Offline plan tests: `terraform init -backend=false && terraform test` (no AWS account needed).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
      arn        = "arn:aws:iam::111111111111:role/ci-plan"
      user_id    = "AROAEXAMPLEEXAMPLE:ci"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_region" {
    defaults = {
      id   = "us-east-1"
      name = "us-east-1"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Mock\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sagemaker.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:us-east-1:111111111111:key/0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
      key_id = "0b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111111111111:role/llm-dev-training-hyperpod-exec"
    }
  }
}

variables {
  name          = "llm-dev-training"
  bucket_name   = "sagemaker-llm-dev-training-111111111111"
  cluster_name  = "llm-dev"
  lifecycle_dir = "./tests/lifecycle"
  storage = {
    dataset_bucket_arns    = ["arn:aws:s3:::llm-dev-storage-111111111111-datasets"]
    checkpoint_bucket_arns = ["arn:aws:s3:::llm-dev-storage-111111111111-checkpoints"]
    kms_key_arn            = "arn:aws:kms:us-east-1:111111111111:key/1b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
  }
  fsx = {
    dns_name   = "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com"
    mount_name = "abcdefgh"
    efa        = true
  }
  users = [{ name = "alice", uid = 2001, groups = ["docker"] }]
  tags  = { project = "llm" }
}

run "plans_role_bucket_and_lifecycle_objects" {
  command = plan

  assert {
    condition     = aws_iam_role.execution.name == "llm-dev-training-hyperpod-exec"
    error_message = "The execution role name must be stable."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.managed.policy_arn == "arn:aws:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy"
    error_message = "The managed policy must come through the partition."
  }

  assert {
    condition     = startswith(output.lifecycle_bucket_name, "sagemaker-")
    error_message = "The lifecycle bucket must start with sagemaker-."
  }

  assert {
    condition     = output.lifecycle_source_s3_uri == "s3://sagemaker-llm-dev-training-111111111111-lifecycle/lifecycle"
    error_message = "source_s3_uri must point at the lifecycle prefix."
  }

  # Only scripts and artifacts.json are uploaded (the fixture folder also holds a README that must not be).
  assert {
    condition     = toset(keys(aws_s3_object.lifecycle)) == toset(["on_create.sh", "lib/common.sh", "artifacts.json"])
    error_message = "Only *.sh and artifacts.json of the lifecycle folder are uploaded (got ${jsonencode(keys(aws_s3_object.lifecycle))})."
  }

  assert {
    condition     = aws_s3_object.lifecycle["on_create.sh"].source_hash == filemd5("./tests/lifecycle/on_create.sh")
    error_message = "Scripts carry source_hash of the repository file."
  }

  assert {
    condition     = jsondecode(aws_s3_object.node_config.content).fsx.efa == true && jsondecode(aws_s3_object.node_config.content).fsx.mount_path == "/fsx"
    error_message = "node-config.json carries the FSx mount with its default path."
  }

  assert {
    condition     = jsondecode(aws_s3_object.node_config.content).observability.enabled == false
    error_message = "Without observability node-config.json says so."
  }

  assert {
    condition     = jsondecode(aws_s3_object.node_config.content).artifacts_s3_uri == "s3://sagemaker-llm-dev-training-111111111111-lifecycle/artifacts/"
    error_message = "Artifacts are staged in the same bucket under artifacts/."
  }

  assert {
    condition     = aws_s3_object.node_config.key == "lifecycle/node-config.json"
    error_message = "node-config.json sits next to the scripts."
  }
}

run "observability_on_writes_url" {
  command = plan

  variables {
    observability = {
      workspace_arn    = "arn:aws:aps:us-east-1:111111111111:workspace/ws-0123abcd-1111-2222-3333-444455556666"
      remote_write_url = "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0123abcd-1111-2222-3333-444455556666/api/v1/remote_write"
    }
  }

  assert {
    condition     = jsondecode(aws_s3_object.node_config.content).observability.enabled && endswith(jsondecode(aws_s3_object.node_config.content).observability.remote_write_url, "/remote_write")
    error_message = "With observability node-config.json carries the remote-write URL."
  }
}

run "rejects_bad_names_and_arns" {
  command = plan
  variables {
    # rejects_bad_name
    name = "bad name"
    # rejects_bad_cluster_name
    cluster_name = "-llm"
    # rejects_bad_bucket_arn
    storage = {
      dataset_bucket_arns    = ["llm-dev-datasets"]
      checkpoint_bucket_arns = []
      kms_key_arn            = "arn:aws:kms:us-east-1:111111111111:key/1b7c2f5e-1111-4a6e-9c39-2d0c5e8a1f00"
    }
    # rejects_bad_user_name
    users = [{ name = "Alice", uid = 2001 }]
    # rejects_bad_workspace_arn
    observability = { workspace_arn = "ws-123", remote_write_url = "https://example" }
  }
  expect_failures = [
    var.name,          # rejects_bad_name
    var.cluster_name,  # rejects_bad_cluster_name
    var.storage,       # rejects_bad_bucket_arn
    var.users,         # rejects_bad_user_name
    var.observability, # rejects_bad_workspace_arn
  ]
}

run "rejects_bad_prefixes_paths_and_duplicate_uids" {
  command = plan
  variables {
    # rejects_bucket_without_sagemaker_prefix
    bucket_name = "llm-dev-training-111111111111"
    # rejects_kms_alias
    storage = {
      dataset_bucket_arns    = []
      checkpoint_bucket_arns = []
      kms_key_arn            = "alias/llm"
    }
    # rejects_relative_mount_path
    fsx = { dns_name = "fs.example", mount_name = "abcdefgh", mount_path = "fsx" }
    # rejects_duplicate_uid
    users = [{ name = "alice", uid = 2001 }, { name = "bob", uid = 2001 }]
    # rejects_a_boundary_that_is_not_a_policy_arn
    permissions_boundary = "arn:aws:iam::111111111111:role/not-a-policy"
  }
  expect_failures = [
    var.bucket_name,          # rejects_bucket_without_sagemaker_prefix
    var.storage,              # rejects_kms_alias
    var.fsx,                  # rejects_relative_mount_path
    var.users,                # rejects_duplicate_uid
    var.permissions_boundary, # rejects_a_boundary_that_is_not_a_policy_arn
  ]
}
run "boundary_is_set_on_the_execution_role" {
  command = plan
  variables { permissions_boundary = "arn:aws:iam::111111111111:policy/github-llm-dev-boundary" }
  assert {
    condition     = aws_iam_role.execution.permissions_boundary == "arn:aws:iam::111111111111:policy/github-llm-dev-boundary"
    error_message = "The execution role carries the permissions boundary."
  }
}


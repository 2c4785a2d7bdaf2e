"""A layer stack: S3 backend with native locking, the aws provider, version constraints."""

from __future__ import annotations

from typing import Any

from llm_infra.cdk import Construct, Provider, TerraformOutput, TerraformStack, s3_backend
from llm_infra.config import Environment
from llm_infra.label import Label
from llm_infra.layers.spec import state_key

TERRAFORM_REQUIRED_VERSION = ">= 1.10"  # S3 backend native locking (use_lockfile)
AWS_PROVIDER_CONSTRAINT = ">= 5.100, < 7"

__all__ = ["AWS_PROVIDER_CONSTRAINT", "TERRAFORM_REQUIRED_VERSION", "LayerStack", "state_key"]


class LayerStack(TerraformStack):
    """One environment x one layer, with its own state object."""

    def __init__(self, scope: Construct, *, environment: Environment, layer: str) -> None:
        self.environment = environment
        self.label = Label.for_layer(environment, layer)
        super().__init__(scope, self.label.stack_id)
        self.layer = layer
        self.state_key = state_key(environment.name, layer)
        backend: dict[str, Any] = {
            "bucket": environment.state.bucket,
            "key": self.state_key,
            "region": environment.state_region,
            "encrypt": True,
            "kms_key_id": environment.state.kms_key_arn,
        }
        if environment.role_arn:
            backend["assume_role"] = {"role_arn": environment.role_arn, "session_name": f"llm-infra-{layer}"}
        s3_backend(self, use_lockfile=True, **backend)
        self.add_override("terraform.required_version", TERRAFORM_REQUIRED_VERSION)
        self.add_override("terraform.required_providers.aws.version", AWS_PROVIDER_CONSTRAINT)
        self.aws = self.aws_provider("aws", region=environment.region)

    def aws_provider(self, construct_id: str, *, region: str, alias: str | None = None) -> Provider:
        """An aws provider pinned to the environment's account, with its role and default tags."""
        config: dict[str, Any] = {
            "region": region,
            "allowed_account_ids": [self.environment.account_id],
            "default_tags": [{"tags": self.label.tags}],
        }
        if self.environment.role_arn:
            session = f"llm-infra-{self.label.stack_id}"
            config["assume_role"] = [{"role_arn": self.environment.role_arn, "session_name": session}]
        return Provider(
            self, construct_id, type_name="aws", source="hashicorp/aws", config=config, alias=alias
        )

    def output(self, name: str, value: Any, description: str) -> None:
        TerraformOutput(self, name, value=value, description=description)

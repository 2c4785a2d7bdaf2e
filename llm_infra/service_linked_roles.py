"""Service-linked roles that the environment's KMS key policies name as principals.

KMS rejects a key policy whose principal does not exist (``CreateKey``/``PutKeyPolicy`` fail with
``MalformedPolicyDocumentException``), and a service-linked role exists only once the service created it or
someone ran ``aws iam create-service-linked-role``. This is the one place that knows which roles the synthesized
key policies name for a given configuration: the wrappers set the module inputs from it and preflight checks
that each role exists. (Roles matched only by a condition, such as FSx's ``AWSServiceRoleForFSxS3Access_*``
behind ``aws:PrincipalArn``, are not principals and need not exist before the key.)

No CDK import here: the ops tools use it without loading the CDK engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm_infra.config import Environment
    from llm_infra.layers.network.config import NetworkConfig


@dataclass(frozen=True)
class ServiceLinkedRole:
    service: str  # the service principal, e.g. autoscaling.amazonaws.com
    name: str  # e.g. AWSServiceRoleForAutoScaling
    setting: str  # the environment setting that puts the role into a key policy

    def arn(self, *, partition: str, account_id: str) -> str:
        return f"arn:{partition}:iam::{account_id}:role/aws-service-role/{self.service}/{self.name}"

    @property
    def create_command(self) -> str:
        return f"aws iam create-service-linked-role --aws-service-name {self.service}"


AUTOSCALING = ServiceLinkedRole(
    service="autoscaling.amazonaws.com",
    name="AWSServiceRoleForAutoScaling",
    setting="network.kms_key_allow_autoscaling_service_linked_role",
)


def network_key_policy_roles(network: NetworkConfig) -> tuple[ServiceLinkedRole, ...]:
    """Roles the network module's key policy names (the module creates the key; the wrapper passes no key)."""
    return (AUTOSCALING,) if network.kms_key_allow_autoscaling_service_linked_role else ()


def key_policy_service_linked_roles(environment: Environment) -> tuple[ServiceLinkedRole, ...]:
    """Every service-linked role a key policy of the environment names, in layer order (each enabled layer's
    preflight inputs list the roles of its keys; the storage layer's name none)."""
    from llm_infra import layers  # noqa: PLC0415 - the layers import this module

    roles = (
        role
        for layer in layers.registry()
        if layer.is_on(environment)
        for role in layer.preflight(environment).service_linked_roles
    )
    return tuple(dict.fromkeys(roles))

"""Which identity Terraform runs as, chosen at synth time (``LLM_INFRA_STACK_IDENTITY``, read by the entry points).

- ``assume-role`` (default): every stack's aws/awscc providers, its S3 backend and its remote-state reads assume
  the environment's ``role_arn`` (when the file sets one), starting from whatever credentials the caller has.
- ``ambient``: the stacks carry no ``assume_role`` at all; Terraform runs as the caller's own credentials. CI uses
  this: the OIDC role that ``aws-actions/configure-aws-credentials`` assumed (plan, apply or drift role of
  ``modules/ci-identities``) IS the stack's identity, so a read-only drift job cannot escalate to the deployer
  role, and no role chain (one hour at most) cuts a long apply short.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from llm_infra.config import Environment

VARIABLE = "LLM_INFRA_STACK_IDENTITY"
Identity = Literal["assume-role", "ambient"]
IDENTITIES: tuple[Identity, ...] = get_args(Identity)
DEFAULT: Identity = "assume-role"


class IdentityError(ValueError):
    """The variable holds something else; the message names the variable, the value and the allowed ones."""


def parse(value: str | None) -> Identity:
    """The identity ``value`` (the variable's text; unset or empty: the default) names."""
    if value is None or value == "":
        return DEFAULT
    for identity in IDENTITIES:
        if value == identity:
            return identity
    raise IdentityError(
        f"{VARIABLE}: unknown stack identity (got {value!r}; allowed: {', '.join(IDENTITIES)})"
    )


def apply(environments: Sequence[Environment], identity: Identity) -> list[Environment]:
    """The environments as the stacks (and the ops tools) should see them: ``ambient`` drops ``role_arn``.

    Dropping a field cannot break a rule that held with it (CFG-003 only checks a role that is set), so the
    copies need no re-validation."""
    if identity == "assume-role":
        return list(environments)
    return [environment.model_copy(update={"role_arn": None}) for environment in environments]

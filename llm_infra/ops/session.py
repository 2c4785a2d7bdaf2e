"""AWS sessions for the operations tools: the standard credential chain, then the environment's role.

Credentials, region and endpoints resolve exactly as boto3 resolves them (``AWS_PROFILE``, ``--profile``, SSO,
instance and container roles, ``AWS_ENDPOINT_URL`` and per-service endpoint settings). When the environment
sets ``role_arn``, the tools assume it through STS with a session name that says which tool ran; the
credentials refresh themselves, so long waits do not outlive them. Every client retries in botocore's
``standard`` mode (throttling included) and has connect and read timeouts, so no call can hang.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials

from llm_infra.config import Environment
from llm_infra.ops.errors import OpsError, describe, is_fatal

DEFAULT_MAX_ATTEMPTS = 5
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 60
ROLE_SESSION_SECONDS = 3600
USER_AGENT_EXTRA = "llm-infra-ops"


def client_config(core: Any) -> Config:
    """Retries and timeouts; ``AWS_MAX_ATTEMPTS`` / ``AWS_RETRY_MODE`` (or the profile's) still win."""
    attempts = core.get_config_variable("max_attempts")
    mode = core.get_config_variable("retry_mode")
    return Config(
        retries={
            "mode": mode or "standard",
            "total_max_attempts": int(attempts) if attempts else DEFAULT_MAX_ATTEMPTS,
        },
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        user_agent_extra=USER_AGENT_EXTRA,
    )


def role_session_name(tool: str, environment: str) -> str:
    """``llm-infra-<tool>-<env>``: shows in CloudTrail who did what."""
    return f"llm-infra-{tool}-{environment}"[:64]


@dataclass
class Aws:
    """A boto3 session for one environment, with the retry/timeout config every client shares."""

    session: boto3.Session
    config: Config
    region: str
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=key[1], config=self.config)
        return self._clients[key]

    def caller_identity(self) -> dict[str, str]:
        response = self.client("sts").get_caller_identity()
        return {"account": str(response["Account"]), "arn": str(response["Arn"])}


def _assumed_credentials(sts: Any, role_arn: str, session_name: str) -> RefreshableCredentials:
    def fetch() -> dict[str, str]:
        response = sts.assume_role(
            RoleArn=role_arn, RoleSessionName=session_name, DurationSeconds=ROLE_SESSION_SECONDS
        )
        credentials = response["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    try:
        metadata = fetch()
    except Exception as error:
        if is_fatal(error):
            raise
        raise OpsError(f"cannot assume {role_arn}: {describe(error)}") from None
    return RefreshableCredentials.create_from_metadata(
        metadata=metadata, refresh_using=fetch, method="sts-assume-role"
    )


def open_session(environment: Environment, *, tool: str, profile: str | None = None) -> Aws:
    """The caller's session (standard chain), switched to the environment's role when it has one."""
    core = botocore.session.Session(profile=profile)
    config = client_config(core)
    base = boto3.Session(botocore_session=core, region_name=environment.region)
    if environment.role_arn is None:
        return Aws(session=base, config=config, region=environment.region)
    sts = base.client("sts", region_name=environment.region, config=config)
    credentials = _assumed_credentials(sts, environment.role_arn, role_session_name(tool, environment.name))
    assumed_core = botocore.session.Session(profile=profile)
    assumed_core._credentials = credentials  # botocore has no public setter for refreshable credentials
    assumed = boto3.Session(botocore_session=assumed_core, region_name=environment.region)
    return Aws(session=assumed, config=config, region=environment.region)

"""boto3 against a moto server, acting in an environment's account (test setup, assertions, emulator-only steps)."""

from __future__ import annotations

from typing import Any

import boto3

from tests.support.moto import MotoServer

TEST_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def role_arn(account_id: str) -> str:
    """The role the tests assume in ``account_id``: moto answers as that account for its credentials."""
    return f"arn:aws:iam::{account_id}:role/moto-test"


def client_in_account(
    moto: MotoServer, account_id: str, region: str, service: str, session_name: str = "test"
) -> Any:
    """A boto3 client of ``service`` acting in ``account_id`` (moto maps credentials of an assumed role to its
    account), talking only to ``moto``."""
    endpoint = {"endpoint_url": moto.endpoint, "region_name": region}
    sts = boto3.client("sts", **endpoint, **TEST_KEYS)
    credentials = sts.assume_role(RoleArn=role_arn(account_id), RoleSessionName=session_name)["Credentials"]
    return boto3.client(
        service,
        **endpoint,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )

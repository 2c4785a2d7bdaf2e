"""The comparison rules that make bootstrap idempotent without clobbering other tools' settings."""

from __future__ import annotations

import json

import pytest

from llm_infra.ops.errors import OpsError
from llm_infra.ops.state_rules import (
    LIFECYCLE_RULE_ID,
    encryption_matches,
    lifecycle_rule,
    merge_lifecycle,
    merge_policy,
    parse_kms_arn,
    tls_only_statement,
)

BUCKET = "llm-infra-tfstate-111111111111-us-west-2"
KEY_ARN = "arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_alias_and_key_arns_are_parsed() -> None:
    alias = parse_kms_arn("arn:aws:kms:us-west-2:111111111111:alias/llm-infra-tfstate")
    assert (alias.partition, alias.region, alias.account) == ("aws", "us-west-2", "111111111111")
    assert (alias.alias_name, alias.key_id) == ("alias/llm-infra-tfstate", None)
    key = parse_kms_arn(KEY_ARN)
    assert (key.alias_name, key.key_id) == (None, "1234abcd-12ab-34cd-56ef-1234567890ab")
    with pytest.raises(OpsError) as caught:
        parse_kms_arn("alias/llm-infra-tfstate")
    assert caught.value.exit_code == 2


def test_policy_without_our_statement_gets_it_and_keeps_the_others() -> None:
    foreign = {
        "Sid": "AllowAudit",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::1:root"},
        "Action": "s3:Get*",
    }
    current = json.dumps({"Version": "2012-10-17", "Statement": [foreign]})
    present, merged = merge_policy(current, tls_only_statement(BUCKET))
    assert present is False
    assert json.loads(merged)["Statement"] == [foreign, tls_only_statement(BUCKET)]


def test_policy_statement_equal_up_to_aws_normalisation_is_in_place() -> None:
    statement = tls_only_statement(BUCKET)
    as_returned = dict(
        statement, Principal={"AWS": "*"}, Action=["s3:*"], Resource=statement["Resource"][::-1]
    )
    present, _ = merge_policy(json.dumps({"Version": "2012-10-17", "Statement": [as_returned]}), statement)
    assert present is True


def test_weakened_statement_is_replaced_not_duplicated() -> None:
    statement = tls_only_statement(BUCKET)
    weakened = dict(statement, Condition={"Bool": {"aws:SecureTransport": "true"}})
    present, merged = merge_policy(json.dumps({"Statement": [weakened]}), statement)
    assert present is False
    assert json.loads(merged)["Statement"] == [statement]


def test_no_policy_yields_a_policy_with_only_our_statement() -> None:
    present, merged = merge_policy(None, tls_only_statement(BUCKET))
    assert present is False
    assert json.loads(merged) == {"Version": "2012-10-17", "Statement": [tls_only_statement(BUCKET)]}


def test_lifecycle_rule_is_recognised_in_the_shapes_s3_returns() -> None:
    rule = lifecycle_rule(90)
    assert merge_lifecycle([rule], rule) == (True, [rule])
    legacy_filter = dict(rule, Filter={"Prefix": ""})
    assert merge_lifecycle([legacy_filter], rule)[0] is True


def test_lifecycle_with_other_days_is_updated_and_other_rules_are_kept() -> None:
    other = {"ID": "expire-tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}}
    present, rules = merge_lifecycle([other, lifecycle_rule(30)], lifecycle_rule(90))
    assert present is False
    assert rules == [other, lifecycle_rule(90)]
    assert [r["ID"] for r in rules].count(LIFECYCLE_RULE_ID) == 1


def test_lifecycle_rule_limited_to_a_prefix_is_not_in_place() -> None:
    assert (
        merge_lifecycle([dict(lifecycle_rule(90), Filter={"Prefix": "env/"})], lifecycle_rule(90))[0] is False
    )


@pytest.mark.parametrize(
    ("key_id", "bucket_key", "algorithm", "expected"),
    [
        (KEY_ARN, True, "aws:kms", True),
        ("alias/llm-infra-tfstate", True, "aws:kms", True),
        (KEY_ARN, False, "aws:kms", False),
        ("arn:aws:kms:us-west-2:111111111111:key/other", True, "aws:kms", False),
        (None, True, "AES256", False),
    ],
)
def test_encryption_must_use_our_key_with_bucket_keys(
    key_id: str | None, bucket_key: bool, algorithm: str, expected: bool
) -> None:
    default = {"SSEAlgorithm": algorithm, **({"KMSMasterKeyID": key_id} if key_id else {})}
    configuration = {
        "Rules": [{"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": bucket_key}]
    }
    assert encryption_matches(configuration, {KEY_ARN, "alias/llm-infra-tfstate"}) is expected
    assert encryption_matches(None, {KEY_ARN}) is False

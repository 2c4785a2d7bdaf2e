"""Names and tags come from the label: its three name forms, the budgets, the [{key, value}] tags."""

from __future__ import annotations

import dataclasses

import pytest

from llm_infra import layers
from llm_infra.label import Label, NameBudgetError
from llm_infra.layers import RegistryError, ordered
from llm_infra.layers.storage.config import storage_bucket_prefix

LABEL = Label("llm", "prod", "inference", (("Owner", "ml-platform"), ("Project", "llm")))


def test_name_forms() -> None:
    assert LABEL.prefix == "llm-prod-inference"
    assert LABEL.short == "llm-prod-inf"
    assert LABEL.scoped("111111111111") == "llm-prod-inference-111111111111"
    assert LABEL.name("a", "b") == "llm-prod-inference-a-b"


def test_short_form_fits_the_tightest_budget_for_every_allowed_namespace_and_environment() -> None:
    # the longest namespace (10) and environment (12) the config patterns allow
    longest = Label("n" * 10, "e" * 12, "observability")
    assert len(longest.short) == 27
    # SageMaker endpoint-config name_prefix (37) with a 9-character part still fits
    assert longest.fit(37, "endpoint1", what="endpoint config name_prefix", short=True).endswith("-endpoint1")


def test_fit_refuses_a_name_over_its_budget_and_says_by_how_much() -> None:
    with pytest.raises(NameBudgetError) as raised:
        LABEL.fit(20, "role", what="IAM role name_prefix")
    assert str(raised.value) == (
        "IAM role name_prefix llm-prod-inference-role is 23 characters (allowed at most 20)"
    )
    assert LABEL.fit(23, "role", what="IAM role name_prefix") == "llm-prod-inference-role"
    assert LABEL.fit(40, "x", what="bucket", start="sagemaker-") == "sagemaker-llm-prod-inference-x"


def test_tag_list_is_the_tags_as_key_value_pairs_sorted() -> None:
    pairs = LABEL.tag_list
    assert pairs == sorted(pairs, key=lambda pair: pair["key"])
    assert {pair["key"]: pair["value"] for pair in pairs} == LABEL.tags
    assert all(set(pair) == {"key", "value"} for pair in pairs)


def test_storage_bucket_prefix_is_the_storage_label_scoped_to_the_account() -> None:
    assert storage_bucket_prefix("llm", "dev", "111111111111") == Label("llm", "dev", "storage").scoped(
        "111111111111"
    )


def test_registry_refuses_two_layers_with_the_same_short_form() -> None:
    clash = dataclasses.replace(layers.STORAGE, name="netflow", table="netflow", requires=(), uses=())
    with pytest.raises(RegistryError, match="short forms"):
        ordered((layers.NETWORK, clash))

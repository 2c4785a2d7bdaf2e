"""Inference rules that need more than the ``[inference]`` table: names built from the label (INF-001 the module's
``name``, INF-002 each endpoint configuration's ``name_prefix``), and the storage buckets the models are read from
and data capture writes to (INF-019 the keys exist, INF-020 each model's data is in the model bucket)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from llm_infra.config.types import rule
from llm_infra.label import Label
from llm_infra.layers.inference.config import InferenceConfig
from llm_infra.layers.spec import Problems
from llm_infra.layers.storage import LAYER as STORAGE
from llm_infra.layers.storage.config import storage_bucket_prefix

if TYPE_CHECKING:
    from llm_infra.config import Environment

NAME_MAX = 20  # modules/inference-fleet var.name (INF-001)
_NAME = re.compile(r"^[A-Za-z0-9](-?[A-Za-z0-9])*$")


def module_name(environment: Environment) -> str:
    """The fleet's ``name``: the label's short form (``llm-prod-inf``), prefix of every endpoint and model name."""
    return Label.for_layer(environment, "inference").short


def rules(environment: Environment) -> Problems:
    from llm_infra.layers.inference import LAYER  # noqa: PLC0415 - the package imports this module lazily

    config = LAYER.require(environment)
    name = module_name(environment)
    problems: Problems = []
    if len(name) > NAME_MAX or not _NAME.match(name):
        problems.append(
            rule(
                "inference",
                f"endpoint names start with {name}, {len(name)} characters (namespace and environment too long)",
                name,
                id="INF-001",
                allowed=f"at most {NAME_MAX} letters, digits or single '-'",
            )
        )
    # The other endpoint rules ran when the table was loaded; the name prefix needs the label.
    problems += [
        {**p, "path": f"inference.{p['path']}"} for p in config.problems(name) if p["id"] == "INF-002"
    ]
    problems += bucket_rules(environment, config)
    return problems


def bucket_rules(environment: Environment, config: InferenceConfig) -> Problems:
    storage = STORAGE.config(environment)
    if storage is None:  # CFG-013 reports the missing required layer
        return []
    problems: Problems = []
    for field in ("model_bucket", "capture_bucket"):
        key = getattr(config, field)
        if key not in storage.buckets:
            problems.append(
                rule(
                    f"inference.{field}",
                    "not a bucket of the storage layer",
                    key,
                    id="INF-019",
                    allowed=", ".join(sorted(storage.buckets)),
                )
            )
    if config.model_bucket in storage.buckets:
        prefix = storage_bucket_prefix(environment.namespace, environment.name, environment.account_id)
        bucket = f"{prefix}-{config.model_bucket}"
        for key, endpoint in config.endpoints.items():
            found = endpoint.model_data_url.removeprefix("s3://").split("/", 1)[0]
            if found != bucket:
                problems.append(
                    rule(
                        f"inference.endpoints.{key}.model_data_url",
                        "not in the model bucket (the execution role reads that bucket only)",
                        endpoint.model_data_url,
                        id="INF-020",
                        allowed=f"s3://{bucket}/...",
                    )
                )
    return problems

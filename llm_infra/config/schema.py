"""JSON Schemas of the environment files, generated from the pydantic models (``python main.py --schema``).

Two schemas, both with ``additionalProperties: false`` wherever the models forbid unknown keys:

- ``overlay``: one environment file (or ``_defaults.toml``) as written, merged over the defaults: every key is
  optional, because a table merges key by key with the defaults (llm_infra/config/loader.py, ``deep_merge``).
- ``strict``: the merged result, with the required keys of the models.

Neither has ``name``: the environment name is the file name, and the loader rejects a ``name`` key. What the
schemas cannot say (cross-field rules such as CIDRs inside the VPC, the ids in brackets) is checked by the loader
only; a value of the wrong type, a value out of a range or pattern, and an unknown key are rejected by both.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

from llm_infra.config.environment import environment_model

Kind = Literal["overlay", "strict"]
KINDS: tuple[Kind, ...] = ("overlay", "strict")
FILE_NAMES: dict[Kind, str] = {
    "overlay": "environment.schema.json",
    "strict": "environment.merged.schema.json",
}
DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DESCRIPTIONS: dict[Kind, str] = {
    "overlay": (
        "One llm-infra environment file (environments/<name>.toml) or _defaults.toml, as written: every key is "
        "optional because the file is merged over the shared defaults; unknown keys are errors."
    ),
    "strict": (
        "An llm-infra environment after merging its file over environments/_defaults.toml: what the loader "
        "validates (cross-field rules are checked by `python main.py --check` only)."
    ),
}


def _drop_required(node: Any) -> Any:
    """Every key optional, at every depth (tables, and entries of keyed tables, merge with the defaults)."""
    if isinstance(node, dict):
        return {
            key: _drop_required(value)
            for key, value in node.items()
            if not (key == "required" and isinstance(value, list))  # a property called "required" is a dict
        }
    if isinstance(node, list):
        return [_drop_required(value) for value in node]
    return node


def schema(kind: Kind) -> dict[str, Any]:
    """The ``kind`` schema of the environment model of the layers registered now."""
    generated = copy.deepcopy(environment_model().model_json_schema(mode="validation"))
    generated["properties"].pop("name")
    generated["required"] = [key for key in generated.get("required", []) if key != "name"]
    if kind == "overlay":
        generated = _drop_required(generated)
    elif kind != "strict":
        raise ValueError(f"unknown schema kind {kind!r} (allowed: {', '.join(KINDS)})")
    generated["title"] = f"llm-infra environment ({kind})"
    generated["description"] = _DESCRIPTIONS[kind]
    return {"$schema": DIALECT, **generated}


def schema_text(kind: Kind) -> str:
    """The schema as the committed files hold it (sorted keys, two-space indent, a final newline)."""
    return json.dumps(schema(kind), indent=2, sort_keys=True) + "\n"

"""What a rollout plans, from a crafted state: a new image or container environment replaces the model and the
endpoint configuration and *updates* the endpoint in place (SageMaker's blue/green or rolling deployment, with
auto-rollback), never replaces it; a new autoscaling maximum touches the scalable target only.

moto cannot apply the inference layer (ml.inf2.* is refused, no UpdateEndpoint, no autoscaling tag listing), so
the state is crafted: starting from nothing, each ``plan -refresh=false`` of dev-inference (against moto, after the
session's producers) is written back into the state as if applied, values known only after apply filled with
stand-ins of the right type, until the plan is empty. The state is then exactly what the configuration describes,
and every later plan shows only what the test changed. ``-refresh=false`` keeps the provider from reading the
stand-ins back from moto.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_infra.config import Environment
from llm_infra.layers.inference.stack import DASHBOARD_MOVE
from tests.support.producers import Producers
from tests.support.stack import plan_json, prepare
from tests.support.terraform import terraform

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

STACK = "dev-inference"
AWS = 'provider["registry.terraform.io/hashicorp/aws"]'
MAX_ROUNDS = 6


def _stand_in(kind: Any, key: str, values: dict[str, Any], resource: dict[str, Any], account: str) -> Any:
    """A value for an attribute known only after apply, of the schema's type."""
    if isinstance(kind, list):  # ["list"|"set"|"map"|"object", ...]
        return {} if kind[0] in ("map", "object") else []
    if kind == "bool":
        return False
    if kind == "number":
        return 0
    label = f"{resource['type']}.{resource['name']}[{resource.get('index', '')}]"
    if key.endswith("arn"):
        return f"arn:aws:iam::{account}:role/stand-in-{abs(hash(label)) % 10**8}"
    if key == "name" and values.get("name_prefix"):
        return f"{values['name_prefix']}20261203000000000000000001"
    if key == "id" and resource["type"] == "aws_security_group":
        return "sg-0aaaaaaaaaaaaaaa1"
    if key == "id":
        return str(values.get("name") or f"stand-in-{abs(hash(label)) % 10**8}")
    return f"stand-in-{key}"


def _fill(value: Any, unknown: Any, block: dict[str, Any], resource: dict[str, Any], account: str) -> Any:
    """``value`` (planned) with every unknown part replaced by a stand-in, following the resource's schema."""
    if not isinstance(value, dict):
        return value
    result = dict(value)
    unknown = unknown if isinstance(unknown, dict) else {}
    attributes, blocks = block.get("attributes", {}), block.get("block_types", {})
    for key, flag in unknown.items():
        if flag is True:
            if key in attributes:
                result[key] = _stand_in(attributes[key]["type"], key, result, resource, account)
            elif key in blocks:
                result[key] = [] if blocks[key]["nesting_mode"] in ("list", "set") else None
        elif isinstance(flag, list) and key in blocks and isinstance(result.get(key), list):
            nested = blocks[key]["block"]
            result[key] = [
                _fill(item, flag[i] if i < len(flag) else {}, nested, resource, account)
                for i, item in enumerate(result[key])
            ]
    return result


def _schemas(work: Path, tf_env: dict[str, str]) -> dict[str, dict[str, Any]]:
    shown = terraform(["providers", "schema", "-json"], work, tf_env)
    provider = json.loads(shown.stdout)["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
    return dict(provider["resource_schemas"])


def _apply_to_state(
    state: dict[str, Any], change: dict[str, Any], schemas: dict[str, Any], account: str
) -> None:
    """Write one planned change into the state as if it had been applied."""
    module = change.get("module_address")
    resources = state["resources"]
    entry = next(
        (
            r
            for r in resources
            if r.get("module") == module and r["type"] == change["type"] and r["name"] == change["name"]
        ),
        None,
    )
    if entry is None:
        entry = {"mode": "managed", "type": change["type"], "name": change["name"], "provider": AWS,
                 "instances": []}  # fmt: skip
        if module:
            entry["module"] = module
        resources.append(entry)
    index = change.get("index")
    entry["instances"] = [i for i in entry["instances"] if i.get("index_key") != index]
    if "delete" in change["change"]["actions"] and "create" not in change["change"]["actions"]:
        return
    schema = schemas[change["type"]]
    attributes = _fill(
        change["change"]["after"], change["change"]["after_unknown"], schema["block"], change, account
    )
    instance: dict[str, Any] = {"schema_version": schema["version"], "attributes": attributes,
                                "sensitive_attributes": []}  # fmt: skip
    if index is not None:
        instance["index_key"] = index
    entry["instances"].append(instance)


def _changes(plan: dict[str, Any]) -> dict[str, list[str]]:
    """address -> actions of every managed resource the plan changes."""
    return {
        c["address"]: c["change"]["actions"]
        for c in plan.get("resource_changes", [])
        if c["mode"] == "managed" and c["change"]["actions"] != ["no-op"]
    }


def _plan(work: Path, tf_env: dict[str, str]) -> dict[str, Any]:
    _code, plan = plan_json(work, tf_env, "-refresh=false")
    return plan


@pytest.fixture(scope="module")
def crafted(
    outdir: Path,
    producers: Producers,
    environments: dict[str, Environment],
    tf_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, dict[str, Any]]]:
    env = environments["dev"]
    work = prepare(
        outdir / "stacks" / STACK,
        tmp_path_factory.mktemp("inference-replacement") / "work",
        producers.moto,
        env,
        tf_env,
        remote_states=producers.remote_states(STACK),
    )
    schemas = _schemas(work, tf_env)
    state: dict[str, Any] = {"version": 4, "terraform_version": "1.11.4", "serial": 1,
                             "lineage": "5a1e0000-0000-4000-8000-000000000010", "outputs": {}, "resources": []}  # fmt: skip
    for _round in range(MAX_ROUNDS):
        plan = _plan(work, tf_env)
        pending = [
            c
            for c in plan["resource_changes"]
            if c["mode"] == "managed" and c["change"]["actions"] != ["no-op"]
        ]
        if not pending:
            break
        for change in pending:
            _apply_to_state(state, change, schemas, env.account_id)
        state["serial"] += 1
        (work / "terraform.tfstate").write_text(json.dumps(state), encoding="utf-8")
    else:
        pytest.fail(f"the crafted state did not converge in {MAX_ROUNDS} plans: {_changes(plan)}")
    document = json.loads((work / "cdk.tf.json").read_text(encoding="utf-8"))
    yield work, document
    (work / "cdk.tf.json").write_text(json.dumps(document), encoding="utf-8")


def _plan_with(
    crafted: tuple[Path, dict[str, Any]], tf_env: dict[str, str], change: dict[str, Any]
) -> dict[str, list[str]]:
    """Plan dev-inference with ``change`` (endpoint field -> value) applied to endpoint ``chat``."""
    work, document = crafted
    changed = copy.deepcopy(document)
    changed["module"]["fleet"]["endpoints"]["chat"].update(change)
    (work / "cdk.tf.json").write_text(json.dumps(changed), encoding="utf-8")
    try:
        return _changes(_plan(work, tf_env))
    finally:
        (work / "cdk.tf.json").write_text(json.dumps(document), encoding="utf-8")


FLEET = "module.fleet"
MODEL = f'{FLEET}.aws_sagemaker_model.this["chat"]'
CONFIG = f'{FLEET}.aws_sagemaker_endpoint_configuration.this["chat"]'
ENDPOINT = f'{FLEET}.aws_sagemaker_endpoint.this["chat"]'  # dev: unprotected twin
TARGET = f'{FLEET}.aws_appautoscaling_target.variant["chat"]'


def test_the_crafted_state_plans_no_change(
    crafted: tuple[Path, dict[str, Any]], tf_env: dict[str, str]
) -> None:
    """Guards the other tests: from the crafted state, the unchanged configuration plans nothing at all."""
    assert _plan_with(crafted, tf_env, {}) == {}


@pytest.mark.parametrize(
    "change",
    [
        {"image": "111111111111.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.31.0-neuronx-sdk2.21.0"},
        {"environment": {"OPTION_TENSOR_PARALLEL_DEGREE": "2", "OPTION_N_POSITIONS": "8192"}},
    ],
    ids=["image", "environment"],
)
def test_a_new_container_replaces_model_and_configuration_and_updates_the_endpoint(
    crafted: tuple[Path, dict[str, Any]], tf_env: dict[str, str], change: dict[str, Any]
) -> None:
    changes = _plan_with(crafted, tf_env, change)
    # create_before_destroy (the configuration's, propagated to the model): the new one exists before the old goes
    assert changes.get(MODEL) == ["create", "delete"], changes
    assert changes.get(CONFIG) == ["create", "delete"], changes
    assert changes.get(ENDPOINT) == ["update"], changes
    assert set(changes) == {MODEL, CONFIG, ENDPOINT}, changes  # alarms, target, policy, role untouched


def test_a_new_autoscaling_maximum_touches_only_the_target(
    crafted: tuple[Path, dict[str, Any]], tf_env: dict[str, str]
) -> None:
    _work, document = crafted
    maximum = document["module"]["fleet"]["endpoints"]["chat"]["max_instances"]
    assert _plan_with(crafted, tf_env, {"max_instances": maximum + 1}) == {TARGET: ["update"]}


def test_protecting_the_endpoint_moves_it_and_destroys_nothing(
    crafted: tuple[Path, dict[str, Any]], tf_env: dict[str, str]
) -> None:
    """protection.prevent_destroy flipped on (what staging and prod ship): the stack's `moved` block carries the
    endpoint to the protected twin; the plan moves it and changes nothing else."""
    work, document = crafted
    assert document["module"]["fleet"]["prevent_destroy"] is False  # dev ships unprotected
    flipped = copy.deepcopy(document)
    flipped["module"]["fleet"]["prevent_destroy"] = True
    flipped["moved"] = [{"from": ENDPOINT, "to": ENDPOINT.replace(".this[", ".protected[")}]
    (work / "cdk.tf.json").write_text(json.dumps(flipped), encoding="utf-8")
    try:
        plan = _plan(work, tf_env)
    finally:
        (work / "cdk.tf.json").write_text(json.dumps(document), encoding="utf-8")
    assert _changes(plan) == {}
    (moved,) = [c for c in plan["resource_changes"] if c.get("previous_address")]
    assert (moved["previous_address"], moved["address"]) == (
        ENDPOINT,
        ENDPOINT.replace(".this[", ".protected["),
    )
    assert moved["change"]["actions"] == ["no-op"]


def test_the_dashboard_of_an_older_state_moves_into_the_shared_module_and_nothing_is_destroyed(
    crafted: tuple[Path, dict[str, Any]], tf_env: dict[str, str]
) -> None:
    """A state written before the endpoints' dashboard moved to modules/cloudwatch-dashboard holds it as
    module.fleet.aws_cloudwatch_dashboard.endpoints: the stack's `moved` block carries it over, the plan destroys
    nothing and (same name, same body) changes nothing."""
    work, _document = crafted
    path = work / "terraform.tfstate"
    current = path.read_text(encoding="utf-8")
    state = json.loads(current)
    (entry,) = [r for r in state["resources"] if r["type"] == "aws_cloudwatch_dashboard"]
    assert (entry.get("module"), entry["name"]) == ("module.dashboard", "this")
    entry["module"], entry["name"] = "module.fleet", "endpoints"
    for instance in entry["instances"]:
        instance.pop("index_key", None)
    state["serial"] += 1
    path.write_text(json.dumps(state), encoding="utf-8")
    try:
        plan = _plan(work, tf_env)
    finally:
        path.write_text(current, encoding="utf-8")
    assert _changes(plan) == {}
    (moved,) = [c for c in plan["resource_changes"] if c.get("previous_address")]
    assert (moved["previous_address"], moved["address"]) == (DASHBOARD_MOVE.source, DASHBOARD_MOVE.target)

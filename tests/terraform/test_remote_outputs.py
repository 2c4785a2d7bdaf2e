"""A consumer's read of a producer's named outputs fails at plan, clearly, when the producer's state lacks
them: the storage stack's ``data.terraform_remote_state.network`` as synthesized, planned on its own against a
local network state (no provider, no moto: the data source is terraform's built-in one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llm_infra.layers.network.outputs import NetworkOutputs
from llm_infra.stacks.base import output_fields
from tests.support.terraform import terraform

pytestmark = pytest.mark.terraform

NETWORK_OUTPUTS = {
    "vpc_id": "vpc-0123456789abcdef0",
    "private_subnet_ids": {"usw2-az1": "subnet-0aaaaaaaaaaaaaaa1", "usw2-az2": "subnet-0aaaaaaaaaaaaaaa2"},
    "efa_security_group_id": "sg-0123456789abcdef0",
    "placement_group_names": {},
    "launch_template_ids": {},
    "nat_gateway_ids": {"usw2-az1": "nat-0123456789abcdef0"},
    "kms_key_arn": "arn:aws:kms:us-west-2:111111111111:key/00000000-0000-0000-0000-000000000000",
}


def test_the_crafted_network_state_has_every_network_output() -> None:
    assert set(NETWORK_OUTPUTS) == set(output_fields(NetworkOutputs))


def _state(outputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "00000000-0000-0000-0000-000000000000",
        "outputs": {
            name: {"value": value, "type": ["map", "string"] if isinstance(value, dict) else "string"}
            for name, value in outputs.items()
        },
        "resources": [],
    }


def _plan_storage_reads(
    stack: dict[str, Any], work: Path, outputs: dict[str, Any], tf_env: dict[str, str]
) -> Any:
    """The storage stack's remote-state data source and what its fsx module receives from it, planned alone."""
    work.mkdir()
    fsx = stack["module"]["fsx"]
    root = {
        "data": stack["data"],
        "output": {key: {"value": fsx[key]} for key in ("subnet_id", "vpc_id", "security_group_ids")},
    }
    (work / "main.tf.json").write_text(json.dumps(root), encoding="utf-8")
    (work / "network.tfstate").write_text(json.dumps(_state(outputs)), encoding="utf-8")
    override = {
        "data": {
            "terraform_remote_state": {"network": {"backend": "local", "config": {"path": "network.tfstate"}}}
        }
    }
    (work / "zz_test_override.tf.json").write_text(json.dumps(override), encoding="utf-8")
    terraform(["init", "-input=false", "-no-color", "-backend=false"], work, tf_env)
    return terraform(["plan", "-input=false", "-no-color", "-out=tfplan"], work, tf_env, check=False)


def test_storage_reads_the_network_outputs_by_name(
    stacks: Any, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    planned = _plan_storage_reads(stacks["dev-storage"], tmp_path / "ok", NETWORK_OUTPUTS, tf_env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    shown = terraform(["show", "-json", "tfplan"], tmp_path / "ok", tf_env)
    values = {k: v["value"] for k, v in json.loads(shown.stdout)["planned_values"]["outputs"].items()}
    assert values == {
        "subnet_id": NETWORK_OUTPUTS["private_subnet_ids"]["usw2-az1"],  # dev's storage.fsx.az_id
        "vpc_id": NETWORK_OUTPUTS["vpc_id"],
        "security_group_ids": [NETWORK_OUTPUTS["efa_security_group_id"]],
    }


def test_a_missing_subnet_of_the_fsx_az_fails_the_plan_naming_it(
    stacks: Any, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    outputs = {**NETWORK_OUTPUTS, "private_subnet_ids": {"usw2-az2": "subnet-0aaaaaaaaaaaaaaa2"}}
    planned = _plan_storage_reads(stacks["dev-storage"], tmp_path / "az", outputs, tf_env)
    assert planned.returncode == 1
    error = " ".join(planned.stderr.split())
    assert "Resource postcondition failed" in error
    assert (
        "dev-network: output private_subnet_ids has no entry for storage.fsx.az_id of dev-storage "
        "(got usw2-az1; allowed usw2-az2)"
    ) in error


def test_a_network_state_without_the_outputs_fails_the_plan_naming_them(
    stacks: Any, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    outputs = {"vpc_id": NETWORK_OUTPUTS["vpc_id"]}  # e.g. applied by hand with another module
    planned = _plan_storage_reads(stacks["dev-storage"], tmp_path / "missing", outputs, tf_env)
    assert planned.returncode == 1
    error = " ".join(planned.stderr.split())
    assert (
        "dev-network: its state lacks outputs efa_security_group_id, kms_key_arn, launch_template_ids, "
        "nat_gateway_ids, placement_group_names, private_subnet_ids that dev-storage reads (got vpc_id); apply "
        "dev-network first"
    ) in error

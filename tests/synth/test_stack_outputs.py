"""Named outputs are the interface between layers: each stack emits exactly the fields of its outputs dataclass,
and a consumer reads a producer only by those names, through ``data.terraform_remote_state.<layer>``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llm_infra.app import build_app
from llm_infra.config import environment_files, load_environments
from llm_infra.config.loader import defaults_file_for
from llm_infra.paths import ENVIRONMENTS_DIR
from llm_infra.stacks.base import LayerStack, output_fields, remote_reference

Stacks = dict[str, dict[str, Any]]
REMOTE_READ = re.compile(r"data\.terraform_remote_state\.([A-Za-z0-9_-]+)(?:\.outputs\.([A-Za-z0-9_-]+))?")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LayerStack]:
    """stack id -> the stack object, built in-process from the same environment files as the synth."""
    files = environment_files(ENVIRONMENTS_DIR, None)
    environments = load_environments(files, defaults_file_for(files, ENVIRONMENTS_DIR))
    _app, stacks = build_app(environments, outdir=str(tmp_path_factory.mktemp("out")))
    return {stack.label.stack_id: stack for stack in stacks}


def declared_outputs(built: Mapping[str, LayerStack], environment: str) -> dict[str, dict[str, str]]:
    """layer -> {output name: description} of every stack of one environment, from its outputs dataclass."""
    return {
        stack.layer: output_fields(type(stack.outputs))
        for stack in built.values()
        if stack.environment.name == environment
    }


def undeclared_reads(stack: Mapping[str, Any], declared: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Every read of another layer's state that is not ``data.terraform_remote_state.<layer>.outputs.<field>``
    for a field of that layer's outputs dataclass and a data source the stack declares."""
    sources = set(stack.get("data", {}).get("terraform_remote_state", {}))
    problems = [f"data source {name}: not a layer" for name in sorted(sources - set(declared))]
    for layer, field in REMOTE_READ.findall(json.dumps(stack)):
        if layer not in sources:
            problems.append(f"{layer}: read, but no data.terraform_remote_state.{layer} in the stack")
        elif field and field not in declared.get(layer, {}):
            problems.append(f"{layer}.{field}: not an output of the {layer} layer")
    return problems


def _remote_reads(stack: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for layer, field in REMOTE_READ.findall(json.dumps(stack)):
        if field:
            yield layer, field


def test_each_stack_emits_exactly_the_fields_of_its_outputs_dataclass(
    stacks: Stacks, built: dict[str, LayerStack]
) -> None:
    assert set(stacks) == set(built)
    for name, stack in stacks.items():
        fields = output_fields(type(built[name].outputs))
        assert fields, name
        outputs = stack["output"]
        assert set(outputs) == set(fields), name
        for field, description in fields.items():
            assert outputs[field]["description"] == description, (name, field)
            assert description.strip(), (name, field)
            assert "sensitive" not in outputs[field], (name, field)


def test_the_outputs_of_network_and_storage_keep_their_public_names(built: dict[str, LayerStack]) -> None:
    # These names were shipped before they became a dataclass: renaming one breaks every reader of the state.
    assert set(output_fields(type(built["dev-network"].outputs))) == {
        "vpc_id", "private_subnet_ids", "efa_security_group_id", "placement_group_names",
        "launch_template_ids", "kms_key_arn", "nat_gateway_ids",
    }  # fmt: skip
    assert set(output_fields(type(built["dev-storage"].outputs))) == {
        "fsx_file_system_id", "fsx_dns_name", "fsx_mount_name", "bucket_names", "bucket_arns", "kms_key_arns",
    }  # fmt: skip
    assert set(output_fields(type(built["dev-inference"].outputs))) == {
        "endpoint_names", "endpoint_arns", "endpoint_config_names", "model_names", "variant_name",
        "rollback_alarm_names", "autoscaling_resource_ids", "execution_role_arn", "security_group_id",
        "dashboard_name",
    }  # fmt: skip
    # training and inference read these by name
    assert set(output_fields(type(built["dev-observability"].outputs))) == {
        "alarm_topic_arn", "kms_key_arn", "amp_workspace_arn", "amp_workspace_id", "amp_remote_write_url",
    }  # fmt: skip


def test_consumers_read_producers_only_by_declared_output_names(
    stacks: Stacks, built: dict[str, LayerStack]
) -> None:
    for name, stack in stacks.items():
        declared = declared_outputs(built, built[name].environment.name)
        assert undeclared_reads(stack, declared) == [], name
        assert "cross-stack" not in json.dumps(stack), name
    for environment in {stack.environment.name for stack in built.values()}:
        reads = set(_remote_reads(stacks[f"{environment}-storage"]))
        assert reads == {
            ("network", "vpc_id"),
            ("network", "private_subnet_ids"),
            ("network", "efa_security_group_id"),
        }


def test_the_read_check_catches_an_undeclared_name_and_a_missing_data_source(
    stacks: Stacks, built: dict[str, LayerStack]
) -> None:
    declared = declared_outputs(built, "dev")
    storage = json.loads(json.dumps(stacks["dev-storage"]))
    storage["module"]["fsx"]["vpc_id"] = remote_reference("network", "vpc")
    storage["module"]["fsx"]["name"] = remote_reference("training", "cluster_name")
    assert sorted(undeclared_reads(storage, declared)) == [
        "network.vpc: not an output of the network layer",
        "training: read, but no data.terraform_remote_state.training in the stack",
    ]


def test_a_stack_reads_only_declared_outputs_of_a_layer_it_reads(built: dict[str, LayerStack]) -> None:
    storage = built["dev-storage"]
    with pytest.raises(ValueError, match="not an output this stack reads by name"):
        storage.remote_entry(remote_reference("network", "subnet_ids"), "usw2-az1", source="x")
    with pytest.raises(ValueError, match="not an output this stack reads by name"):
        storage.remote_entry(remote_reference("observability", "topic_arns"), "a", source="x")
    network = built["dev-network"]
    with pytest.raises(ValueError, match="not an output this stack reads by name"):
        network.remote_entry(network.outputs.private_subnet_ids, "usw2-az1", source="x")  # its own token
    with pytest.raises(ValueError, match="cannot read the outputs of layer 'network'"):
        network.read_outputs("network", type(network.outputs))
    with pytest.raises(ValueError, match="dev-storage: reads layer extra, but dev-extra is not built"):
        storage.read_outputs("extra", type(network.outputs))
    with pytest.raises(TypeError, match="dev-storage: dev-network emits no StorageOutputs"):
        storage.read_outputs("network", type(storage.outputs))


def test_an_outputs_dataclass_needs_a_description_per_field(tmp_path: Path) -> None:
    @dataclass(frozen=True)
    class Undocumented:
        vpc_id: str

    with pytest.raises(TypeError, match=r"Undocumented\.vpc_id: no description"):
        output_fields(Undocumented)
    with pytest.raises(TypeError, match="is not a dataclass"):
        output_fields(dict)


def test_a_map_entry_the_consumer_needs_is_checked_when_the_producer_state_is_read(
    stacks: Stacks, built: dict[str, LayerStack]
) -> None:
    for name, stack in built.items():
        if stack.layer != "storage":
            continue
        storage = stack.environment.storage
        assert storage is not None and storage.fsx is not None
        remote = stacks[name]["data"]["terraform_remote_state"]["network"]
        conditions = [c["condition"] for c in remote["lifecycle"]["postcondition"]]
        assert f'contains(keys(try(self.outputs.private_subnet_ids, {{}})), "{storage.fsx.az_id}")' in (
            " ".join(conditions)
        ), name

"""Structure of every synthesized stack, checked against the validated configuration it came from."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from llm_infra import layers
from llm_infra.app import app_context
from llm_infra.config import Environment, environment_files, load_environments
from llm_infra.config.efa import max_efa_interfaces
from llm_infra.config.loader import defaults_file_for
from llm_infra.label import Label
from llm_infra.layers import registry
from llm_infra.paths import ENVIRONMENTS_DIR, PROJECT_ROOT
from tests.support.hcl import load_hcl

Stacks = dict[str, dict[str, Any]]


@pytest.fixture(scope="module")
def environments() -> dict[str, Environment]:
    files = environment_files(ENVIRONMENTS_DIR, None)
    return {env.name: env for env in load_environments(files, defaults_file_for(files, ENVIRONMENTS_DIR))}


def expected_stacks(environments: dict[str, Environment]) -> list[str]:
    """Every environment's enabled layers, from the registry (no layer list here)."""
    return [
        f"{name}-{layer.name}"
        for name, env in environments.items()
        for layer in registry()
        if layer.is_on(env)
    ]


def test_one_stack_per_environment_and_layer(stacks: Stacks, environments: dict[str, Environment]) -> None:
    assert set(stacks) == set(expected_stacks(environments))
    assert {"dev-network", "staging-network", "prod-network"} <= set(stacks)


def test_backend_is_s3_with_native_locking(stacks: Stacks, environments: dict[str, Environment]) -> None:
    for name, stack in stacks.items():
        env_name, layer = name.split("-", 1)
        env = environments[env_name]
        backend = stack["terraform"]["backend"]["s3"]
        assert backend["bucket"] == env.state.bucket
        assert backend["key"] == f"{env_name}/{layer}.tfstate"
        assert backend["region"] == env.state_region
        assert backend["encrypt"] is True
        assert backend["kms_key_id"] == env.state.kms_key_arn
        assert backend["use_lockfile"] is True
        assert "dynamodb_table" not in backend
        assert ("assume_role" in backend) == (env.role_arn is not None)


def test_state_keys_are_unique_across_all_stacks(stacks: Stacks) -> None:
    locations = [
        (s["terraform"]["backend"]["s3"]["bucket"], s["terraform"]["backend"]["s3"]["key"])
        for s in stacks.values()
    ]
    assert len(locations) == len(set(locations)) == len(stacks)


def providers_of(name: str) -> tuple[str, ...]:
    """The providers the stack's layer declares (``Layer.providers``)."""
    return layers.lookup(name.split("-", 1)[1]).providers


def test_versions(stacks: Stacks) -> None:
    constraints = {
        "aws": {"source": "hashicorp/aws", "version": ">= 5.100, < 7"},
        "awscc": {"source": "hashicorp/awscc", "version": ">= 1.106.0, < 2"},
    }
    for name, stack in stacks.items():
        assert stack["terraform"]["required_version"] == ">= 1.10"
        # Exactly the layer's providers: the awscc stack requires no aws provider (and gets no aws lock).
        assert stack["terraform"]["required_providers"] == {p: constraints[p] for p in providers_of(name)}, (
            name
        )


def test_awscc_provider_has_the_region_and_role_and_the_cluster_its_tags(
    stacks: Stacks, environments: dict[str, Environment]
) -> None:
    awscc = {name: stack for name, stack in stacks.items() if "awscc" in providers_of(name)}
    assert sorted(awscc) == sorted(f"{env}-hyperpod" for env in environments)
    for name, stack in awscc.items():
        env = environments[name.split("-", 1)[0]]
        (provider,) = stack["provider"]["awscc"]
        assert provider["region"] == env.region
        if env.role_arn:
            assert provider["assume_role"] == {"role_arn": env.role_arn, "session_name": f"llm-infra-{name}"}
        else:
            assert "assume_role" not in provider
        assert "aws" not in stack["provider"]
        (cluster,) = stack["module"].values()
        label = Label.for_layer(env, "hyperpod")
        # The label's tags, plus the name tag the training stack's SSM access policy is scoped by.
        name_tag = {"key": "hyperpod-cluster-name", "value": f"{env.namespace}-{env.name}-training"}
        as_list = [{"key": k, "value": v} for k, v in sorted(cluster["tags"].items())]
        assert as_list == sorted([*label.tag_list, name_tag], key=lambda t: t["key"])


def test_aws_provider(stacks: Stacks, environments: dict[str, Environment]) -> None:
    for name, stack in stacks.items():
        env_name, layer = name.split("-", 1)
        env = environments[env_name]
        if "aws" not in providers_of(name):
            continue
        default = next(p for p in stack["provider"]["aws"] if "alias" not in p)
        assert default["region"] == env.region
        assert default["allowed_account_ids"] == [env.account_id]
        tags = default["default_tags"][0]["tags"]
        assert tags["Environment"] == env_name and tags["Layer"] == layer
        assert tags["Project"] == env.tags.project and tags["CostCenter"] == env.tags.cost_center
        if env.role_arn:
            assert default["assume_role"][0]["role_arn"] == env.role_arn
        else:
            assert "assume_role" not in default


def test_network_module_inputs(stacks: Stacks, environments: dict[str, Environment]) -> None:
    for name, env in environments.items():
        module = stacks[f"{name}-network"]["module"]["network"]
        assert module["name"] == f"{env.namespace}-{name}-network"
        assert module["vpc_cidr"] == env.network.vpc_cidr
        assert module["private_subnets"] == dict(env.network.private_subnets)
        assert module["nat_gateway_mode"] == env.network.nat_gateway_mode
        assert module["flow_logs_retention_days"] == env.network.flow_logs_retention_days
        assert {k: v["instance_type"] for k, v in module["efa_launch_templates"].items()} == {
            k: t.instance_type for k, t in env.network.efa_launch_templates.items()
        }
    assert stacks["prod-network"]["module"]["network"]["nat_gateway_mode"] == "per_az"


def test_storage_reads_network_through_remote_state(
    stacks: Stacks, environments: dict[str, Environment]
) -> None:
    for name, env in environments.items():
        assert env.storage is not None
        storage = stacks[f"{name}-storage"]
        # one data source, named after the producer layer, with the producer's backend (its role included)
        assert list(storage["data"]["terraform_remote_state"]) == ["network"]
        remote = storage["data"]["terraform_remote_state"]["network"]
        assert remote["backend"] == "s3"
        assert remote["config"] == stacks[f"{name}-network"]["terraform"]["backend"]["s3"]
        fsx = storage["module"]["fsx"]
        network = "${data.terraform_remote_state.network.outputs"
        assert fsx["subnet_id"] == f'{network}.private_subnet_ids["{env.storage.fsx.az_id}"]}}'
        assert fsx["security_group_ids"] == [f"{network}.efa_security_group_id}}"]
        assert fsx["vpc_id"] == f"{network}.vpc_id}}"
        assert fsx["storage_capacity_gib"] == env.storage.fsx.storage_capacity_gib
        assert fsx["efa_enabled"] == env.storage.fsx.efa_enabled
        assert fsx["prevent_destroy"] == env.protection.prevent_destroy
        buckets = storage["module"]["buckets"]
        assert buckets["prevent_destroy"] == env.protection.prevent_destroy
        replication = {
            "enabled": env.storage.replication.enabled,
            "destination_region": env.storage.replication.region,
        }
        assert buckets["replication"] == {k: v for k, v in replication.items() if v is not None}
        replica = next(p for p in storage["provider"]["aws"] if p.get("alias") == "replica")
        assert replica["region"] == (env.storage.replication.region or env.region)
        assert buckets["providers"] == {"aws.replica": "aws.replica"}
        # the DRAs point at the buckets of the same stack
        for key, association in env.storage.fsx.data_repository_associations.items():
            path = fsx["data_repository_associations"][key]["data_repository_path"]
            assert path == f"s3://${{module.buckets.bucket_names.{association.bucket}}}/{association.prefix}"


def test_prod_is_protected_and_dev_is_not(stacks: Stacks) -> None:
    assert stacks["prod-storage"]["module"]["fsx"]["prevent_destroy"] is True
    assert stacks["staging-storage"]["module"]["buckets"]["prevent_destroy"] is True
    assert stacks["dev-storage"]["module"]["fsx"]["prevent_destroy"] is False


def test_each_stack_folder_holds_exactly_the_modules_it_calls(stacks: Stacks, outdir: Path) -> None:
    """Module sources are ./modules/<name> inside the stack folder, which holds those modules and the ones they
    call (network, fsx-lustre and s3-buckets call ../kms-key), and nothing else: no other stack's modules, no
    module tests, no CDK asset folder."""
    for name, stack in stacks.items():
        stack_dir = outdir / "stacks" / name
        called = set()
        for module in stack["module"].values():
            source = module["source"]
            assert source.startswith("./modules/") and source.count("/") == 2, source
            assert (stack_dir / source / "variables.tf").is_file()
            called.add(source.removeprefix("./modules/"))
        # What the copied modules call, read with the real HCL parser from the copies themselves.
        needed, pending = set(), list(called)
        while pending:
            module_name = pending.pop()
            if module_name not in needed:
                needed.add(module_name)
                pending.extend(calls_of(stack_dir / "modules" / module_name))
        assert sorted(p.name for p in (stack_dir / "modules").iterdir()) == sorted(needed), name
        # The committed lock of the stack's provider set (llm_infra/locks): none is committed for awscc, which
        # cannot be installed here, so its stack has none (terraform init writes it where awscc is reachable).
        lock = [".terraform.lock.hcl"] if providers_of(name) == ("aws",) else []
        assert sorted(p.name for p in stack_dir.iterdir()) == [*lock, "cdk.tf.json", "modules"]
        assert not list(stack_dir.glob("modules/*/tests")), name
    network_stack = stacks["dev-network"]
    assert {m["source"] for m in network_stack["module"].values()} == {"./modules/network"}
    assert sorted(p.name for p in (outdir / "stacks" / "dev-network" / "modules").iterdir()) == [
        "kms-key",
        "network",
    ]


def calls_of(module_dir: Path) -> set[str]:
    """The sibling modules (``source = "../x"``) the ``module`` blocks of a module's own .tf files call."""
    found = set()
    for path in module_dir.glob("*.tf"):
        for block in load_hcl(path).get("module", []):
            for body in block.values():
                source = body["source"]
                if source.startswith("../"):
                    found.add(source.removeprefix("../"))
    return found


def test_no_absolute_paths_of_this_machine(outdir: Path) -> None:
    for path in outdir.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert str(PROJECT_ROOT) not in text, path
        assert str(outdir) not in text, path


def test_cdktf_json_context_matches_the_app(root: Path) -> None:
    config = json.loads((root / "cdktf.json").read_text(encoding="utf-8"))
    assert config["app"] == ".venv/bin/python main.py"  # run and checked in tests/synth/test_cli_process.py
    assert config["context"] == app_context()


def test_summary_reports_storage_numbers(
    synth_run: tuple[Path, subprocess.CompletedProcess[str]], environments: dict[str, Environment]
) -> None:
    stdout = synth_run[1].stdout
    for name, env in environments.items():
        assert env.storage is not None
        line = next(line for line in stdout.splitlines() if line.startswith(f"{name}-storage "))
        assert env.storage.fsx is not None
        fsx = env.storage.fsx
        assert fsx.per_unit_storage_throughput is not None
        aggregate = fsx.storage_capacity_gib / 1024 * fsx.per_unit_storage_throughput
        assert f"= {aggregate:,.0f} MB/s" in line
        minutes, seconds = divmod(round(env.storage.checkpoint_size_gib * 1024 / aggregate), 60)
        hours, minutes = divmod(minutes, 60)
        written = f"{hours}h{minutes:02d}m{seconds:02d}s" if hours else f"{minutes}m{seconds:02d}s"
        assert f"{env.storage.checkpoint_size_gib:g} GiB checkpoint ~ {written}" in line
        network = next(line for line in stdout.splitlines() if line.startswith(f"{name}-network "))
        assert f"{len(env.network.az_ids)} AZ ({', '.join(env.network.az_ids)})" in network
        for template in env.network.efa_launch_templates.values():
            assert f"{template.instance_type} x{max_efa_interfaces()[template.instance_type]} EFA" in network
    count = len(expected_stacks(environments))
    assert stdout.rstrip().endswith(f"{count} stack(s) written to " + str(synth_run[0]) + "/stacks")

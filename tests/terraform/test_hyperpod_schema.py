"""Schema conformance of the awscc HyperPod cluster: what Terraform really sends, against CloudFormation's registry.

The awscc provider is not in the offline mirror, so the cluster body is computed by the provider-free submodule
``modules/hyperpod-cluster/body`` and evaluated here with ``terraform apply`` (outputs only, no resources) for every
shipped environment. The awscc attribute names are mapped back to CloudFormation names with awscc's own rule applied
to the schema's property names, the result is linted by cfn-lint against ``AWS::SageMaker::Cluster`` (resolved through
``providers/us-east-1.json``) and every attribute written must exist in that schema.

Inputs: each ``<env>-hyperpod`` stack's synthesized module block, with its cross-stack references (the training
stack's outputs) replaced by placeholders of the right shape; everything else is what `make synth` writes.
"""

from __future__ import annotations

import importlib.resources
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from llm_infra.label import Label
from llm_infra.layers.training.names import CLUSTER_NAME_TAG, cluster_name
from tests.support.checkov import checkov_binary, run_checkov
from tests.support.hcl import load_hcl
from tests.support.layers import shipped_environments
from tests.support.stack import copy_tree
from tests.support.terraform import terraform

pytestmark = pytest.mark.terraform

RESOURCE_TYPE = "AWS::SageMaker::Cluster"
MODULE = Path(__file__).resolve().parents[2] / "modules" / "hyperpod-cluster"
# E3644 checks instance types against cfn-lint's regional pricing data, which lacks ml.p5e.48xlarge (FACTS.md);
# instance types are checked against botocore's ClusterInstanceType enum by the training layer's rules instead.
IGNORED_RULES = ["E3644"]
# Cross-stack references in a synthesized module block, replaced by values of the right shape.
PLACEHOLDERS: dict[str, Any] = {
    "execution_role_arn": "arn:aws:iam::111111111111:role/placeholder-hyperpod",
    "source_s3_uri": "s3://sagemaker-placeholder-lifecycle/lifecycle/",
    "subnet_ids": ["subnet-0aaaaaaaaaaaaaaa1"],
    "subnet_id": "subnet-0aaaaaaaaaaaaaaa1",
    "security_group_ids": ["sg-0123456789abcdef0"],
    "dns_name": "fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com",
    "mount_name": "abcdefgh",
}
MODULE_ARGS = ("source", "providers", "depends_on", "//")


def schema() -> dict[str, Any]:
    base = importlib.resources.files("cfnlint") / "data" / "schemas"
    digest = json.loads((base / "providers" / "us-east-1.json").read_text(encoding="utf-8"))[RESOURCE_TYPE]
    loaded: dict[str, Any] = json.loads((base / "resources" / f"{digest}.json").read_text(encoding="utf-8"))
    return loaded


def awscc_name(cfn: str) -> str:
    """awscc's internal/naming rule: known acronyms first, then split at lower/digit->upper and ACRONYMWord."""
    for old, new in (("FSx", "Fsx"), ("CloudWatch", "Cloudwatch")):
        cfn = cfn.replace(old, new)
    cfn = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", cfn)
    cfn = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", cfn)
    return cfn.lower()


def test_awscc_naming_rule_matches_the_documented_examples() -> None:
    assert awscc_name("SizeInGiB") == "size_in_gi_b"
    assert awscc_name("VolumeSizeInGB") == "volume_size_in_gb"
    assert awscc_name("FSxLustreConfig") == "fsx_lustre_config"
    assert awscc_name("SourceS3Uri") == "source_s3_uri"


def resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["definitions"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def properties(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    node = resolve(node, root)
    found = dict(node.get("properties", {}))
    for branch in node.get("oneOf", []) + node.get("anyOf", []):
        found.update(resolve(branch, root).get("properties", {}))
    return found


def to_cfn(value: Any, node: dict[str, Any], root: dict[str, Any], path: str, unknown: list[str]) -> Any:
    """awscc value -> CloudFormation value, dropping nulls (not sent); records attributes the schema lacks."""
    node = resolve(node, root)
    if isinstance(value, dict):
        if node.get("type") == "array":  # a set/map-typed array is not expected from the body
            unknown.append(f"{path} (object where the schema has an array)")
            return value
        by_awscc = {awscc_name(name): (name, sub) for name, sub in properties(node, root).items()}
        out = {}
        for key, item in value.items():
            if key not in by_awscc:
                unknown.append(f"{path}.{key}")
                continue
            if item is None:
                continue
            name, sub = by_awscc[key]
            out[name] = to_cfn(item, sub, root, f"{path}.{key}", unknown)
        return out
    if isinstance(value, list):
        items = resolve(node.get("items", {}), root) if node.get("type") == "array" else {}
        return [to_cfn(item, items, root, f"{path}[{i}]", unknown) for i, item in enumerate(value)]
    return value


def placeholder(key: str, value: Any) -> Any:
    if isinstance(value, str) and "${" in value:
        return PLACEHOLDERS[key]
    if isinstance(value, dict):
        return {k: placeholder(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [placeholder(key, v) for v in value]
    return value


def environment_inputs(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    names = sorted(shipped_environments())
    stacks: dict[str, dict[str, Any]] = request.getfixturevalue("stacks")
    inputs = {}
    for env in names:
        blocks = [
            b for b in stacks[f"{env}-hyperpod"]["module"].values() if "hyperpod-cluster" in b["source"]
        ]
        assert len(blocks) == 1, f"{env}-hyperpod: expected one hyperpod-cluster module block"
        inputs[env] = {k: placeholder(k, v) for k, v in blocks[0].items() if k not in MODULE_ARGS}
    return inputs


@pytest.fixture(scope="module")
def bodies(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """env -> the cluster body Terraform computes from that environment's inputs (one init + apply for all)."""
    tf_env: dict[str, str] = request.getfixturevalue("tf_env")
    work = tmp_path_factory.mktemp("hyperpod-body")
    copy_tree(MODULE / "body", work / "body")
    root: dict[str, Any] = {"module": {}, "output": {}}
    for env, inputs in environment_inputs(request).items():
        root["module"][env] = {"source": "./body", **inputs}
        root["output"][env] = {"value": f"${{module.{env}.cluster}}"}
    (work / "main.tf.json").write_text(json.dumps(root), encoding="utf-8")
    terraform(["init", "-backend=false", "-input=false", "-no-color"], work, tf_env)
    terraform(["apply", "-auto-approve", "-input=false", "-no-color"], work, tf_env)
    shown = terraform(["output", "-json", "-no-color"], work, tf_env)
    return {env: out["value"] for env, out in json.loads(shown.stdout).items()}


def lint_cluster_body(body: dict[str, Any], label: str) -> tuple[dict[str, Any], list[str]]:
    """An evaluated awscc body as CloudFormation properties, and every problem: attributes the schema lacks and
    cfn-lint's findings on a template holding it (also used for the module's example, test_module_examples.py)."""
    root = schema()
    unknown: list[str] = []
    props = to_cfn(body, {"properties": root["properties"]}, root, label, unknown)
    problems = [f"{label}: attribute not in {RESOURCE_TYPE}: {path}" for path in unknown]
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {"Cluster": {"Type": RESOURCE_TYPE, "Properties": props}},
    }
    matches = lint(
        json.dumps(template), config=ManualArgs(regions=["us-east-1"], ignore_checks=IGNORED_RULES)
    )
    problems += [f"{label}: {m.rule.id} {m.message}" for m in matches]
    return props, problems


def test_every_environment_body_lints_clean_against_the_registry_schema(bodies: dict[str, Any]) -> None:
    assert sorted(bodies) == sorted(shipped_environments())
    for env, body in bodies.items():
        props, problems = lint_cluster_body(body, env)
        assert problems == []
        assert props["Orchestrator"]["Slurm"]["SlurmConfigStrategy"] == "Managed"
        assert sum(g["SlurmConfig"]["NodeType"] == "Controller" for g in props["InstanceGroups"]) == 1


def test_lint_catches_what_the_schema_forbids(bodies: dict[str, Any]) -> None:
    """The oracle can fail: a body with a bad enum value and a missing required field is rejected."""
    root = schema()
    body = json.loads(json.dumps(bodies["prod"]))
    body["node_recovery"] = "Sometimes"
    del body["instance_groups"][0]["execution_role"]
    props = to_cfn(body, {"properties": root["properties"]}, root, "prod", [])
    template = {"Resources": {"Cluster": {"Type": RESOURCE_TYPE, "Properties": props}}}
    ids = {
        m.rule.id
        for m in lint(
            json.dumps(template), config=ManualArgs(regions=["us-east-1"], ignore_checks=IGNORED_RULES)
        )
    }
    assert "E3030" in ids and "E3003" in ids, ids


def test_unknown_attribute_is_reported() -> None:
    root = schema()
    unknown: list[str] = []
    to_cfn(
        {"cluster_name": "x", "instance_groups": [{"image_release_versio": "1"}]},
        {"properties": root["properties"]},
        root,
        "t",
        unknown,
    )
    assert unknown == ["t.instance_groups[0].image_release_versio"]


def test_every_attribute_the_resource_writes_is_in_the_schema() -> None:
    parsed = load_hcl(MODULE / "main.tf")
    resources = [r for block in parsed["resource"] for r in block.get("awscc_sagemaker_cluster", {}).values()]
    assert len(resources) == 1
    written = {k for k in resources[0] if not k.startswith("__") and k not in ("lifecycle", "depends_on")}
    allowed = {awscc_name(name) for name in schema()["properties"]}
    assert written and written <= allowed, sorted(written - allowed)
    # Every write is an assignment from the body, so the linted body is what is sent.
    assert all("local.body." in str(resources[0][k]) for k in written)


def declared(module_dir: Path) -> tuple[dict[str, set[str]], str]:
    """What a module declares (var/local/module/resource names) and all its expressions as one text."""
    names: dict[str, set[str]] = {"var": set(), "local": set(), "module": set(), "resource": set()}
    texts = []
    for path in sorted(module_dir.glob("*.tf")):
        parsed = load_hcl(path)
        texts.append(json.dumps(parsed))
        for block in parsed.get("variable", []):
            names["var"].update(block)
        for block in parsed.get("locals", []):
            names["local"].update(block)
        for block in parsed.get("module", []):
            names["module"].update(block)
        for block in parsed.get("resource", []):
            names["resource"].update(f"{kind}.{name}" for kind, named in block.items() for name in named)
    return names, "\n".join(texts)


@pytest.mark.parametrize("module_dir", [MODULE, MODULE / "body"], ids=["hyperpod-cluster", "body"])
def test_every_reference_in_the_module_resolves(module_dir: Path) -> None:
    names, text = declared(module_dir)
    missing = [
        f"{kind}.{name}"
        for kind in ("var", "local", "module")
        for name in set(re.findall(rf"\b{kind}\.([A-Za-z_][A-Za-z0-9_-]*)", text))
        if name not in names[kind]
    ]
    missing += [
        ref
        for ref in set(re.findall(r"\b(awscc_[a-z_]+\.[A-Za-z_][A-Za-z0-9_-]*)", text))
        if ref not in names["resource"]
    ]
    assert not missing, f"{module_dir.name}: unresolved references {sorted(missing)}"
    assert names["var"], "no variables parsed: the check would be vacuous"


def test_parent_module_declares_exactly_the_body_inputs() -> None:
    parent, _ = declared(MODULE)
    body, _ = declared(MODULE / "body")
    assert parent["var"] == body["var"]
    call = next(block["body"] for block in load_hcl(MODULE / "main.tf")["module"] if "body" in block)
    assert set(call) - {"source"} == body["var"]


def test_module_is_formatted_and_body_terraform_tests_pass(tmp_path: Path, tf_env: dict[str, str]) -> None:
    # The parent needs awscc (not in the mirror): only the provider-free body can run `terraform test` here.
    fmt = terraform(
        ["fmt", "-check", "-recursive", "-diff", "-no-color", str(MODULE)], tmp_path, tf_env, check=False
    )
    assert fmt.returncode == 0, fmt.stdout
    work = copy_tree(MODULE / "body", tmp_path / "body")
    terraform(["init", "-backend=false", "-input=false", "-no-color"], work, tf_env)
    tested = terraform(["test", "-no-color"], work, tf_env)
    assert " 0 failed" in tested.stdout and "passed" in tested.stdout, tested.stdout[-3000:]


HYPERPOD_CHECKS = "CKV_LLM_11,CKV_LLM_12,CKV_LLM_13,CKV_LLM_14"
POLICY_FIXTURES = Path(__file__).parent / "fixtures" / "hyperpod_policies"


def hcl_literal(value: Any) -> str:
    """A JSON value as an HCL literal, so checkov reads the evaluated body (not variables it counts as set)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(hcl_literal(v) for v in value) + "]"
    return "{ " + ", ".join(f"{k} = {hcl_literal(v)}" for k, v in value.items()) + " }"


@pytest.fixture(scope="module")
def checkov() -> str:
    found = checkov_binary()
    if found is None:
        pytest.skip("checkov is not installed (make test installs it into .venv-checkov)")
    return found


@pytest.mark.checkov
def test_custom_checks_pass_on_every_evaluated_environment_body(
    bodies: dict[str, Any], checkov: str, tmp_path: Path
) -> None:
    for env, body in bodies.items():
        attributes = "\n".join(f"  {k} = {hcl_literal(v)}" for k, v in body.items())
        (tmp_path / f"{env}.tf").write_text(
            f'resource "awscc_sagemaker_cluster" "{env}" {{\n{attributes}\n}}\n'
        )
    result = run_checkov(checkov, ["-d", str(tmp_path), "--framework", "terraform", "-c", HYPERPOD_CHECKS])
    assert result.failed == 0, result.failures
    assert result.passed == 3 * len(bodies)  # CKV_LLM_11-13 per cluster (14 is for roles)
    environments = shipped_environments()
    for env, body in bodies.items():
        training = environments[env].training
        assert training is not None
        assert body["node_recovery"] == training.node_recovery


def test_every_body_is_what_the_environment_asks_for(bodies: dict[str, Any]) -> None:
    """The evaluated body carries each environment's groups, name and tags (awscc has no default_tags)."""
    for env, body in bodies.items():
        environment = shipped_environments()[env]
        training = environment.training
        assert training is not None
        assert body["cluster_name"] == cluster_name(environment)
        groups = {g["instance_group_name"]: g for g in body["instance_groups"]}
        assert [g["instance_group_name"] for g in body["instance_groups"]] == sorted(training.groups)
        for name, group in training.groups.items():
            assert groups[name]["instance_type"] == group.instance_type
            assert groups[name]["instance_count"] == group.count
            assert groups[name]["threads_per_core"] == group.threads_per_core
            pinned = groups[name]["override_vpc_config"]
            assert (pinned is not None) == (name in training.accelerated_groups), (env, name)
            assert (groups[name]["capacity_requirements"] is not None) == group.spot
        name_tag = {"key": CLUSTER_NAME_TAG, "value": cluster_name(environment)}
        expected = sorted(
            [*Label.for_layer(environment, "hyperpod").tag_list, name_tag], key=lambda t: t["key"]
        )
        assert body["tags"] == expected


@pytest.mark.checkov
def test_custom_checks_fail_each_broken_fixture(checkov: str) -> None:
    result = run_checkov(
        checkov, ["-d", str(POLICY_FIXTURES / "bad"), "--framework", "terraform", "-c", HYPERPOD_CHECKS]
    )
    failed = sorted((check, address) for check, address, _file in result.failures)
    assert ("CKV_LLM_11", "awscc_sagemaker_cluster.no_vpc") in failed
    assert ("CKV_LLM_11", "awscc_sagemaker_cluster.no_security_group") in failed
    assert ("CKV_LLM_12", "awscc_sagemaker_cluster.slurm_with_customer_key") in failed
    assert ("CKV_LLM_13", "awscc_sagemaker_cluster.no_node_recovery") in failed
    assert ("CKV_LLM_14", "aws_iam_role_policy_attachment.full_access") in failed
    assert len(failed) == 5, failed


@pytest.mark.checkov
def test_custom_checks_pass_each_good_fixture(checkov: str) -> None:
    result = run_checkov(
        checkov, ["-d", str(POLICY_FIXTURES / "good"), "--framework", "terraform", "-c", HYPERPOD_CHECKS]
    )
    assert result.failed == 0, result.failures
    assert result.passed == 3 * 2 + 1

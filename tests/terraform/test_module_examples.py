"""Every module's examples (``modules/<name>/examples/<example>/main.tf``, the READMEs' usage snippets): each is a
plain Terraform root calling its module by relative path; each is initialised from the local provider mirror and
planned (plan validates it) against one moto server with a test-only provider override: the plan must create what the
example declares and nothing else, and print no warning. Plans write nothing to moto, so one server serves all.

hyperpod-cluster is awscc-only and awscc is not in the mirror (test_validate.CHECKED_ELSEWHERE): its example cannot
be initialised here. The strongest check that can run: its module call is given to the provider-free ``body/``
submodule, which terraform evaluates from the example's own arguments, and the evaluated body is linted against the
CloudFormation schema of ``AWS::SageMaker::Cluster`` exactly as the shipped environments' bodies are
(tests/terraform/test_hyperpod_schema.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from llm_infra.paths import MODULES_DIR
from tests.support.hcl import load_hcl
from tests.support.moto import MotoServer, moto_server
from tests.support.stack import PLAN_TIMEOUT_S, copy_tree
from tests.support.terraform import moto_provider, terraform, write_moto_override
from tests.terraform.test_validate import CHECKED_ELSEWHERE, REPOSITORY_MODULES

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

ACCOUNT = "111122223333"  # moto acts in it through an assumed role
EXAMPLES = tuple(
    sorted(str(path.parent.relative_to(MODULES_DIR)) for path in MODULES_DIR.glob("*/examples/*/main.tf"))
)
PLANNED = tuple(example for example in EXAMPLES if example.split("/")[0] not in CHECKED_ELSEWHERE)
EVALUATED = tuple(example for example in EXAMPLES if example.split("/")[0] in CHECKED_ELSEWHERE)


def _module_calls(example_dir: Path) -> dict[str, dict[str, Any]]:
    return {
        name: body
        for block in load_hcl(example_dir / "main.tf").get("module", [])
        for name, body in block.items()
    }


def test_every_module_has_a_minimal_example_calling_it_by_relative_path() -> None:
    for module in REPOSITORY_MODULES:
        example = MODULES_DIR / module / "examples" / "minimal"
        assert (example / "main.tf").is_file(), f"modules/{module} has no examples/minimal/main.tf"
    for example in EXAMPLES:
        calls = _module_calls(MODULES_DIR / example)
        assert [body["source"] for body in calls.values()] == ["../.."], example


@pytest.fixture(scope="module")
def examples_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """Its own server: plans only read (caller identity, region, partition), nothing is applied."""
    with moto_server(tmp_path_factory.mktemp("examples-moto")) as server:
        yield server


def _moto_providers(example_dir: Path, endpoint: str) -> list[dict[str, Any]]:
    """One moto override per aws provider block the example declares, same region and alias."""
    blocks = [
        body for block in load_hcl(example_dir / "main.tf").get("provider", []) for name, body in block.items()
        if name == "aws"
    ]  # fmt: skip
    assert blocks, f"{example_dir}: declares no aws provider"
    return [moto_provider(endpoint, str(body["region"]), ACCOUNT, body.get("alias")) for body in blocks]


@dataclass(frozen=True)
class ExamplePlan:
    changes: dict[str, str]  # managed resource address -> planned action
    warnings: list[str]


def _plan(work: Path, tf_env: dict[str, str]) -> ExamplePlan:
    """``terraform plan -json``: plan validates the configuration, and its machine-readable log carries every
    planned change and diagnostic, so neither `validate` nor `show` has to load the aws provider's schema again
    (~10 s each on a loaded 2-core machine)."""
    planned = terraform(["plan", "-input=false", "-no-color", "-json"], work, tf_env, timeout=PLAN_TIMEOUT_S)
    changes: dict[str, str] = {}
    warnings: list[str] = []
    for line in planned.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "planned_change" and message["change"]["resource"]["resource_type"]:
            resource = message["change"]["resource"]
            if not resource["resource"].startswith("data."):  # data sources read at plan time
                changes[resource["addr"]] = message["change"]["action"]
        elif message["type"] == "diagnostic" and message["diagnostic"]["severity"] == "warning":
            warnings.append(f"{message['diagnostic']['summary']}: {message['diagnostic'].get('detail', '')}")
    return ExamplePlan(changes, warnings)


@pytest.mark.parametrize("example", PLANNED)
def test_example_plans_against_moto(
    example: str, examples_moto: MotoServer, root: Path, tf_env: dict[str, str], tmp_path: Path
) -> None:
    # Examples reach sibling modules through their module (`../kms-key`): copy modules/ side by side.
    work = copy_tree(root / "modules", tmp_path / "modules") / example
    write_moto_override(
        work,
        endpoint=examples_moto.endpoint,
        state_path=work / "terraform.tfstate",
        providers=_moto_providers(work, examples_moto.endpoint),
    )
    terraform(["init", "-input=false", "-no-color"], work, tf_env)
    plan = _plan(work, tf_env)
    # e.g. "Reference to undefined provider" or a deprecated argument in a README's usage snippet
    assert plan.warnings == [], plan.warnings
    assert plan.changes, f"{example}: plans nothing"
    assert set(plan.changes.values()) == {"create"}, plan.changes
    # everything planned belongs to the example's module call, or is a resource the example declares itself
    parsed = load_hcl(work / "main.tf")
    calls = tuple(f"module.{name}." for block in parsed.get("module", []) for name in block)
    own = {
        f"{kind}.{name}"
        for block in parsed.get("resource", [])
        for kind, named in block.items()
        for name in named
    }
    assert all(address.startswith(calls) or address in own for address in plan.changes), sorted(plan.changes)
    assert any(address.startswith(calls) for address in plan.changes), f"{example}: its module plans nothing"


def _body_root(example_dir: Path, work: Path) -> Path:
    """A root that calls ``body/`` with the example's module arguments and outputs the evaluated cluster body."""
    ((name, arguments),) = _module_calls(example_dir).items()
    call = {key: value for key, value in arguments.items() if key not in {"source", "providers"}}
    body_dir = MODULES_DIR / example_dir.relative_to(MODULES_DIR).parts[0] / "body"
    root_dir = copy_tree(body_dir, work / "body").parent / "root"
    root_dir.mkdir()
    config = {
        "module": {name: {"source": "../body", **call}},
        "output": {"cluster": {"value": f"${{module.{name}.cluster}}"}},
    }
    (root_dir / "main.tf.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return root_dir


@pytest.mark.parametrize("example", EVALUATED)
def test_awscc_example_body_evaluates_and_lints_against_the_cloudformation_schema(
    example: str, tf_env: dict[str, str], tmp_path: Path
) -> None:
    from tests.terraform.test_hyperpod_schema import lint_cluster_body  # noqa: PLC0415

    root_dir = _body_root(MODULES_DIR / example, tmp_path)
    terraform(["init", "-backend=false", "-input=false", "-no-color"], root_dir, tf_env)
    terraform(["apply", "-input=false", "-no-color", "-auto-approve"], root_dir, tf_env)
    shown = terraform(["output", "-json", "cluster"], root_dir, tf_env)
    body = json.loads(shown.stdout)
    ((_name, call),) = _module_calls(MODULES_DIR / example).items()
    assert body["cluster_name"] == call["cluster_name"]
    assert len(body["instance_groups"]) == len(call["instance_groups"])
    props, problems = lint_cluster_body(body, example)
    assert problems == []
    assert props["Orchestrator"]["Slurm"]["SlurmConfigStrategy"] == "Managed"

"""The protection flip for plain-Terraform users: the `moved` blocks the module READMEs show, proven from a plain
root module outside the repository (a temporary folder whose main.tf is a usage example the README shows,
which `make docs` generates from the module's examples/).

The snippets are read from the READMEs (the `<!-- moved-blocks: <module> protect|unprotect -->` markers), so the
READMEs cannot rot. s3-buckets is applied to a moto server and flipped both ways; moto's FSx cannot be created by
terraform (no Lifecycle), so an fsx-lustre file system is created with boto3, imported, and flipped at plan level.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hcl2
import pytest

from llm_infra.paths import MODULES_DIR
from tests.support.aws import client_in_account
from tests.support.fsx import (
    NOT_IMPORTED,
    adopt,
    changed,
    create_as_planned,
    destructive,
    moves,
    planned_file_system,
)
from tests.support.moto import MotoServer, moto_server
from tests.support.stack import PLAN_TIMEOUT_S, assert_empty_but_for_moto_gaps, plan_json
from tests.support.terraform import moto_provider, terraform, write_moto_override

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

ACCOUNT = "111111111111"  # the READMEs' example account (fake); moto acts in it through an assumed role
SNIPPET = re.compile(
    r"<!-- moved-blocks: (?P<module>\w+) (?P<direction>protect|unprotect) -->\n```hcl\n(?P<body>.*?)```", re.S
)
EXAMPLE = re.compile(r"<!-- BEGIN_EXAMPLE (?P<path>[^ ]+) -->\n```hcl\n(?P<body>.*?)```", re.S)


def _snippets(module: str) -> dict[tuple[str, str], str]:
    """(module block name, direction) -> the moved blocks the module's README shows."""
    text = (MODULES_DIR / module / "README.md").read_text(encoding="utf-8")
    return {(m["module"], m["direction"]): m["body"] for m in SNIPPET.finditer(text)}


def _usage(module: str, example: str) -> str:
    """The usage example ``example`` as the module's README shows it, calling the module copied to ./modules."""
    text = (MODULES_DIR / module / "README.md").read_text(encoding="utf-8")
    body = next(m["body"] for m in EXAMPLE.finditer(text) if m["path"] == example)
    assert 'source = "../.."' in body, f"{module} {example}: the example calls the module by relative path"
    return body.replace('source = "../.."', f'source = "./modules/{module}"')


def _pairs(snippet: str) -> dict[str, str]:
    """from -> to of the moved blocks of a snippet, parsed with python-hcl2."""
    parsed = hcl2.loads(snippet)
    found = {}
    for block in parsed.get("moved", []):
        source, target = (str(block[key]).removeprefix("${").removesuffix("}") for key in ("from", "to"))
        found[source] = target
    return found


@pytest.fixture(scope="module")
def readme_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """Its own server: these plain roots use neither the environments nor their producers (the FSx test makes its
    subnet with boto3), and what they apply dies with the server."""
    with moto_server(tmp_path_factory.mktemp("readme-moto")) as server:
        yield server


def _plain_root(
    root: Path, module: str, example: str, moto: MotoServer, providers: list[dict[str, Any]]
) -> Path:
    """A root folder outside the repository: the module copied under ./modules, main.tf = README usage."""
    shutil.copytree(MODULES_DIR, root / "modules", ignore=shutil.ignore_patterns(".terraform*", "tests"))
    (root / "main.tf").write_text(_usage(module, example), encoding="utf-8")
    write_moto_override(
        root, endpoint=moto.endpoint, state_path=root / "terraform.tfstate", providers=providers
    )
    return root


# moto 5.2.5 reads a replication rule back without DeleteMarkerReplication and SourceSelectionCriteria, so every
# plan after an apply (flip or not) updates the rule in place. test_moto_ladder never applies replication, so its
# MOTO_READBACK_GAPS lacks this one; only a rule that differs in exactly these two fields is set aside here.
REPLICATION_RULE_NOT_READ_BACK = {"delete_marker_replication", "source_selection_criteria"}


def _without_replication_readback_gap(plan: dict[str, Any]) -> dict[str, Any]:
    def gap_only(change: dict[str, Any]) -> bool:
        if change["type"] != "aws_s3_bucket_replication_configuration" or change["change"]["actions"] != [
            "update"
        ]:
            return False
        if changed(change) != {"rule"}:
            return False
        before, after = change["change"]["before"]["rule"], change["change"]["after"]["rule"]
        strip = [
            {k: v for k, v in r.items() if k not in REPLICATION_RULE_NOT_READ_BACK} for r in (*before, *after)
        ]
        return len(before) == len(after) and strip[: len(before)] == strip[len(before) :]

    return {**plan, "resource_changes": [c for c in plan["resource_changes"] if not gap_only(c)]}


def _set_module(root: Path, block: str, **arguments: Any) -> None:
    """Test-only override of the module block's arguments (Terraform merges override files into the block)."""
    override = {"module": {block: arguments}}
    (root / "zz_module_override.tf.json").write_text(json.dumps(override, indent=2), encoding="utf-8")


def _use_snippet(root: Path, snippet: str | None) -> None:
    path = root / "moved.tf"
    if snippet is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(snippet, encoding="utf-8")


def test_readme_snippets_name_both_directions() -> None:
    for module, block in (("s3-buckets", "s3_buckets"), ("fsx-lustre", "fsx_lustre")):
        snippets = _snippets(module)
        assert set(snippets) == {(block, "protect"), (block, "unprotect")}, module
        protect, unprotect = _pairs(snippets[(block, "protect")]), _pairs(snippets[(block, "unprotect")])
        assert protect and unprotect == {target: source for source, target in protect.items()}, module
        assert "state mv" not in (MODULES_DIR / module / "README.md").read_text(encoding="utf-8")


def test_s3_buckets_readme_moved_blocks_flip_a_plain_root_both_ways(
    readme_moto: MotoServer, tf_env: dict[str, str], tmp_path: Path
) -> None:
    snippets = _snippets("s3-buckets")
    providers = [
        moto_provider(readme_moto.endpoint, "us-east-1", ACCOUNT),
        moto_provider(readme_moto.endpoint, "us-east-2", ACCOUNT, "replica"),
    ]
    root = _plain_root(tmp_path / "root", "s3-buckets", "examples/complete", readme_moto, providers)
    _set_module(root, "s3_buckets", prevent_destroy=False)
    terraform(["init", "-input=false", "-no-color"], root, tf_env)
    # the README's root, copied as it is, must not warn (e.g. "Reference to undefined provider")
    validated = terraform(["validate", "-no-color"], root, tf_env)
    assert "Warning" not in validated.stdout + validated.stderr, validated.stdout + validated.stderr
    terraform(["apply", "-input=false", "-no-color", "-auto-approve"], root, tf_env, timeout=PLAN_TIMEOUT_S)

    # without the README's blocks the flip replaces every bucket: what the blocks are for
    _set_module(root, "s3_buckets", prevent_destroy=True)
    _code, plan = plan_json(root, tf_env)
    deleted = {entry.split(" ")[0] for entry in destructive(plan)}
    assert set(_pairs(snippets[("s3_buckets", "protect")])) <= deleted  # 3 buckets + 3 replicas, and more

    for protect, direction in ((True, "protect"), (False, "unprotect")):
        _set_module(root, "s3_buckets", prevent_destroy=protect)
        _use_snippet(root, snippets[("s3_buckets", direction)])
        _code, plan = plan_json(root, tf_env)
        assert destructive(plan) == [], direction
        assert moves(plan) == _pairs(snippets[("s3_buckets", direction)])
        assert_empty_but_for_moto_gaps(_without_replication_readback_gap(plan))
        terraform(["apply", "-input=false", "-no-color", "tfplan"], root, tf_env, timeout=PLAN_TIMEOUT_S)


def _fsx_network(moto: MotoServer) -> tuple[str, str]:
    """A subnet and a security group for the file system, made with boto3 (no network module needed)."""
    ec2 = client_in_account(moto, ACCOUNT, "us-west-2", "ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-west-2a")["Subnet"]
    group = ec2.create_security_group(VpcId=vpc, GroupName="lustre", Description="Lustre clients")["GroupId"]
    return str(subnet["SubnetId"]), str(group)


def test_fsx_lustre_readme_moved_blocks_flip_a_plain_root_both_ways(
    readme_moto: MotoServer, tf_env: dict[str, str], tmp_path: Path
) -> None:
    snippets = _snippets("fsx-lustre")
    providers = [moto_provider(readme_moto.endpoint, "us-west-2", ACCOUNT)]
    root = _plain_root(tmp_path / "root", "fsx-lustre", "examples/minimal", readme_moto, providers)
    subnet, group = _fsx_network(readme_moto)
    placement = {"subnet_id": subnet, "security_group_ids": [group]}
    _set_module(root, "fsx_lustre", prevent_destroy=False, **placement)
    terraform(["init", "-input=false", "-no-color"], root, tf_env)
    prerequisites = [
        "-target=module.fsx_lustre.module.kms",
        "-target=module.fsx_lustre.aws_cloudwatch_log_group.this",
    ]
    terraform(["apply", "-input=false", "-no-color", "-auto-approve", *prerequisites], root, tf_env)
    shutil.copyfile(root / "terraform.tfstate", tmp_path / "prerequisites.tfstate")
    _code, plan = plan_json(root, tf_env)
    values = planned_file_system(plan)
    file_system = create_as_planned(client_in_account(readme_moto, ACCOUNT, "us-west-2", "fsx"), values)

    for protect, direction in ((True, "protect"), (False, "unprotect")):
        (source, target), *_ = _pairs(snippets[("fsx_lustre", direction)]).items()
        # adopt the file system at the address it has before the flip, and check it matches its configuration
        shutil.copyfile(tmp_path / "prerequisites.tfstate", root / "terraform.tfstate")
        _use_snippet(root, None)
        _set_module(root, "fsx_lustre", prevent_destroy=not protect, **placement)
        adopt(root, source, file_system, values, tf_env)
        _code, plan = plan_json(root, tf_env, "-refresh=false")
        (baseline,) = [c for c in plan["resource_changes"] if c["type"] == "aws_fsx_lustre_file_system"]
        assert baseline["address"] == source and changed(baseline) <= NOT_IMPORTED
        assert destructive(plan) == []
        # flip with the README's block: moved, nothing else
        _set_module(root, "fsx_lustre", prevent_destroy=protect, **placement)
        _use_snippet(root, snippets[("fsx_lustre", direction)])
        _code, plan = plan_json(root, tf_env, "-refresh=false")
        assert destructive(plan) == [], direction
        assert moves(plan) == {source: target}
        (change,) = [c for c in plan["resource_changes"] if c["type"] == "aws_fsx_lustre_file_system"]
        assert change["change"]["actions"] == baseline["change"]["actions"]
        assert changed(change) == changed(baseline)
        # and without it, the flip would replace the file system (unprotecting: the plan fails on prevent_destroy)
        _use_snippet(root, None)
        if protect:
            _code, plan = plan_json(root, tf_env, "-refresh=false")
            assert any(source in entry for entry in destructive(plan)), destructive(plan)
        else:
            failed = terraform(
                ["plan", "-input=false", "-no-color", "-refresh=false"], root, tf_env, check=False
            )
            assert failed.returncode == 1 and "Instance cannot be destroyed" in failed.stderr, failed.stderr[
                -2000:
            ]

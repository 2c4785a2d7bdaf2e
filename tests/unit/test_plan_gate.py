"""The plan gate on crafted plan JSON, for what moto cannot produce: HyperPod clusters (awscc is not in the offline
mirror and moto has no Cloud Control API, so no awscc plan exists here), endpoint-configuration rollouts (moto
refuses ml.inf2.* configurations, so no endpoint is ever applied), and the shapes of bad input. The gate on real
plans against moto is tests/terraform/test_plan_gate_moto.py.

The changes are written as ``terraform show -json`` prints them (format 1.2: ``actions``, ``before``, ``after``,
``after_unknown``, ``action_reason``, ``previous_address``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llm_infra.layers import HYPERPOD, INFERENCE, STORAGE, TRAINING
from llm_infra.layers.spec import RiskyUpdate
from llm_infra.ops.plan_gate import ALWAYS_PROTECTED, Rules, evaluate, rules_for
from llm_infra.paths import PROJECT_ROOT
from scripts import plan_gate as script

CLUSTER = "module.cluster.awscc_sagemaker_cluster.this"
ENDPOINT = 'module.fleet.aws_sagemaker_endpoint.this["chat"]'
FSX = "module.fsx.aws_fsx_lustre_file_system.this[0]"
BUCKET = 'module.buckets.aws_s3_bucket.this["datasets"]'


def change(
    address: str,
    kind: str,
    actions: list[str],
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    after_unknown: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "address": address,
        "mode": "managed",
        "type": kind,
        "name": address.rsplit(".", 1)[-1],
        "change": {
            "actions": actions,
            "before": before,
            "after": after,
            "after_unknown": after_unknown or {},
        },
        **extra,
    }


def plan(*changes: dict[str, Any]) -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {}},
        "resource_changes": list(changes),
    }


def group(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "instance_group_name": name,
        "instance_type": "ml.g5.2xlarge",
        "instance_count": 1,
        "threads_per_core": 1,
        "instance_storage_configs": [{"ebs_volume_config": {"volume_size_in_gb": 500}}],
        "image_id": None,
        **fields,
    }


def cluster_update(before_groups: list[Any], after_groups: list[Any], **extra: Any) -> dict[str, Any]:
    vpc = {"security_group_ids": ["sg-1"], "subnets": ["subnet-1"]}
    return change(
        CLUSTER,
        "awscc_sagemaker_cluster",
        ["update"],
        before={"instance_groups": before_groups, "vpc_config": vpc, "tags": []},
        after={"instance_groups": after_groups, "vpc_config": extra.pop("vpc", vpc), "tags": []},
        after_unknown=extra.pop("unknown", {}),
    )


HYPERPOD_RULES = rules_for([HYPERPOD])
INFERENCE_RULES = rules_for([INFERENCE])


def verdicts(document: dict[str, Any], rules: Rules, allow: tuple[str, ...] = ()) -> dict[str, str]:
    return {row.address: row.verdict for row in evaluate(document, rules, allow).rows}


@pytest.mark.parametrize("kind", ALWAYS_PROTECTED)
@pytest.mark.parametrize("actions", [["delete"], ["delete", "create"], ["create", "delete"]])
def test_deleting_or_replacing_a_protected_type_is_refused_in_every_stack(
    kind: str, actions: list[str]
) -> None:
    result = evaluate(plan(change(f"module.x.{kind}.this", kind, actions, {"id": "a"}, None)), rules_for([]))
    (row,) = result.rows
    assert (row.verdict, row.action) == ("refused", "delete" if actions == ["delete"] else "replace")
    assert kind in row.reason and not result.passed


def test_a_layers_own_protected_type_is_refused_in_its_stacks_only() -> None:
    """training protects its execution role (the cluster holds its ARN); inference recreates its role freely."""
    role = change("module.prerequisites.aws_iam_role.execution", "aws_iam_role", ["delete", "create"], {}, {})
    assert verdicts(plan(role), rules_for([TRAINING])) == {role["address"]: "refused"}
    assert verdicts(plan(role), INFERENCE_RULES) == {role["address"]: "pass"}


def test_creates_updates_moves_and_forgets_pass_and_are_counted() -> None:
    document = plan(
        change(BUCKET, "aws_s3_bucket", ["create"], None, {"bucket": "b"}),
        change("module.network.aws_subnet.private", "aws_subnet", ["delete", "create"], {}, {}),
        change(
            "module.fsx.aws_fsx_lustre_file_system.protected[0]",
            "aws_fsx_lustre_file_system",
            ["no-op"],
            {},
            {},
            previous_address=FSX,
        ),
        change("module.fsx.aws_kms_key.old", "aws_kms_key", ["forget"], {}, None),
        change("module.fsx.aws_cloudwatch_log_group.this", "aws_cloudwatch_log_group", ["update"], {}, {}),
        change("module.x.aws_s3_bucket.untouched", "aws_s3_bucket", ["no-op"], {}, {}),
    )
    result = evaluate(document, rules_for([STORAGE]))
    assert result.passed
    assert {row.address: row.action for row in result.rows} == {
        BUCKET: "create",
        "module.network.aws_subnet.private": "replace",
        "module.fsx.aws_fsx_lustre_file_system.protected[0]": "move",
        "module.fsx.aws_kms_key.old": "forget",
        "module.fsx.aws_cloudwatch_log_group.this": "update",
    }
    assert dict(result.counts) == {"add": 2, "change": 1, "destroy": 1, "replace": 1, "move": 1, "forget": 1}


def test_an_override_lets_exactly_its_address_through_and_unused_ones_are_reported() -> None:
    document = plan(
        change(FSX, "aws_fsx_lustre_file_system", ["delete"], {}, None),
        change(BUCKET, "aws_s3_bucket", ["delete", "create"], {}, {}),
    )
    result = evaluate(document, rules_for([STORAGE]), (BUCKET, "module.typo.aws_s3_bucket.x"))
    assert {row.address: row.verdict for row in result.rows} == {FSX: "refused", BUCKET: "allowed"}
    assert result.unused_overrides == ("module.typo.aws_s3_bucket.x",)
    assert not result.passed
    assert evaluate(document, rules_for([STORAGE]), (BUCKET, FSX)).passed


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("instance_type", "ml.g5.4xlarge"),
        ("instance_storage_configs", [{"ebs_volume_config": {"volume_size_in_gb": 1000}}]),
        ("image_id", "ami-0123456789abcdef0"),
    ],
)
def test_hyperpod_group_changes_that_replace_nodes_are_refused(field: str, value: Any) -> None:
    update = cluster_update(
        [group("controller"), group("gpu")], [group("controller"), group("gpu", **{field: value})]
    )
    (row,) = evaluate(plan(update), HYPERPOD_RULES).rows
    assert (row.action, row.verdict) == ("update", "refused")
    assert f"instance_groups 'gpu': {field} change" in row.reason
    assert evaluate(plan(update), HYPERPOD_RULES, (CLUSTER,)).passed


def test_hyperpod_group_resize_passes_and_a_removed_group_is_refused() -> None:
    resized = cluster_update([group("gpu")], [group("gpu", instance_count=4)])
    assert verdicts(plan(resized), HYPERPOD_RULES) == {CLUSTER: "pass"}
    # the order of the groups in the list does not matter: they are matched by name
    reordered = cluster_update([group("a"), group("b")], [group("b"), group("a")])
    assert verdicts(plan(reordered), HYPERPOD_RULES) == {CLUSTER: "pass"}
    removed = cluster_update([group("controller"), group("gpu")], [group("controller")])
    (row,) = evaluate(plan(removed), HYPERPOD_RULES).rows
    assert row.verdict == "refused" and "instance_groups 'gpu' removed" in row.reason


def test_hyperpod_storage_known_only_after_apply_is_refused() -> None:
    unknown = {"instance_groups": [{}, {"instance_storage_configs": True}]}
    update = cluster_update([group("a"), group("b")], [group("a"), group("b")], unknown=unknown)
    (row,) = evaluate(plan(update), HYPERPOD_RULES).rows
    assert row.verdict == "refused" and "'b': instance_storage_configs change" in row.reason


def test_a_cluster_vpc_config_change_is_refused() -> None:
    update = cluster_update(
        [group("a")], [group("a")], vpc={"security_group_ids": ["sg-1"], "subnets": ["s-2"]}
    )
    (row,) = evaluate(plan(update), HYPERPOD_RULES).rows
    assert row.verdict == "refused" and row.reason.startswith("vpc_config changes")


def test_a_new_endpoint_configuration_is_refused_for_the_instance_count_reset() -> None:
    """A rollout: the configuration is replaced (create_before_destroy, not protected) and the endpoint updated
    in place to the new configuration's name, known only after apply."""
    config = 'module.fleet.aws_sagemaker_endpoint_configuration.this["chat"]'
    document = plan(
        change(config, "aws_sagemaker_endpoint_configuration", ["create", "delete"], {"name": "a"}, {}),
        change(
            ENDPOINT,
            "aws_sagemaker_endpoint",
            ["update"],
            {"endpoint_config_name": "llm-dev-inf-chat-2026", "name": "llm-dev-inf-chat"},
            {"name": "llm-dev-inf-chat"},
            {"endpoint_config_name": True},
        ),
    )
    rows = {row.address: row for row in evaluate(document, INFERENCE_RULES).rows}
    assert rows[config].verdict == "pass"
    assert rows[ENDPOINT].verdict == "refused" and "#48990" in rows[ENDPOINT].reason
    tags_only = change(ENDPOINT, "aws_sagemaker_endpoint", ["update"], {"endpoint_config_name": "c", "tags": {}},
                       {"endpoint_config_name": "c", "tags": {"a": "b"}})  # fmt: skip
    assert verdicts(plan(tags_only), INFERENCE_RULES) == {ENDPOINT: "pass"}


def test_the_gate_reads_its_declarations_from_the_layers() -> None:
    """A layer's risky update and protected type reach the gate; nothing is hard-coded for them."""
    declared = RiskyUpdate("terraform_data", "input", "reruns the provisioner")
    layer = type("L", (), {"protected_types": ("aws_efs_file_system",), "risky_updates": (declared,)})()
    rules = rules_for([layer])
    data = change("terraform_data.x", "terraform_data", ["update"], {"input": 1}, {"input": 2})
    efs = change("aws_efs_file_system.x", "aws_efs_file_system", ["delete"], {}, None)
    assert verdicts(plan(data, efs), rules) == {
        "terraform_data.x": "refused",
        "aws_efs_file_system.x": "refused",
    }
    assert verdicts(plan(data, efs), rules_for([])) == {
        "terraform_data.x": "pass",
        "aws_efs_file_system.x": "pass",
    }
    assert {u.resource_type for u in HYPERPOD.risky_updates} == {"awscc_sagemaker_cluster"}
    assert {u.resource_type for u in INFERENCE.risky_updates} == {"aws_sagemaker_endpoint"}


def test_script_table_json_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(change(FSX, "aws_fsx_lustre_file_system", ["delete"], {}, None))))
    assert script.main([str(path), "--layer", "storage"]) == 1
    table = capsys.readouterr().out.splitlines()
    assert table[1].split() == ["address", "action", "verdict", "reason"]
    assert table[3].split()[:3] == [FSX, "delete", "refused"]
    assert table[-1].startswith("verdict: REFUSED (1 change(s)")
    out = tmp_path / "gate.json"
    assert (
        script.main(
            [str(path), "--layer", "storage", "--allow-replace", FSX, "--json", "--json-out", str(out)]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text())
    assert (printed["verdict"], printed["overrides"], printed["unused_overrides"]) == ("pass", [FSX], [])
    assert printed["changes"][0]["verdict"] == "allowed"
    assert printed["counts"]["destroy"] == 1


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not JSON"),
        ({"format_version": "1.0", "values": {"root_module": {}}}, "holds a state, not a plan"),
        ([1, 2], "no format_version"),
        ({"format_version": "1.2", "resource_changes": [{"address": "x"}]}, "resource_changes[0] has no"),
        (plan(change("a.b", "aws_s3_bucket", ["explode"], {}, {})), "a.b: unknown actions ['explode']"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: Any, message: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    assert script.main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"error: {path}: ") and message in line


def test_bad_input_from_stdin_prints_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/plan_gate.py", "-"],
        cwd=PROJECT_ROOT,
        input='{"format_version": "1.0", "values": {}}',
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert (
        result.stderr.startswith("error: stdin: holds a state, not a plan")
        and "Traceback" not in result.stderr
    )


def test_an_unknown_stack_or_layer_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan()))
    assert script.main([str(path), "--stack", "dev-nothing"]) == 2
    assert "no stack 'dev-nothing' in the environment files (allowed: dev-network," in capsys.readouterr().err
    assert script.main([str(path), "--layer", "nothing"]) == 2
    assert "unknown layer 'nothing'" in capsys.readouterr().err
    assert script.main([str(path), "--stack", "dev-storage"]) == 0

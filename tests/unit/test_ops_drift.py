"""Drift bookkeeping: stack discovery, reading the plan JSON, exit codes, bounded terraform runs (fake binary)."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from llm_infra.ops.drift import (
    Drift,
    StackDrift,
    _tail,
    discover_stacks,
    exit_code,
    render,
    run_bounded,
)
from llm_infra.ops.drift_plan import drifted_addresses, read_plan
from llm_infra.ops.errors import OpsError


def test_drift_is_read_from_resource_drift_and_output_changes() -> None:
    plan = {
        "resource_drift": [
            {"address": "module.network.aws_vpc.this[0]", "change": {"actions": ["update"]}},
            {"address": 'module.network.aws_eip.this["usw2-az1"]', "change": {"actions": ["delete"]}},
            {"address": 'module.network.aws_subnet.private["usw2-az1"]', "change": {"actions": ["no-op"]}},
        ],
        "output_changes": {"vpc_id": {"actions": ["no-op"]}, "extra": {"actions": ["create"]}},
    }
    assert drifted_addresses(plan) == [
        "module.network.aws_vpc.this[0] (update)",
        'module.network.aws_eip.this["usw2-az1"] (delete)',
        "output.extra (create)",
    ]
    # terraform can exit 2 for a refresh-only plan that reports nothing (hashicorp/terraform#36403)
    assert drifted_addresses({"output_changes": {"vpc_id": {"actions": ["no-op"]}}}) == []


def test_exit_code_drift_wins_then_errors() -> None:
    clean = StackDrift("dev-network", "clean")
    drifted = StackDrift("dev-storage", "drifted", ("x (update)",))
    error = StackDrift("prod-network", "error", detail="terraform init failed")
    assert exit_code([clean]) == 0
    assert exit_code([clean, error]) == 1
    assert exit_code([clean, error, drifted]) == 2


def test_summary_lists_the_first_changes() -> None:
    many = StackDrift("dev-network", "drifted", tuple(f"r{i} (update)" for i in range(10)), seconds=12.4)
    table = render([StackDrift("dev-storage", "clean", seconds=3), many])
    assert table.splitlines() == [
        "stack        status    time  summary",
        "-----------  -------  -----  -------",
        "dev-storage  clean       3s  no drift",
        "dev-network  drifted    12s  10 changed outside Terraform: r0 (update), r1 (update), r2 (update), "
        "r3 (update), r4 (update), r5 (update), r6 (update), r7 (update) and 2 more",
        "",
        "2 stack(s): 1 drifted, 0 could not be checked",
    ]


def _stacks(root: Path, *names: str) -> Path:
    for name in names:
        (root / "stacks" / name).mkdir(parents=True)
        (root / "stacks" / name / "cdk.tf.json").write_text("{}", encoding="utf-8")
    return root


def test_discover_all_or_selected_stacks(tmp_path: Path) -> None:
    out = _stacks(tmp_path / "out", "dev-network", "dev-storage")
    (out / "stacks" / "not-a-stack").mkdir()
    assert [p.name for p in discover_stacks(out)] == ["dev-network", "dev-storage"]
    assert [p.name for p in discover_stacks(out, ["dev-storage"])] == ["dev-storage"]
    with pytest.raises(
        OpsError, match=r"no stack prod-network in .* \(available: dev-network, dev-storage\)"
    ):
        discover_stacks(out, ["prod-network"])
    with pytest.raises(OpsError, match=r"no synthesized stacks in .*: run `make synth`"):
        discover_stacks(tmp_path / "empty")


def test_terraform_errors_are_summarised_on_one_line() -> None:
    output = """
Planning failed.

Error: Invalid index

  on assets/__cdktf_module_asset_26CE565C/8EF15422/network/kms.tf line 7, in locals:
   7:   kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
    ├────────────────
    │ aws_kms_key.this is empty tuple

The given key does not identify an element in this collection value: the
collection has no elements.

Error: Invalid index

  on assets/x/y/network/main.tf line 26, in locals:
"""
    assert _tail(output) == (
        "Error: Invalid index (on network/kms.tf line 7; The given key does not identify an element in this "
        "collection value: the collection has no elements.) (+1 more error(s))"
    )
    assert _tail("a\nb\n\nc\n") == "a | b | c"


def _fake_terraform(directory: Path, body: str) -> str:
    path = directory / "terraform"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_a_hanging_command_is_killed_at_the_timeout(tmp_path: Path) -> None:
    binary = _fake_terraform(tmp_path, 'echo "starting"; sleep 30 & wait')
    beats: list[float] = []
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=r"timed out after 2s: starting"):
        run_bounded([binary, "plan"], tmp_path, dict(os.environ), 2, heartbeat=beats.append, heartbeat_s=0.5)
    assert time.monotonic() - started < 15
    assert len(beats) >= 2


def test_drift_reports_init_failure_and_timeout_per_stack(tmp_path: Path) -> None:
    out = _stacks(tmp_path / "out", "dev-network", "dev-storage")
    script = (
        'case "$(basename "$PWD")/$1" in\n'
        '  dev-network/init) echo "Error: Failed to get existing workspaces"; echo; echo "AccessDenied"; exit 1;;\n'
        "  dev-storage/init) exit 0;;\n"
        "  dev-storage/plan) sleep 30;;\n"
        "esac"
    )
    progress: list[str] = []
    drift = Drift(
        env=dict(os.environ), terraform=_fake_terraform(tmp_path, script), timeout=1, progress=progress.append
    )
    results = drift.run(discover_stacks(out))
    assert [(r.stack, r.status) for r in results] == [("dev-network", "error"), ("dev-storage", "error")]
    assert (
        results[0].detail == "terraform init failed: Error: Failed to get existing workspaces (AccessDenied)"
    )
    assert results[1].detail.startswith("terraform plan timed out after 1s")
    assert progress[:2] == ["[dev-network] terraform init", "[dev-network] error (0s)"]
    assert exit_code(results) == 1


def test_exit_code_2_without_reported_changes_is_clean(tmp_path: Path) -> None:
    out = _stacks(tmp_path / "out", "dev-network")
    script = (
        'case "$1" in\n'
        "  init) exit 0;;\n"
        "  plan) exit 2;;\n"
        '  show) echo \'{"format_version":"1.2","resource_drift":[],"output_changes":{}}\';;\n'
        "esac"
    )
    [result] = Drift(env=dict(os.environ), terraform=_fake_terraform(tmp_path, script)).run(
        discover_stacks(out)
    )
    assert (result.status, result.summary()) == (
        "clean",
        "no drift (terraform exit code 2 without any reported change)",
    )


# --- attributes that mirror resources the same state manages (shapes as terraform 1.11 / aws 5.100 write them)

SG = "sg-0aaa"
OTHER_SG = "sg-0bbb"


def _inline(protocol: str, ports: tuple[int, int], **sources: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "cidr_blocks": [],
        "description": "",
        "from_port": ports[0],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": protocol,
        "security_groups": [],
        "self": False,
        "to_port": ports[1],
    }
    entry.update(sources)
    return entry


def _vpc_rule(direction: str, name: str, protocol: str, ports: tuple[int, int] | None, **source: str):
    values: dict[str, object] = {
        "security_group_id": SG,
        "ip_protocol": protocol,
        "from_port": ports[0] if ports else None,
        "to_port": ports[1] if ports else None,
        "cidr_ipv4": None,
        "cidr_ipv6": None,
        "prefix_list_id": None,
        "referenced_security_group_id": None,
    }
    values.update(source)
    return {
        "address": f"module.network.aws_vpc_security_group_{direction}_rule.{name}",
        "mode": "managed",
        "type": f"aws_vpc_security_group_{direction}_rule",
        "values": values,
    }


def _plan(resources: list[dict[str, object]], drift: list[dict[str, object]]) -> dict[str, object]:
    return {
        "prior_state": {"values": {"root_module": {"child_modules": [{"resources": resources}]}}},
        "resource_drift": drift,
        "output_changes": {},
    }


def _update(address: str, resource_type: str, before: dict[str, object], after: dict[str, object]):
    return {
        "address": address,
        "mode": "managed",
        "type": resource_type,
        "change": {"actions": ["update"], "before": before, "after": after},
    }


MANAGED_RULES = [
    _vpc_rule("ingress", "efa_self_all", "-1", None, referenced_security_group_id=SG),
    _vpc_rule("egress", "efa_self_all", "-1", None, referenced_security_group_id=SG),
    _vpc_rule("egress", "https", "tcp", (443, 443), cidr_ipv4="0.0.0.0/0"),
    _vpc_rule("egress", "s3", "tcp", (443, 443), prefix_list_id="pl-1234"),
]
# What the security group reads back once its separately managed rules exist (self, prefix list, CIDR).
INGRESS = [_inline("-1", (0, 0), self=True)]
EGRESS = [
    _inline("-1", (0, 0), self=True),
    _inline("tcp", (443, 443), cidr_blocks=["0.0.0.0/0"]),
    _inline("tcp", (443, 443), prefix_list_ids=["pl-1234"]),
]
SG_ADDRESS = "module.network.aws_security_group.efa"


def _sg_drift(ingress: list[dict[str, object]], egress: list[dict[str, object]]) -> dict[str, object]:
    before = {"id": SG, "ingress": [], "egress": [], "tags": {"Name": "efa"}}
    return _update(SG_ADDRESS, "aws_security_group", before, {**before, "ingress": ingress, "egress": egress})


def test_security_group_rules_read_back_after_apply_are_not_drift() -> None:
    group = {"address": SG_ADDRESS, "mode": "managed", "type": "aws_security_group", "values": {"id": SG}}
    read = read_plan(_plan([group, *MANAGED_RULES], [_sg_drift(INGRESS, EGRESS)]))
    assert read.changes == ()
    assert read.mirrored == (f"{SG_ADDRESS}.egress", f"{SG_ADDRESS}.ingress")


def test_a_rule_added_outside_terraform_is_drift() -> None:
    added = _inline("tcp", (22, 22), cidr_blocks=["0.0.0.0/0"])
    read = read_plan(_plan(MANAGED_RULES, [_sg_drift([*INGRESS, added], EGRESS)]))
    assert read.changes == (f"{SG_ADDRESS} (update: ingress)",)
    assert read.mirrored == (f"{SG_ADDRESS}.egress",)


def test_a_source_added_outside_terraform_to_a_managed_rule_is_drift() -> None:
    # AWS groups sources of one protocol and port range into one inline entry: the extra source still counts.
    widened = [*EGRESS[:1], _inline("tcp", (443, 443), cidr_blocks=["0.0.0.0/0", "10.0.0.0/8"]), EGRESS[2]]
    assert read_plan(_plan(MANAGED_RULES, [_sg_drift(INGRESS, widened)])).changes == (
        f"{SG_ADDRESS} (update: egress)",
    )


def test_a_rule_of_another_group_does_not_account_for_an_entry() -> None:
    elsewhere = [
        {**rule, "values": {**rule["values"], "security_group_id": OTHER_SG}} for rule in MANAGED_RULES
    ]
    read = read_plan(_plan(elsewhere, [_sg_drift(INGRESS, EGRESS)]))
    assert read.changes == (f"{SG_ADDRESS} (update: egress, ingress)",)


def test_a_managed_rule_deleted_outside_terraform_is_reported_once() -> None:
    deleted = MANAGED_RULES[0]
    gone = {
        "address": deleted["address"],
        "mode": "managed",
        "type": deleted["type"],
        "change": {"actions": ["delete"], "before": deleted["values"], "after": None},
    }
    # After the delete the group reads back without it; before, the state held it (a second apply had run).
    before = {"id": SG, "ingress": INGRESS, "egress": EGRESS}
    shrunk = _update(SG_ADDRESS, "aws_security_group", before, {**before, "ingress": []})
    read = read_plan(_plan(MANAGED_RULES[1:], [gone, shrunk]))
    assert read.changes == (f"{deleted['address']} (delete)",)


def test_legacy_security_group_rule_resources_and_protocol_numbers_count() -> None:
    legacy = {
        "address": "aws_security_group_rule.lustre",
        "mode": "managed",
        "type": "aws_security_group_rule",
        "values": {
            "security_group_id": SG,
            "type": "ingress",
            "protocol": "6",
            "from_port": 988,
            "to_port": 988,
            "self": True,
            "cidr_blocks": None,
        },
    }
    read = read_plan(_plan([legacy], [_sg_drift([_inline("tcp", (988, 988), self=True)], [])]))
    assert read.changes == ()
    # the same rule as egress is not what the resource manages
    read = read_plan(_plan([legacy], [_sg_drift([], [_inline("tcp", (988, 988), self=True)])]))
    assert read.changes == (f"{SG_ADDRESS} (update: egress)",)


def _route(destination: str, **target: str) -> dict[str, str]:
    entry = dict.fromkeys(
        ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id", "gateway_id", "nat_gateway_id"), ""
    )
    entry.update({"cidr_block": destination}, **target)
    return entry


def test_route_table_routes_mirror_managed_routes_only() -> None:
    route = {
        "address": 'module.network.aws_route.private_nat["usw2-az1"]',
        "mode": "managed",
        "type": "aws_route",
        "values": {
            "route_table_id": "rtb-1",
            "destination_cidr_block": "0.0.0.0/0",
            "nat_gateway_id": "nat-1",
        },
    }
    table = 'module.network.aws_route_table.private["usw2-az1"]'
    refreshed = _update(
        table,
        "aws_route_table",
        {"id": "rtb-1", "route": []},
        {"id": "rtb-1", "route": [_route("0.0.0.0/0")]},
    )
    assert read_plan(_plan([route], [refreshed])).changes == ()
    added = _update(
        table,
        "aws_route_table",
        {"id": "rtb-1", "route": [_route("0.0.0.0/0")]},
        {"id": "rtb-1", "route": [_route("0.0.0.0/0"), _route("192.168.0.0/16", gateway_id="vgw-1")]},
    )
    assert read_plan(_plan([route], [added])).changes == (f"{table} (update: route)",)


def test_role_inline_policies_and_nat_eip_association_mirror_managed_resources() -> None:
    policy = {
        "address": "module.network.aws_iam_role_policy.this[0]",
        "mode": "managed",
        "type": "aws_iam_role_policy",
        "values": {"role": "flow-logs", "name": "deliver", "policy": "{}"},
    }
    nat = {
        "address": 'module.network.aws_nat_gateway.this["usw2-az1"]',
        "mode": "managed",
        "type": "aws_nat_gateway",
        "values": {"allocation_id": "eipalloc-1", "network_interface_id": "eni-1", "private_ip": "10.0.0.5"},
    }
    role = "module.network.aws_iam_role.this[0]"
    eip = 'module.network.aws_eip.this["usw2-az1"]'
    unassociated = {
        "id": "eipalloc-1",
        "allocation_id": "eipalloc-1",
        "association_id": "",
        "network_interface": "",
    }
    by_nat = {
        **unassociated,
        "association_id": "eipassoc-1",
        "network_interface": "eni-1",
        "private_ip": "10.0.0.5",
    }
    role_before = {"name": "flow-logs", "inline_policy": []}
    drift = [
        _update(
            role,
            "aws_iam_role",
            role_before,
            {**role_before, "inline_policy": [{"name": "deliver", "policy": "{}"}]},
        ),
        _update(eip, "aws_eip", unassociated, by_nat),
    ]
    read = read_plan(_plan([policy, nat], drift))
    assert read.changes == ()
    assert set(read.mirrored) == {
        f"{role}.inline_policy",
        f"{eip}.association_id",
        f"{eip}.network_interface",
        f"{eip}.private_ip",
    }
    # A policy nobody manages, and the address moved to another interface, are drift.
    drift = [
        _update(
            role,
            "aws_iam_role",
            role_before,
            {**role_before, "inline_policy": [{"name": "admin", "policy": "{}"}]},
        ),
        _update(eip, "aws_eip", unassociated, {**by_nat, "network_interface": "eni-2"}),
    ]
    assert read_plan(_plan([policy, nat], drift)).changes == (
        f"{role} (update: inline_policy)",
        f"{eip} (update: association_id, network_interface, private_ip)",
    )


def test_other_attributes_of_a_mirroring_resource_still_count() -> None:
    drifted = _sg_drift(INGRESS, EGRESS)
    drifted["change"]["after"]["tags"] = {"Name": "efa", "Owner": "someone-else"}  # type: ignore[index]
    read = read_plan(_plan(MANAGED_RULES, [drifted]))
    assert read.changes == (f"{SG_ADDRESS} (update: tags)",)


def test_null_and_empty_collections_are_the_same_but_removed_items_are_not() -> None:
    # aws_launch_template right after apply (null from the plan) and at the next refresh ([] from the read).
    address = 'module.network.aws_launch_template.this["gpu"]'
    before = {
        "security_group_names": None,
        "network_interfaces": [{"ipv4_addresses": None, "security_groups": [SG]}],
        "tags": {},
    }
    after = {
        "security_group_names": [],
        "network_interfaces": [{"ipv4_addresses": [], "security_groups": [SG]}],
        "tags": None,
    }
    read = read_plan(_plan([], [_update(address, "aws_launch_template", before, after)]))
    assert read.changes == ()
    assert read.null_to_empty == tuple(
        f"{address}.{key}" for key in ("network_interfaces", "security_group_names", "tags")
    )
    emptied = {**after, "network_interfaces": [{"ipv4_addresses": [], "security_groups": []}]}
    assert read_plan(_plan([], [_update(address, "aws_launch_template", before, emptied)])).changes == (
        f"{address} (update: network_interfaces)",
    )


def test_a_clean_stack_says_what_was_discounted(tmp_path: Path) -> None:
    out = _stacks(tmp_path / "out", "dev-network")
    plan = _plan(MANAGED_RULES, [_sg_drift(INGRESS, EGRESS)])
    lt = 'module.network.aws_launch_template.this["gpu"]'
    plan["resource_drift"].append(  # type: ignore[attr-defined]
        _update(lt, "aws_launch_template", {"vpc_security_group_ids": None}, {"vpc_security_group_ids": []})
    )
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    script = f'case "$1" in\n  init) exit 0;;\n  plan) exit 2;;\n  show) cat {tmp_path / "plan.json"};;\nesac'
    [result] = Drift(env=dict(os.environ), terraform=_fake_terraform(tmp_path, script)).run(
        discover_stacks(out)
    )
    assert (result.status, result.summary()) == (
        "clean",
        "no drift (2 refreshed attribute(s) only mirror resources this state manages, 1 only went from null to empty)",
    )

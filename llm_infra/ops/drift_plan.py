"""Reading a refresh-only plan (``terraform show -json``): what changed outside Terraform.

What counts as drift: every resource the refresh changed, deleted or found, and every root output that changed,
except an attribute that went from null to an empty collection or back (a provider artefact, see ``_normalized``)
and refreshed entries of an attribute that only mirrors resources this same state manages separately: a
security group's ``ingress``/``egress`` entries that are managed ``aws_vpc_security_group_*_rule`` /
``aws_security_group_rule`` resources, a route table's ``route`` entries that are managed ``aws_route``
resources, a role's ``inline_policy`` / ``managed_policy_arns`` entries that are managed ``aws_iam_role_policy``
/ ``aws_iam_role_policy_attachment`` resources, and an Elastic IP's association with the managed NAT gateway or
``aws_eip_association`` that uses it. Those resources are refreshed themselves, so a change to one is reported
on its own address; an entry that matches none of them (a rule or route added outside Terraform) is drift.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Protocol names as the provider reads them back in a security group's inline rules.
_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}
_EIP_ASSOCIATION = ("association_id", "network_interface", "private_ip", "private_dns", "instance")

Values = Mapping[str, Any]
Managed = dict[str, list[Values]]


@dataclass(frozen=True)
class PlanDrift:
    """A refresh-only plan read: what drifted, and the refreshed attributes that only mirror managed resources."""

    changes: tuple[str, ...]
    mirrored: tuple[str, ...]
    null_to_empty: tuple[str, ...] = ()


def _module_resources(module: Values) -> list[Values]:
    found = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found.extend(_module_resources(child))
    return found


def _managed(plan: Values) -> Managed:
    """Managed resources by type: the refreshed state, plus what the refresh found deleted (so that a rule
    deleted outside Terraform is reported once, on its own address, not again on its security group)."""
    managed: Managed = {}
    root = plan.get("prior_state", {}).get("values", {}).get("root_module", {})
    for resource in _module_resources(root):
        if resource.get("mode", "managed") == "managed":
            managed.setdefault(resource["type"], []).append(resource.get("values") or {})
    for entry in plan.get("resource_drift", []):
        before = entry.get("change", {}).get("before")
        if entry.get("mode", "managed") == "managed" and before:
            managed.setdefault(entry["type"], []).append(before)
    return managed


def _protocol(value: Any) -> str:
    name = str(value).lower()
    return _PROTOCOLS.get(name, name)


def _rule(protocol: Any, from_port: Any, to_port: Any, kind: str, source: Any) -> tuple[Any, ...]:
    proto = _protocol(protocol)
    ports = (None, None) if proto == "-1" else (from_port, to_port)
    return (proto, *ports, kind, source)


def _inline_rules(entries: Any, group_id: str) -> set[tuple[Any, ...]]:
    """One (protocol, ports, source) per source of each inline rule; AWS allows no two rules alike."""
    rules = set()
    for entry in entries or []:
        sources = [
            *(("cidr_ipv4", c) for c in entry.get("cidr_blocks") or []),
            *(("cidr_ipv6", c) for c in entry.get("ipv6_cidr_blocks") or []),
            *(("prefix_list", p) for p in entry.get("prefix_list_ids") or []),
            *(("group", g) for g in entry.get("security_groups") or []),
            *([("group", group_id)] if entry.get("self") else []),
        ]
        for kind, source in sources:
            rules.add(
                _rule(entry.get("protocol"), entry.get("from_port"), entry.get("to_port"), kind, source)
            )
    return rules


def _managed_rules(managed: Managed, group_id: str, direction: str) -> set[tuple[Any, ...]]:
    rules = set()
    for values in managed.get(f"aws_vpc_security_group_{direction}_rule", []):
        if values.get("security_group_id") != group_id:
            continue
        for kind, key in (
            ("cidr_ipv4", "cidr_ipv4"),
            ("cidr_ipv6", "cidr_ipv6"),
            ("prefix_list", "prefix_list_id"),
            ("group", "referenced_security_group_id"),
        ):
            if values.get(key):
                rules.add(
                    _rule(
                        values.get("ip_protocol"),
                        values.get("from_port"),
                        values.get("to_port"),
                        kind,
                        values[key],
                    )
                )
    for values in managed.get("aws_security_group_rule", []):
        if values.get("security_group_id") != group_id or values.get("type") != direction:
            continue
        sources = [
            *(("cidr_ipv4", c) for c in values.get("cidr_blocks") or []),
            *(("cidr_ipv6", c) for c in values.get("ipv6_cidr_blocks") or []),
            *(("prefix_list", p) for p in values.get("prefix_list_ids") or []),
            *(
                [("group", values["source_security_group_id"])]
                if values.get("source_security_group_id")
                else []
            ),
            *([("group", group_id)] if values.get("self") else []),
        ]
        for kind, source in sources:
            rules.add(
                _rule(values.get("protocol"), values.get("from_port"), values.get("to_port"), kind, source)
            )
    return rules


def _destination(values: Values, keys: Sequence[str]) -> str:
    return next((str(values[key]) for key in keys if values.get(key)), "")


# A route table's inline entry and an aws_route name the same destination differently.
_TABLE_ROUTE_KEYS = ("cidr_block", "ipv6_cidr_block", "destination_prefix_list_id")
_ROUTE_KEYS = ("destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id")


def _canonical(items: Any) -> list[str]:
    return sorted(json.dumps(item, sort_keys=True, default=str) for item in items)


def _unmanaged(
    resource_type: str, attribute: str, own: Values, value: Any, managed: Managed
) -> list[str] | None:
    """The entries of a mirroring attribute that no managed resource accounts for (None: not a mirror)."""
    if resource_type == "aws_security_group" and attribute in ("ingress", "egress"):
        group_id = str(own.get("id", ""))
        return _canonical(_inline_rules(value, group_id) - _managed_rules(managed, group_id, attribute))
    if resource_type == "aws_route_table" and attribute == "route":
        table_id = own.get("id")
        routed = {
            _destination(v, _ROUTE_KEYS)
            for v in managed.get("aws_route", [])
            if v.get("route_table_id") == table_id
        }
        return _canonical(
            entry for entry in value or [] if _destination(entry, _TABLE_ROUTE_KEYS) not in routed
        )
    if resource_type == "aws_iam_role" and attribute == "inline_policy":
        names = {
            v.get("name") for v in managed.get("aws_iam_role_policy", []) if v.get("role") == own.get("name")
        }
        return _canonical(entry for entry in value or [] if entry.get("name") not in names)
    if resource_type == "aws_iam_role" and attribute == "managed_policy_arns":
        arns = {
            v.get("policy_arn")
            for v in managed.get("aws_iam_role_policy_attachment", [])
            if v.get("role") == own.get("name")
        }
        return _canonical(arn for arn in value or [] if arn not in arns)
    return None


def _eip_used_by_managed(own: Values, managed: Managed) -> bool:
    """The Elastic IP is associated with what a managed NAT gateway or aws_eip_association attached it to."""
    allocation = own.get("allocation_id") or own.get("id")
    interface = own.get("network_interface")
    for nat in managed.get("aws_nat_gateway", []):
        if nat.get("allocation_id") == allocation and nat.get("network_interface_id") == interface:
            return True
    for association in managed.get("aws_eip_association", []):
        if association.get("allocation_id") == allocation and (
            association.get("network_interface_id") in (interface, None, "")
            and association.get("instance_id") in (own.get("instance"), None, "")
        ):
            return True
    return False


def _normalized(value: Any) -> Any:
    """An empty list, set or map is the same as null: SDKv2 providers keep the plan's null for an unset optional
    collection at apply and store the [] that the read returns at the next refresh (nothing changed in AWS)."""
    if isinstance(value, Mapping):
        return {key: _normalized(item) for key, item in value.items()} or None
    if isinstance(value, list):
        return [_normalized(item) for item in value] or None
    return value


def _changed_attributes(before: Values, after: Values) -> list[str]:
    return sorted(
        key for key in set(before) | set(after) if _normalized(before.get(key)) != _normalized(after.get(key))
    )


def read_plan(plan: Mapping[str, Any]) -> PlanDrift:
    """What a refresh-only plan reports as changed outside Terraform (resources, then root outputs), less the
    refreshed attributes that only mirror resources managed in the same state."""
    managed = _managed(plan)
    changes: list[str] = []
    mirrored: list[str] = []
    null_to_empty: list[str] = []
    for entry in plan.get("resource_drift", []):
        change = entry.get("change", {})
        actions = change.get("actions", [])
        if not actions or actions == ["no-op"]:
            continue
        label = "/".join(actions)
        before, after = change.get("before"), change.get("after")
        if actions != ["update"] or not isinstance(before, Mapping) or not isinstance(after, Mapping):
            changes.append(f"{entry['address']} ({label})")
            continue
        drifted = []
        changed = _changed_attributes(before, after)
        null_to_empty.extend(
            f"{entry['address']}.{key}"
            for key in sorted(set(before) | set(after))
            if before.get(key) != after.get(key) and key not in changed
        )
        for attribute in changed:
            old = _unmanaged(entry["type"], attribute, before, before.get(attribute), managed)
            new = _unmanaged(entry["type"], attribute, after, after.get(attribute), managed)
            mirror = old is not None and old == new
            if entry["type"] == "aws_eip" and attribute in _EIP_ASSOCIATION:
                mirror = _eip_used_by_managed(after, managed)
            if mirror:
                mirrored.append(f"{entry['address']}.{attribute}")
            else:
                drifted.append(attribute)
        if drifted:
            changes.append(f"{entry['address']} ({label}: {', '.join(drifted)})")
    for name, output in sorted(plan.get("output_changes", {}).items()):
        actions = output.get("actions", [])
        if actions and actions != ["no-op"]:
            changes.append(f"output.{name} ({'/'.join(actions)})")
    return PlanDrift(tuple(changes), tuple(mirrored), tuple(null_to_empty))


def drifted_addresses(plan: Mapping[str, Any]) -> list[str]:
    """What a refresh-only plan reports as changed outside Terraform (see ``read_plan``)."""
    return list(read_plan(plan).changes)

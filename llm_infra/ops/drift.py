"""Drift: has anyone changed, outside Terraform, what a synthesized stack manages?

For each ``<outdir>/stacks/<stack>``: ``terraform init`` then ``terraform plan -refresh-only -detailed-exitcode
-lock=false`` (read-only: no lock, no state write; the saved plan goes to a temporary folder), each bounded by
a timeout. Exit code 2 of the plan is confirmed against the plan's JSON (``resource_drift`` and output
changes): terraform also answers 2 when the refreshed state differs only in ways it does not report
(hashicorp/terraform#36403), which is not drift.

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

import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from llm_infra.ops.errors import OpsError

StackStatus = Literal["clean", "drifted", "error"]
DEFAULT_TIMEOUT_S = 900.0
HEARTBEAT_S = 30.0
_TAIL_LINES = 12
_LISTED = 8

EXIT_CLEAN = 0
EXIT_ERROR = 1
EXIT_DRIFT = 2


@dataclass(frozen=True)
class Completed:
    returncode: int
    output: str
    seconds: float


@dataclass(frozen=True)
class StackDrift:
    stack: str
    status: StackStatus
    changes: tuple[str, ...] = ()
    detail: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        if self.status == "clean":
            return self.detail or "no drift"
        if self.status == "error":
            return self.detail
        listed = ", ".join(self.changes[:_LISTED])
        more = f" and {len(self.changes) - _LISTED} more" if len(self.changes) > _LISTED else ""
        return f"{len(self.changes)} changed outside Terraform: {listed}{more}"


Runner = Callable[[Sequence[str], Path, Mapping[str, str], float], Completed]


def run_bounded(
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    *,
    heartbeat: Callable[[float], None] | None = None,
    heartbeat_s: float = HEARTBEAT_S,
) -> Completed:
    """Run a command with its output in a temporary file; kill its whole process group after ``timeout``."""
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as sink:
        try:
            process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # terraform's provider plugins die with it
            )
        except FileNotFoundError:
            raise OpsError(f"{command[0]} not found: install it or put it on PATH") from None
        while True:
            elapsed = time.monotonic() - started
            try:
                process.wait(timeout=max(0.0, min(heartbeat_s, timeout - elapsed)))
                break
            except subprocess.TimeoutExpired:
                elapsed = time.monotonic() - started
                if elapsed >= timeout:
                    _kill_group(process)
                    sink.seek(0)
                    step = " ".join([Path(command[0]).name, *command[1:2]])
                    raise TimeoutError(
                        f"{step} timed out after {timeout:.0f}s: {_tail(sink.read())}"
                    ) from None
                if heartbeat is not None:
                    heartbeat(elapsed)
        sink.seek(0)
        return Completed(process.returncode, sink.read(), time.monotonic() - started)


def _kill_group(process: subprocess.Popen[Any]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


_ASSET_PREFIX = re.compile(r"assets/__cdktf_module_asset_[^/]+/[^/]+/")


def _error_summary(block: list[str]) -> str:
    """``Error: <summary> (on <file> line <n>; <explanation>)`` from one terraform error block."""
    text = "\n".join(line.strip("│ ").rstrip() for line in block)
    paragraphs = [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]
    summary = paragraphs[0].splitlines()[0]
    location = next((p.splitlines()[0] for p in paragraphs[1:] if p.startswith("on ")), "")
    last = paragraphs[-1] if len(paragraphs) > 1 else ""
    explanation = "" if not last or last.startswith("on ") else " ".join(last.split())
    where = _ASSET_PREFIX.sub("", location.split(",")[0])
    inner = "; ".join(part for part in (where, explanation) if part)
    return f"{summary} ({inner})" if inner else summary


def _tail(output: str) -> str:
    """The first terraform error, readable on one line; else the last lines of the output."""
    lines = output.rstrip().splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip("│ ").startswith("Error:")]
    if starts:
        first = lines[starts[0] : starts[1] if len(starts) > 1 else len(lines)]
        more = f" (+{len(starts) - 1} more error(s))" if len(starts) > 1 else ""
        return (_error_summary(first) + more)[:600]
    kept = [line.strip() for line in lines if line.strip()][-_TAIL_LINES:]
    return " | ".join(kept)[:600] or "(no output)"


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


def discover_stacks(outdir: Path, selected: Sequence[str] = ()) -> list[Path]:
    """``outdir/stacks/*`` holding a ``cdk.tf.json``; ``selected`` names must all exist."""
    root = outdir / "stacks"
    available = (
        sorted(p.name for p in root.glob("*") if (p / "cdk.tf.json").is_file()) if root.is_dir() else []
    )
    if not available:
        raise OpsError(f"no synthesized stacks in {root}: run `make synth` (or python main.py) first")
    unknown = [name for name in selected if name not in available]
    if unknown:
        raise OpsError(f"no stack {', '.join(unknown)} in {root} (available: {', '.join(available)})")
    return [root / name for name in (selected or available)]


@dataclass
class Drift:
    """Runs terraform for each stack; ``env`` is terraform's whole environment (credentials, CLI config)."""

    env: Mapping[str, str]
    terraform: str = "terraform"
    timeout: float = DEFAULT_TIMEOUT_S
    progress: Callable[[str], None] | None = None
    results: list[StackDrift] = field(default_factory=list)

    def _say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)

    def _run(self, stack: str, arguments: Sequence[str], cwd: Path) -> Completed:
        step = f"terraform {arguments[0]}"

        def heartbeat(elapsed: float) -> None:
            self._say(
                f"[{stack}] {step} still running after {elapsed:.0f}s (gives up at {self.timeout:.0f}s)"
            )

        self._say(f"[{stack}] {step}")
        env = {**self.env, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}
        return run_bounded([self.terraform, *arguments], cwd, env, self.timeout, heartbeat=heartbeat)

    def check(self, stack_dir: Path) -> StackDrift:
        stack = stack_dir.name
        started = time.monotonic()
        try:
            result = self._check(stack, stack_dir)
        except TimeoutError as error:
            result = StackDrift(stack, "error", detail=str(error))
        result = StackDrift(
            result.stack, result.status, result.changes, result.detail, time.monotonic() - started
        )
        self._say(f"[{stack}] {result.status} ({result.seconds:.0f}s)")
        return result

    def _check(self, stack: str, stack_dir: Path) -> StackDrift:
        init = self._run(stack, ["init", "-input=false", "-no-color"], stack_dir)
        if init.returncode != 0:
            return StackDrift(stack, "error", detail=f"terraform init failed: {_tail(init.output)}")
        with tempfile.TemporaryDirectory(prefix="llm-infra-drift-") as scratch:
            plan_file = str(Path(scratch) / "drift.tfplan")
            plan = self._run(
                stack,
                [
                    "plan",
                    "-refresh-only",
                    "-detailed-exitcode",
                    "-lock=false",
                    "-input=false",
                    "-no-color",
                    f"-out={plan_file}",
                ],
                stack_dir,
            )
            if plan.returncode == 0:
                return StackDrift(stack, "clean")
            if plan.returncode != EXIT_DRIFT:
                return StackDrift(stack, "error", detail=f"terraform plan failed: {_tail(plan.output)}")
            shown = self._run(stack, ["show", "-json", "-no-color", plan_file], stack_dir)
        if shown.returncode != 0:
            return StackDrift(
                stack, "drifted", ("(terraform show failed; see the plan output)",), _tail(shown.output)
            )
        read = read_plan(json.loads(shown.output))
        if read.changes:
            return StackDrift(stack, "drifted", read.changes)
        discounted = [
            f"{len(read.mirrored)} refreshed attribute(s) only mirror resources this state manages"
            if read.mirrored
            else "",
            f"{len(read.null_to_empty)} only went from null to empty" if read.null_to_empty else "",
        ]
        if any(discounted):
            return StackDrift(stack, "clean", detail=f"no drift ({', '.join(d for d in discounted if d)})")
        return StackDrift(
            stack, "clean", detail="no drift (terraform exit code 2 without any reported change)"
        )

    def run(self, stack_dirs: Sequence[Path]) -> list[StackDrift]:
        self.results = [self.check(stack_dir) for stack_dir in stack_dirs]
        return self.results


def exit_code(results: Sequence[StackDrift]) -> int:
    """2 when any stack drifted, else 1 when any stack could not be checked, else 0."""
    if any(result.status == "drifted" for result in results):
        return EXIT_DRIFT
    if any(result.status == "error" for result in results):
        return EXIT_ERROR
    return EXIT_CLEAN


def render(results: Sequence[StackDrift]) -> str:
    width = max([len("stack"), *(len(result.stack) for result in results)])
    lines = [
        f"{'stack':<{width}}  {'status':<7}  {'time':>5}  summary",
        f"{'-' * width}  -------  -----  -------",
    ]
    for result in results:
        lines.append(
            f"{result.stack:<{width}}  {result.status:<7}  {result.seconds:>4.0f}s  {result.summary()}"
        )
    drifted = sum(result.status == "drifted" for result in results)
    errors = sum(result.status == "error" for result in results)
    lines.append("")
    lines.append(f"{len(results)} stack(s): {drifted} drifted, {errors} could not be checked")
    return "\n".join(lines)

"""The plan gate: may this plan be applied? It reads ``terraform show -json <plan>`` and refuses a plan that deletes
or replaces a protected resource, or updates one in place in a way that replaces something underneath, unless the
resource's address is named in an override.

What is protected comes from the layer registry (``Layer.protected_types``, ``Layer.risky_updates``) plus the
types every stack protects (``ALWAYS_PROTECTED``): a stack's gate uses its own layer's declarations, a gate without
a layer uses every layer's. An override that matches nothing the gate refuses is reported (``unused``) and changes
nothing: it can only ever let through what it names, and one list can serve every stack of an environment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from llm_infra.layers.spec import RiskyUpdate

# Whatever a layer declares, these are never deleted or replaced without an override: data (file systems, buckets,
# among them the state bucket when a stack manages it), the keys that data is unreadable without, the training
# cluster and the endpoints clients call.
ALWAYS_PROTECTED = (
    "aws_fsx_lustre_file_system",
    "aws_s3_bucket",
    "aws_kms_key",
    "awscc_sagemaker_cluster",
    "aws_sagemaker_endpoint",
)

Verdict = Literal["pass", "refused", "allowed"]


class PlanFormatError(ValueError):
    """The input is not the JSON of a saved plan (``terraform show -json <planfile>``)."""


@dataclass(frozen=True)
class Rules:
    protected_types: frozenset[str]
    risky_updates: tuple[RiskyUpdate, ...] = ()


@dataclass(frozen=True)
class Row:
    address: str
    type: str
    action: str  # create, update, delete, replace, move, forget
    verdict: Verdict
    reason: str = ""


@dataclass(frozen=True)
class GateResult:
    rows: tuple[Row, ...]
    overrides: tuple[str, ...]
    unused_overrides: tuple[str, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def refused(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.verdict == "refused")

    @property
    def passed(self) -> bool:
        return not self.refused


def rules_for(layers: Iterable[Any]) -> Rules:
    """The gate's rules for plans of these layers' stacks (``Layer`` objects of the registry)."""
    chosen = list(layers)
    return Rules(
        protected_types=frozenset(ALWAYS_PROTECTED).union(*(layer.protected_types for layer in chosen)),
        risky_updates=tuple(update for layer in chosen for update in layer.risky_updates),
    )


def resource_changes(plan: Any) -> list[dict[str, Any]]:
    """The plan's managed resource changes; PlanFormatError when ``plan`` is not a saved plan's JSON."""
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise PlanFormatError("not the output of `terraform show -json` (no format_version)")
    if "planned_values" not in plan and "resource_changes" not in plan:
        found = "a state" if "values" in plan else "no plan"
        raise PlanFormatError(
            f"holds {found}, not a plan (no planned_values or resource_changes): give the JSON of a saved plan "
            "(terraform show -json plan.tfplan)"
        )
    changes = plan.get("resource_changes", [])
    if not isinstance(changes, list):
        raise PlanFormatError(f"resource_changes is not a list (got {type(changes).__name__})")
    for index, change in enumerate(changes):
        if not (
            isinstance(change, dict)
            and isinstance(change.get("address"), str)
            and isinstance(change.get("change"), dict)
            and isinstance(change["change"].get("actions"), list)
        ):
            raise PlanFormatError(f"resource_changes[{index}] has no address and change.actions")
    return [change for change in changes if change.get("mode", "managed") == "managed"]


def action_of(change: Mapping[str, Any]) -> str:
    actions = list(change["change"]["actions"])
    if sorted(actions) == ["create", "delete"]:
        return "replace"
    if actions in (["no-op"], ["read"]) and change.get("previous_address"):
        return "move"
    if len(actions) == 1 and actions[0] in ("create", "update", "delete", "forget", "no-op", "read"):
        return str(actions[0])
    raise PlanFormatError(f"{change['address']}: unknown actions {actions}")


def _changed(before: Any, after: Any, unknown: Any) -> bool:
    """A value changes when it differs or is known only after apply (``after_unknown`` holds true under it)."""

    def any_unknown(value: Any) -> bool:
        if value is True:
            return True
        if isinstance(value, dict):
            return any(any_unknown(v) for v in value.values())
        if isinstance(value, list):
            return any(any_unknown(v) for v in value)
        return False

    return before != after or any_unknown(unknown)


def risky(change: Mapping[str, Any], update: RiskyUpdate) -> str | None:
    """Why this in-place update of ``change`` is risky under ``update`` (None: it is not)."""
    body = change["change"]
    before = (body.get("before") or {}).get(update.attribute)
    after = (body.get("after") or {}).get(update.attribute)
    unknown = (body.get("after_unknown") or {}).get(update.attribute)
    if update.key is None:
        if before is not None and _changed(before, after, unknown):
            return f"{update.attribute} changes: {update.reason}"
        return None
    old = {item.get(update.key): item for item in before or [] if isinstance(item, dict)}
    new_items = after or []
    new = {item.get(update.key): (i, item) for i, item in enumerate(new_items) if isinstance(item, dict)}
    unknown_items = unknown if isinstance(unknown, list) else []
    found = []
    for name, item in old.items():
        if name not in new:
            found.append(f"{update.attribute} {name!r} removed")
            continue
        index, now = new[name]
        element_unknown = unknown_items[index] if index < len(unknown_items) else {}
        if not isinstance(element_unknown, dict):
            element_unknown = {}
        fields = update.fields or tuple(set(item) | set(now))
        moved = [f for f in fields if _changed(item.get(f), now.get(f), element_unknown.get(f))]
        if moved:
            found.append(f"{update.attribute} {name!r}: {', '.join(sorted(moved))} change")
    if unknown is True and before:
        found.append(f"{update.attribute} known only after apply")
    return f"{'; '.join(found)}: {update.reason}" if found else None


def evaluate(plan: Any, rules: Rules, allow: Sequence[str] = (), *, allow_all: str = "") -> GateResult:
    """The gate's verdict on every changing resource of ``plan``; raises PlanFormatError on bad input.

    ``allow``: addresses whose refusal is overridden; ``allow_all``: the option that overrides every refusal (for
    ``make destroy DESTROY_PROTECTED=<env>``), named in each row it lets through."""
    rows: list[Row] = []
    counts = dict.fromkeys(("add", "change", "destroy", "replace", "move", "forget"), 0)
    for change in resource_changes(plan):
        action = action_of(change)
        if action in ("no-op", "read"):
            continue
        address, kind = change["address"], str(change.get("type", ""))
        counts["add"] += action in ("create", "replace")
        counts["change"] += action == "update"
        counts["destroy"] += action in ("delete", "replace")
        counts["replace"] += action == "replace"
        counts["move"] += bool(change.get("previous_address"))
        counts["forget"] += action == "forget"
        reason = ""
        if action in ("delete", "replace") and kind in rules.protected_types:
            why = change.get("action_reason", "")
            reason = f"{action} of a protected {kind}" + (f" ({why})" if why else "")
        elif action == "update":
            reasons = [
                r for u in rules.risky_updates if u.resource_type == kind for r in [risky(change, u)] if r
            ]
            reason = "; ".join(reasons)
        elif action == "move":
            reason = f"moved from {change['previous_address']}"
        elif action == "forget":
            reason = "removed from the state only (not destroyed)"
        if not reason or action in ("move", "forget"):
            rows.append(Row(address, kind, action, "pass", reason))
        elif address in allow:
            rows.append(Row(address, kind, action, "allowed", f"{reason}; allowed by --allow-replace"))
        elif allow_all:
            rows.append(Row(address, kind, action, "allowed", f"{reason}; allowed by {allow_all}"))
        else:
            rows.append(Row(address, kind, action, "refused", reason))
    used = {row.address for row in rows if row.verdict == "allowed"}
    unused = tuple(address for address in dict.fromkeys(allow) if address not in used)
    return GateResult(tuple(rows), tuple(dict.fromkeys(allow)), unused, counts)


def render_table(result: GateResult, title: str = "plan") -> str:
    order = {"refused": 0, "allowed": 1, "pass": 2}
    rows = sorted(result.rows, key=lambda row: order[row.verdict])
    header = ("address", "action", "verdict", "reason")
    cells = [header, *((r.address, r.action, r.verdict, r.reason) for r in rows)]
    widths = [max(len(cell[i]) for cell in cells) for i in range(3)]
    lines = [f"Plan gate: {title}"]
    for index, cell in enumerate(cells):
        lines.append("  ".join(f"{cell[i]:<{widths[i]}}" for i in range(3)) + f"  {cell[3]}".rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths) + "  ------")
    c = result.counts
    lines.append("")
    lines.append(
        f"{c.get('add', 0)} to add, {c.get('change', 0)} to change, {c.get('destroy', 0)} to destroy "
        f"({c.get('replace', 0)} replaced), {c.get('move', 0)} moved, {c.get('forget', 0)} forgotten"
    )
    for address in result.overrides:
        note = "" if address not in result.unused_overrides else " (unused: nothing it names is refused)"
        lines.append(f"override --allow-replace {address}{note}")
    refused = len(result.refused)
    lines.append(
        "verdict: pass"
        if not refused
        else f"verdict: REFUSED ({refused} change(s); override with "
        "--allow-replace ADDRESS after checking each one)"
    )
    return "\n".join(lines)


def render_json(result: GateResult, title: str = "plan") -> str:
    return json.dumps(
        {
            "plan": title,
            "verdict": "pass" if result.passed else "refused",
            "counts": dict(result.counts),
            "changes": [asdict(row) for row in result.rows],
            "overrides": list(result.overrides),
            "unused_overrides": list(result.unused_overrides),
        },
        indent=2,
    )

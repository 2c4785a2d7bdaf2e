"""Which stacks exist, in which order they apply, and how a consumer names a producer's state.

The test harness learns the stacks from here only: no test holds a layer list or a stack count. The order is what
``python main.py --list`` prints (``llm_infra.layers.stack_list``: per environment, its enabled layers in dependency
order), for the shipped environments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from llm_infra.config import Environment, environment_files, load_environments
from llm_infra.layers import lookup, stack_list
from llm_infra.paths import ENVIRONMENTS_DIR


@dataclass(frozen=True)
class StackEntry:
    name: str  # <env>-<layer>, the folder under cdktf.out/stacks
    environment: str
    layer: str


def shipped_environments() -> dict[str, Environment]:
    """name -> the validated shipped environment (environments/*.toml merged with _defaults.toml)."""
    files = environment_files(ENVIRONMENTS_DIR, None)
    return {e.name: e for e in load_environments(files, ENVIRONMENTS_DIR / "_defaults.toml")}


@cache
def stack_order() -> tuple[StackEntry, ...]:
    """Every shipped stack in apply order: per environment, the enabled layers in the registry's order."""
    return tuple(
        StackEntry(row["stack"], row["environment"], row["layer"])
        for row in stack_list(list(shipped_environments().values()))
    )


# The providers the offline mirror holds (tests/terraform/test_validate.py checks it against the mirror). A stack
# whose layer needs another one (awscc: the hyperpod cluster) cannot be `terraform init`ed here, so it is left out
# of init, validate, plan, apply and the lock check; tests/terraform/test_hyperpod_schema.py covers it instead.
MIRRORED_PROVIDERS = frozenset({"aws"})


def initializable(stack: StackEntry) -> bool:
    """The one harness rule for stacks terraform can run here: every provider of the stack's layer is mirrored."""
    return set(lookup(stack.layer).providers) <= MIRRORED_PROVIDERS


def terraform_stacks() -> tuple[StackEntry, ...]:
    """The shipped stacks terraform can init here, in apply order (``stack_order`` minus the awscc stacks)."""
    return tuple(stack for stack in stack_order() if initializable(stack))


def remote_state_name(environment: str, layer: str) -> str:
    """The ``terraform_remote_state`` data source through which a consumer reads ``layer``'s state: named after
    the producer layer (public API, see README "Stack outputs"); the environment is the consumer's own."""
    del environment
    return layer


def producers_of(outdir: Path, stack: StackEntry) -> tuple[StackEntry, ...]:
    """The stacks whose state ``stack`` reads, as its synthesized ``cdk.tf.json`` names them, in apply order.

    A remote-state read that names no earlier stack of the same environment is a harness error: the consumer would
    be planned before its producer (or against nothing)."""
    document = json.loads((outdir / "stacks" / stack.name / "cdk.tf.json").read_text(encoding="utf-8"))
    reads = set(document.get("data", {}).get("terraform_remote_state", {}))
    order = stack_order()
    earlier = order[: order.index(stack)]
    found = tuple(s for s in earlier if s.environment == stack.environment and
                  remote_state_name(s.environment, s.layer) in reads)  # fmt: skip
    unknown = reads - {remote_state_name(s.environment, s.layer) for s in found}
    assert not unknown, f"{stack.name} reads remote state {sorted(unknown)} of no earlier stack"
    return found

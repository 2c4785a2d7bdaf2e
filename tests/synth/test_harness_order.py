"""The moto harness's view of the stacks (tests/support/layers.py) matches what `make synth` writes."""

from __future__ import annotations

from pathlib import Path

from llm_infra import layers
from tests.support.layers import producers_of, stack_order, terraform_stacks


def test_stack_order_names_every_synthesized_stack_once(outdir: Path) -> None:
    names = [stack.name for stack in stack_order()]
    assert len(names) == len(set(names))
    assert sorted(names) == sorted(p.name for p in (outdir / "stacks").iterdir() if p.is_dir())


def test_every_remote_state_read_names_an_earlier_stack(outdir: Path) -> None:
    """A consumer's producers come before it, from its own environment; a read of no earlier stack raises."""
    order = stack_order()
    reads = 0
    for position, stack in enumerate(order):
        for producer in producers_of(outdir, stack):
            assert producer in order[:position] and producer.environment == stack.environment
            reads += 1
    assert reads > 0, "no stack reads another: the harness would apply no producer (remote_state_name stale?)"


def test_the_stacks_terraform_cannot_init_here_are_exactly_the_awscc_stacks() -> None:
    """One harness rule leaves stacks out of init/validate/plan: exactly those whose layer needs awscc."""
    excluded = {s.name for s in stack_order()} - {s.name for s in terraform_stacks()}
    awscc = {s.name for s in stack_order() if "awscc" in layers.lookup(s.layer).providers}
    assert excluded == awscc
    assert awscc == {f"{env}-hyperpod" for env in {s.environment for s in stack_order()}}

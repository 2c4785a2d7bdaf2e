"""The keys moved into modules/kms-key keep their state: a state written by the previous release plans as moves only.

Real terraform against a moto server on 127.0.0.1 (issue 8, "One KMS key module"). The dev network, the dev
buckets and the FSx key are applied with today's code; each key and alias is then moved back to the address the previous release wrote (`terraform state mv`), as an existing
deployment's state would hold it. The next plan must show only moves for them (no create, delete or replace) —
which the `moved` blocks inside network, fsx-lustre and s3-buckets provide; without them terraform plans a new key
and destroys the old one (and, for FSx, the key ARN would change, which replaces the file system).

The dev network and the dev buckets and FSx key are the ones the session applied once (tests/support/producers.py);
the keys are moved back on copies of their states, so the applied states stay as terraform wrote them and nothing
on the shared server changes (the plans only read).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llm_infra.config import Environment
from tests.support.producers import Producers
from tests.support.stack import (
    assert_empty_but_for_moto_gaps,
    plan_json,
    prepare,
)
from tests.support.terraform import terraform

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

# (address in modules/kms-key, address the previous release wrote) per stack module.
NETWORK_MOVES = {
    "module.network.module.kms[0].aws_kms_key.this": "module.network.aws_kms_key.this[0]",
    "module.network.module.kms[0].aws_kms_alias.this": "module.network.aws_kms_alias.this[0]",
}
STORAGE_MOVES = {
    "module.buckets.module.kms[0].aws_kms_key.this": "module.buckets.aws_kms_key.this[0]",
    "module.buckets.module.kms[0].aws_kms_alias.this": "module.buckets.aws_kms_alias.this[0]",
    "module.fsx.module.kms[0].aws_kms_key.this": "module.fsx.aws_kms_key.this[0]",
    "module.fsx.module.kms[0].aws_kms_alias.this": "module.fsx.aws_kms_alias.this[0]",
}


def _state_addresses(work: Path, tf_env: dict[str, str]) -> set[str]:
    listed = terraform(["state", "list", "-no-color"], work, tf_env)
    return set(listed.stdout.split())


def _move_back(work: Path, tf_env: dict[str, str], moves: dict[str, str]) -> None:
    """Rewrite the state as the previous release left it."""
    assert set(moves) <= _state_addresses(work, tf_env), "apply did not create every key and alias"
    for new, old in moves.items():
        terraform(["state", "mv", "-no-color", new, old], work, tf_env)
    assert not set(moves) & _state_addresses(work, tf_env)


def _assert_only_moves(plan: dict[str, Any], moves: dict[str, str]) -> None:
    changes = {c["address"]: c for c in plan.get("resource_changes", [])}
    for new, old in moves.items():
        assert old not in changes, f"{old}: planned {changes[old]['change']['actions']} (no moved block?)"
        change = changes.get(new)
        assert change is not None, f"{new} is not in the plan"
        assert change.get("previous_address") == old, f"{new}: not moved from {old}"
        assert change["change"]["actions"] == ["no-op"], f"{new}: {change['change']['actions']}"
    assert_empty_but_for_moto_gaps(plan)


def test_keys_from_the_previous_release_are_moved_not_replaced(
    variant_outdir: Path,
    environments: dict[str, Environment],
    producers: Producers,
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = environments["dev"]
    moto = producers.moto
    # Each stack's configuration with a copy of the state the session applied (the dev network in full, storage
    # as far as moto holds it: the buckets and the FSx key); the copies are rewritten, the applied states are not.
    network = prepare(variant_outdir / "stacks" / "dev-network", tmp_path / "network", moto, env, tf_env)
    producers.copy_state("dev-network", network)
    _move_back(network, tf_env, NETWORK_MOVES)
    _code, plan = plan_json(network, tf_env)
    _assert_only_moves(plan, NETWORK_MOVES)

    storage = prepare(
        variant_outdir / "stacks" / "dev-storage",
        tmp_path / "storage",
        moto,
        env,
        tf_env,
        remote_states=producers.remote_states("dev-storage"),
    )
    producers.copy_state("dev-storage", storage)
    _move_back(storage, tf_env, STORAGE_MOVES)
    # Terraform asks that a targeted plan also targets the old addresses of the moved instances.
    target = ["-target=module.buckets", "-target=module.fsx.module.kms"]
    old_targets = [f"-target={old.removesuffix('[0]')}" for old in STORAGE_MOVES.values()]
    _code, plan = plan_json(storage, tf_env, *target, *old_targets)
    _assert_only_moves(plan, STORAGE_MOVES)

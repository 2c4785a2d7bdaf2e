"""The keys moved into modules/kms-key keep their state: a state written by the previous release plans as moves only.

Real terraform against a moto server on 127.0.0.1 (issue 8, "One KMS key module"). The dev network, the dev buckets
and the FSx key are applied with today's code; each key and alias is then moved back to the address the previous
release wrote (`terraform state mv`), as an existing deployment's state would hold it. The next plan must show only
moves for them (no create, delete or replace) — which the `moved` blocks inside network, fsx-lustre and s3-buckets
provide; without them terraform plans a new key and destroys the old one (and, for FSx, the key ARN would change,
which replaces the file system).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llm_infra.config import Environment
from tests.support.moto import MotoServer, moto_server
from tests.support.terraform import terraform
from tests.terraform.test_moto_ladder import (
    PLAN_TIMEOUT_S,
    _assert_empty_but_for_moto_gaps,
    _plan_json,
    _prepare,
    environments,
    variant_outdir,
)

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

__all__ = ["environments", "variant_outdir"]  # module-scoped fixtures shared with the ladder

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


@pytest.fixture(scope="module")
def kms_moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """Its own moto server: what this module applies dies with it (no destroy needed)."""
    with moto_server(tmp_path_factory.mktemp("kms-moves-moto")) as server:
        yield server


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
    _assert_empty_but_for_moto_gaps(plan)


def test_keys_from_the_previous_release_are_moved_not_replaced(
    variant_outdir: Path,
    environments: dict[str, Environment],
    kms_moto: MotoServer,
    tf_env: dict[str, str],
    tmp_path: Path,
) -> None:
    env = environments["dev"]
    network = _prepare(variant_outdir / "stacks" / "dev-network", tmp_path / "network", kms_moto, env, tf_env)
    apply = ["apply", "-input=false", "-no-color", "-auto-approve"]
    terraform(apply, network, tf_env, timeout=PLAN_TIMEOUT_S)
    _move_back(network, tf_env, NETWORK_MOVES)
    _code, plan = _plan_json(network, tf_env)
    _assert_only_moves(plan, NETWORK_MOVES)

    storage = _prepare(
        variant_outdir / "stacks" / "dev-storage",
        tmp_path / "storage",
        kms_moto,
        env,
        tf_env,
        remote_states={"network": network / "terraform.tfstate"},
    )
    # moto's FSx has no Lifecycle (terraform's waiter never finishes): the buckets and the FSx key are applied.
    target = ["-target=module.buckets", "-target=module.fsx.module.kms"]
    terraform([*apply, *target], storage, tf_env, timeout=PLAN_TIMEOUT_S)
    _move_back(storage, tf_env, STORAGE_MOVES)
    # Terraform asks that a targeted plan also targets the old addresses of the moved instances.
    old_targets = [f"-target={old.removesuffix('[0]')}" for old in STORAGE_MOVES.values()]
    _code, plan = _plan_json(storage, tf_env, *target, *old_targets)
    _assert_only_moves(plan, STORAGE_MOVES)

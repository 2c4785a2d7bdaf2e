"""The delivery workflow's commands for the dev environment, against moto: synth, then every stack in the order
`python main.py --list` gives, `make plan`, `make gate`, `make apply`, and `make drift` clean afterwards.

The session's producers (tests/support/producers.py) are applied with exactly these make targets, so this test
takes dev through them (or finds them taken) instead of applying dev a second time. What it does not apply:
- ``dev-hyperpod``: its awscc provider is not in the offline mirror (tests/support/layers.initializable), so it
  cannot be initialized here; its request is checked against the CloudFormation schema instead
  (tests/terraform/test_hyperpod_schema.py) and its gate rules on crafted plans (tests/unit/test_plan_gate.py);
- what moto cannot hold is planned but left out of the apply with `PLAN_ARGS=-target=...`
  (tests/support/producers.MOTO_APPLY_TARGETS: the FSx file system, the endpoints and their configurations and
  scalable targets, the training stack's managed-policy attachment and TLS-only bucket policy) or overridden in
  the applied copy (MOTO_MODULE_OVERRIDES: Grafana, the alert manager, the budget, the AMP key).
The synth is the session's (``python main.py`` into the variant's output folder, the recipe of `make synth`).

`make drift` runs on ``dev-network``, the one dev stack moto holds whole: a refresh of a stack applied with
``-target`` reports the outputs of what was left out as created outside Terraform (true, and not drift in AWS),
and each refresh costs 20-60 s here. The other stacks' applied state is re-planned by the moto ladder
(test_dev_apply_replan_empty_destroy). Before the drift, moto's one read-back gap on that stack is accepted as the
README path does (the descriptions of the security-group rules that reference a group or prefix list:
tests/support/ops.accept_moto_rule_descriptions, which accepts nothing else).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.layers import initializable, stack_order
from tests.support.ops import accept_moto_rule_descriptions
from tests.support.producers import Producers
from tests.support.synth import ROOT
from tests.support.workflow import make

pytestmark = [pytest.mark.terraform, pytest.mark.moto]

ENV = "dev"
DRIFT_STACKS = (
    "dev-network",
)  # applied whole on moto (tests/support/producers.MOTO_APPLY_TARGETS has no entry)


def test_dev_plan_gate_apply_in_order_then_drift_clean(producers: Producers) -> None:
    env = producers.make_env()
    listed = subprocess.run(
        [sys.executable, "scripts/stacks.py", "order", "--env", ENV],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    order = listed.stdout.split()
    entries = {s.name: s for s in stack_order() if s.environment == ENV}
    assert order == list(entries), "scripts/stacks.py order differs from python main.py --list"
    runnable = [name for name in order if initializable(entries[name])]
    assert [name for name in order if name not in runnable] == ["dev-hyperpod"]
    for name in runnable:
        producers.work(name)  # make plan, make gate, make apply (once per session, producers first)
    applied = [name for name in producers.applied if name in entries]
    assert applied == runnable, "dev was not applied in the listed order"
    for name in runnable:
        delivered = producers.delivered[name]
        assert delivered.plan_exitcode == 2, name  # a new environment: every stack has changes
        assert f"{name}: changes (terraform plan exit 2)" in delivered.plan_output
        gate = delivered.gate
        assert (gate["plan"], gate["verdict"]) == (name, "pass"), gate
        assert gate["counts"]["add"] > 0 and gate["counts"]["destroy"] == 0, (name, gate["counts"])
        assert {row["action"] for row in gate["changes"]} == {"create"}, name
    # The nightly drift job's command on what was applied whole: read-only, refresh-only, clean.
    for name in DRIFT_STACKS:
        assert not producers.targets(name), f"{name} is applied with -target: its refresh reports outputs"
        accept_moto_rule_descriptions(producers.work(name), producers.tf_env)
    drift = make("drift", env, check=False, ENV=ENV, STACKS=" ".join(DRIFT_STACKS))
    lines = [line for line in drift.stdout.splitlines() if line.startswith(f"{ENV}-")]
    assert drift.returncode == 0, "\n".join(lines) + drift.stderr[-2000:]
    assert {line.split()[0]: line.split()[1] for line in lines} == dict.fromkeys(DRIFT_STACKS, "clean")

"""Producer stacks applied once per test session to one moto server, for every consumer to plan against.

A consumer (a stack that reads another stack's state) is planned only after its producers were applied to the
same moto server; the producers' local state files are what terraform wrote there, and the consumer's override
file points its remote-state data sources at them, as the S3 backend would in AWS.

Consumers must not change what a producer applied: they read its state (or work on a copy of it, for
``terraform state mv``) and own, and clean up, whatever they apply themselves. Tests that change or delete a
producer's resources outside Terraform (drift) or run the whole bootstrap-to-destroy path (the README path) keep
their own server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llm_infra.config import Environment
from tests.support.layers import StackEntry, consumed, producers_of, remote_state_name, stack_order
from tests.support.moto import MotoServer
from tests.support.stack import APPLY, DESTROY, PLAN_TIMEOUT_S, managed, prepare
from tests.support.terraform import terraform


@dataclass
class Producers:
    moto: MotoServer
    outdir: Path  # the moto variant's synthesis (tests.support.stack.synth_moto_variant)
    environments: dict[str, Environment]
    tf_env: dict[str, str]
    workdir: Path
    applied: dict[str, Path] = field(default_factory=dict)  # stack name -> work folder, in apply order

    def entry(self, name: str) -> StackEntry:
        (found,) = [s for s in stack_order() if s.name == name]
        return found

    def work(self, name: str) -> Path:
        """The work folder of producer ``name``, applied on first use (after its own producers)."""
        if name not in self.applied:
            stack = self.entry(name)
            assert name in consumed(self.outdir), f"{name} is no producer: nothing reads its state"
            remote_states = self.remote_states(name)
            work = prepare(
                self.outdir / "stacks" / name,
                self.workdir / name,
                self.moto,
                self.environments[stack.environment],
                self.tf_env,
                remote_states=remote_states,
            )
            terraform(list(APPLY), work, self.tf_env, timeout=PLAN_TIMEOUT_S)
            self.applied[name] = work
        return self.applied[name]

    def state_path(self, name: str) -> Path:
        return self.work(name) / "terraform.tfstate"

    def state(self, name: str) -> dict[str, Any]:
        """Producer ``name``'s local state, as terraform wrote it."""
        return dict(json.loads(self.state_path(name).read_text(encoding="utf-8")))

    def outputs(self, name: str) -> dict[str, Any]:
        """output name -> value of producer ``name``'s state."""
        return {key: value["value"] for key, value in self.state(name).get("outputs", {}).items()}

    def remote_states(self, consumer: str) -> dict[str, Path]:
        """The override of ``consumer``'s remote-state reads: data source name -> applied producer's state file.

        The consumer is named as synthesized (``<env>-<layer>``); its reads are taken from the moto variant."""
        return {
            remote_state_name(p.environment, p.layer): self.state_path(p.name)
            for p in producers_of(self.outdir, self.entry(consumer))
        }

    def destroy_all(self) -> list[str]:
        """Destroy every applied producer, consumers' producers last; returns what could not be destroyed."""
        left = []
        for name, work in reversed(self.applied.items()):
            result = terraform(list(DESTROY), work, self.tf_env, timeout=PLAN_TIMEOUT_S, check=False)
            if result.returncode != 0 or managed(work):
                left.append(f"{name}: exit {result.returncode}\n{result.stderr[-2000:]}")
        return left

"""After an apply: is what exists healthy? Probes per layer, each a function from the context to checks.

Each layer declares its probes (``llm_infra/layers/<layer>/probes.py``, listed by its ``LAYER``); a probe finds its resources by
the tags every stack's provider sets (``Namespace``, ``Environment``, ``Layer``), reads their state, and waits,
bounded and with backoff, while they are still converging (no boto3 waiter exists for FSx or HyperPod).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from llm_infra import layers
from llm_infra.config import Environment
from llm_infra.label import Label
from llm_infra.ops.report import Check, guarded
from llm_infra.ops.session import Aws
from llm_infra.ops.wait import Backoff, Deadline, Progress, Sleep, poll

T = TypeVar("T")
FSX_READY = "AVAILABLE"
FSX_CONVERGING = frozenset({"CREATING", "UPDATING"})


@dataclass
class SmokeContext:
    """What every probe gets: the environment, its AWS session, and one deadline shared by all waits."""

    environment: Environment
    aws: Aws
    deadline: Deadline
    sleep: Sleep
    progress: Callable[[Progress], None] | None = None
    backoff: Backoff = field(default_factory=Backoff)

    def label(self, layer: str) -> Label:
        return Label.for_layer(self.environment, layer)

    def wait(
        self, fetch: Callable[[], T], done: Callable[[T], bool], *, what: str, state: Callable[[T], str]
    ) -> T:
        return poll(
            fetch,
            done,
            what=what,
            deadline=self.deadline,
            state=state,
            backoff=self.backoff,
            sleep=self.sleep,
            progress=self.progress,
        )


Probe = Callable[[SmokeContext], list[Check]]


def layer_tags(label: Label) -> dict[str, str]:
    """The tags that tell a layer's resources apart (set by the stack's provider through default_tags)."""
    return {"Namespace": label.namespace, "Environment": label.environment, "Layer": label.layer}


def layer_filters(label: Label) -> list[dict[str, Any]]:
    """EC2 ``Filters`` selecting the layer's resources."""
    return [{"Name": f"tag:{key}", "Values": [value]} for key, value in layer_tags(label).items()]


def has_layer_tags(tags: Iterable[dict[str, str]], label: Label) -> bool:
    found = {tag["Key"]: tag["Value"] for tag in tags}
    return all(found.get(key) == value for key, value in layer_tags(label).items())


def tag_text(label: Label) -> str:
    return ", ".join(f"{key}={value}" for key, value in layer_tags(label).items())


def layer_probes() -> tuple[tuple[str, Probe], ...]:
    """Every layer's probes, in layer order (from the registry, read now)."""
    return tuple(probe for layer in layers.registry() for probe in layer.probes)


PROBES: tuple[tuple[str, Probe], ...] = layer_probes()


def smoke(context: SmokeContext, probes: Sequence[tuple[str, Probe]] | None = None) -> list[Check]:
    """Run the probes (default: every registered layer's, in layer order); one failing probe fails alone."""
    checks: list[Check] = []
    probes = layer_probes() if probes is None else probes
    for name, probe in probes:
        checks += guarded(name, partial(probe, context))
    return checks

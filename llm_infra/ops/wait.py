"""Bounded waiting: poll until done or a deadline, with exponential backoff and progress reports.

No boto3 waiter exists for FSx or HyperPod, and terraform runs can take minutes: every wait in the tools goes
through ``poll`` (or ``Deadline``), so each has a limit, sleeps less as it nears it, and tells the operator
what it is waiting for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from llm_infra.ops.errors import OpsError

T = TypeVar("T")
Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Backoff:
    """Delays ``initial, initial*factor, ...`` capped at ``maximum`` seconds."""

    initial: float = 5.0
    factor: float = 2.0
    maximum: float = 60.0

    def delay(self, attempt: int) -> float:
        """The pause after poll number ``attempt`` (1-based)."""
        return float(min(self.maximum, self.initial * self.factor ** (attempt - 1)))


@dataclass(frozen=True)
class Progress:
    what: str
    state: str
    attempt: int
    elapsed: float
    remaining: float
    next_delay: float

    def line(self) -> str:
        return (
            f"waiting for {self.what}: {self.state} after {self.elapsed:.0f}s "
            f"(next check in {self.next_delay:.0f}s, gives up in {self.remaining:.0f}s)"
        )


class WaitTimeoutError(OpsError):
    def __init__(self, what: str, state: str, waited: float) -> None:
        super().__init__(f"gave up waiting for {what} after {waited:.0f}s (last state: {state})")
        self.what = what
        self.state = state
        self.waited = waited


class Deadline:
    """A point in time shared by several waits (e.g. one ``--timeout`` for a whole smoke run)."""

    def __init__(self, seconds: float, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.start = clock()
        self.end = self.start + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - self.clock())

    def elapsed(self) -> float:
        return self.clock() - self.start


def poll(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    what: str,
    deadline: Deadline,
    state: Callable[[T], str] = str,
    backoff: Backoff = Backoff(),
    sleep: Sleep = time.sleep,
    progress: Callable[[Progress], None] | None = None,
) -> T:
    """Call ``fetch`` until ``done(value)``; raise ``WaitTimeoutError`` once the deadline has passed.

    The first call happens at once; pauses grow by ``backoff`` and never run past the deadline, and one last
    call is made at the deadline itself, so a wait of N seconds really waits N seconds.
    """
    started = deadline.clock()
    attempt = 0
    while True:
        attempt += 1
        value = fetch()
        if done(value):
            return value
        remaining = deadline.remaining()
        if remaining <= 0:
            raise WaitTimeoutError(what, state(value), deadline.clock() - started)
        pause = min(backoff.delay(attempt), remaining)
        if progress is not None:
            elapsed = deadline.clock() - started
            progress(Progress(what, state(value), attempt, elapsed, remaining, pause))
        sleep(pause)

"""poll(): bounded waits with exponential backoff and progress, on a fake clock (no real sleeping)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from llm_infra.ops.wait import Backoff, Deadline, Progress, WaitTimeoutError, poll


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def states(*values: str) -> tuple[list[str], Callable[[], str]]:
    """A fetch function returning ``values`` in turn (the last one forever), and the list of calls made."""
    calls: list[str] = []
    remaining = list(values)

    def fetch() -> str:
        value = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        calls.append(value)
        return value

    return calls, fetch


def test_backoff_grows_by_factor_and_is_capped() -> None:
    backoff = Backoff(initial=5, factor=2, maximum=30)
    assert [backoff.delay(n) for n in range(1, 6)] == [5, 10, 20, 30, 30]


def test_returns_as_soon_as_done_without_sleeping() -> None:
    clock = FakeClock()
    calls, fetch = states("AVAILABLE")
    result = poll(
        fetch, lambda s: s == "AVAILABLE", what="fs", deadline=Deadline(60, clock), sleep=clock.sleep
    )
    assert result == "AVAILABLE"
    assert calls == ["AVAILABLE"]
    assert clock.sleeps == []


def test_polls_with_backoff_and_reports_progress() -> None:
    clock = FakeClock()
    calls, fetch = states("CREATING", "CREATING", "CREATING", "AVAILABLE")
    reports: list[Progress] = []
    result = poll(
        fetch,
        lambda s: s == "AVAILABLE",
        what="FSx fs-1",
        deadline=Deadline(600, clock),
        backoff=Backoff(initial=5, factor=2, maximum=60),
        sleep=clock.sleep,
        progress=reports.append,
    )
    assert result == "AVAILABLE"
    assert calls == ["CREATING", "CREATING", "CREATING", "AVAILABLE"]
    assert clock.sleeps == [5, 10, 20]
    assert [r.attempt for r in reports] == [1, 2, 3]
    assert [r.elapsed for r in reports] == [0, 5, 15]
    assert reports[1].line() == (
        "waiting for FSx fs-1: CREATING after 5s (next check in 10s, gives up in 595s)"
    )


def test_gives_up_at_the_deadline_and_never_sleeps_past_it() -> None:
    clock = FakeClock()
    calls, fetch = states("CREATING")
    with pytest.raises(WaitTimeoutError) as caught:
        poll(
            fetch,
            lambda s: s == "AVAILABLE",
            what="FSx fs-1",
            deadline=Deadline(100, clock),
            backoff=Backoff(initial=30, factor=2, maximum=60),
            sleep=clock.sleep,
        )
    # 30 + 60 = 90, then only the 10 s left; one last look at the deadline itself, then stop.
    assert clock.sleeps == [30, 60, 10]
    assert len(calls) == 4
    assert caught.value.state == "CREATING"
    assert caught.value.waited == 100
    assert caught.value.message == "gave up waiting for FSx fs-1 after 100s (last state: CREATING)"


def test_a_shared_deadline_bounds_several_waits() -> None:
    clock = FakeClock()
    deadline = Deadline(50, clock)
    _, slow = states("CREATING")
    with pytest.raises(WaitTimeoutError):
        poll(slow, lambda s: False, what="first", deadline=deadline, sleep=clock.sleep)
    _, fetch = states("CREATING", "AVAILABLE")
    with pytest.raises(WaitTimeoutError) as caught:
        poll(fetch, lambda s: s == "AVAILABLE", what="second", deadline=deadline, sleep=clock.sleep)
    assert caught.value.waited == 0  # no time left: one look, no sleep
    assert sum(clock.sleeps) == 50


def test_state_function_names_the_last_state() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError) as caught:
        poll(
            lambda: {"Lifecycle": "UPDATING"},
            lambda fs: False,
            what="fs",
            deadline=Deadline(1, clock),
            state=lambda fs: fs["Lifecycle"],
            sleep=clock.sleep,
        )
    assert caught.value.state == "UPDATING"

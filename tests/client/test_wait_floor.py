"""WaitState's ``min_interval``: a gentler floor on the SDK's own schedule (the CLI's status
line uses it), leaving the default schedule untouched."""

from __future__ import annotations

import math

import pytest

from replicate_ext._wait import DEFAULT_POLL_SCHEDULE, WaitState
from replicate_ext.types import Prediction


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _gaps(state: WaitState[Prediction], clock: FakeClock, until: float) -> list[float]:
    gaps: list[float] = []
    while clock.now < until:
        delay = state.next_delay()
        assert delay is not None
        clock.now += delay
        gaps.append(delay)
        assert len(gaps) < 10_000
    return gaps


def _processing() -> Prediction:
    return Prediction.from_dict({"id": "p1", "status": "processing"})


def test_the_floor_raises_the_minimum_gap_and_keeps_the_schedules_growth_and_cap() -> None:
    clock = FakeClock()
    state = WaitState(_processing(), timeout=None, min_interval=0.2, clock=clock)
    gaps = _gaps(state, clock, 300.0)
    assert min(gaps) == pytest.approx(0.2)
    assert gaps[0] == pytest.approx(0.2)
    # past the floor the SDK's growth applies: 12 % of the time waited, capped at 5 s
    assert max(gaps) == pytest.approx(DEFAULT_POLL_SCHEDULE.max_interval)
    assert 0.2 < DEFAULT_POLL_SCHEDULE.delay(3.0) == pytest.approx(0.36)
    # the floor holds for the first 0.2 / 0.12 s: ~9 polls there instead of ~34, and fewer
    # over the whole wait
    unfloored_clock = FakeClock()
    unfloored = WaitState(_processing(), timeout=None, clock=unfloored_clock)
    assert len(gaps) < len(_gaps(unfloored, unfloored_clock, 300.0)) - 10
    assert sum(1 for gap in gaps if gap == pytest.approx(0.2)) == pytest.approx(9, abs=1)


def test_without_a_floor_the_sdk_schedule_is_unchanged() -> None:
    clock = FakeClock()
    state = WaitState(_processing(), timeout=None, clock=clock)
    first = state.next_delay()
    assert first == DEFAULT_POLL_SCHEDULE.delay(0.0) == 0.05


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf, 6.0])
def test_a_nonsense_floor_is_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="min_interval"):
        WaitState(_processing(), timeout=None, min_interval=bad)

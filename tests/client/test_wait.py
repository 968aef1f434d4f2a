"""Waiting: terminal statuses, the adaptive schedule, run() continuing past `Prefer: wait`."""

from __future__ import annotations

import json

import httpx
import pytest

import replicate_ext
from replicate_ext._wait import (
    DEFAULT_POLL_SCHEDULE,
    TERMINAL_STATUSES,
    PollSchedule,
    WaitState,
    is_terminal,
    prefer_wait_seconds,
)
from replicate_ext.types import Prediction

from .conftest import mock_async_client, mock_client, prediction_json


def test_terminal_statuses_include_aborted() -> None:
    assert sorted(TERMINAL_STATUSES) == ["aborted", "canceled", "failed", "succeeded"]
    assert not is_terminal("starting") and not is_terminal("processing")
    assert not is_terminal("some-new-status")


def _simulate_run(
    finishes_at: float, *, round_trip: float, schedule: PollSchedule = DEFAULT_POLL_SCHEDULE
) -> tuple[float, int]:
    """Poll a prediction that finishes ``finishes_at`` s after the create, with a fake clock
    and a server ``round_trip`` s away; returns (lag from finishing to seeing it, polls)."""
    clock = FakeClock()
    state = WaitState(_p("starting"), timeout=None, schedule=schedule, clock=clock)
    polls = 0
    while (delay := state.next_delay()) is not None:
        clock.now += delay
        handled_at = clock.now + round_trip / 2
        clock.now += round_trip
        state.update(_p("succeeded" if handled_at >= finishes_at else "processing"))
        polls += 1
        assert polls < 100_000
    return clock.now - finishes_at, polls


def test_a_one_second_model_is_seen_within_its_gap_even_at_the_worst_phase() -> None:
    # Every phase of the schedule around 1 s (0.95-1.05 s models, 0.5 ms apart), with a 3 ms
    # round trip — twice the local server's.
    lags = [_simulate_run(0.95 + i * 0.0005, round_trip=0.003)[0] for i in range(201)]
    assert max(lags) <= DEFAULT_POLL_SCHEDULE.delay(1.05) + 0.003
    assert max(lags) <= 0.130  # ~12 % of the run time
    assert min(lags) >= 0.0015  # sanity: seeing it costs at least half a round trip
    # A short model is seen within the floor of the schedule.
    short = [_simulate_run(0.2 + i * 0.001, round_trip=0.003)[0] for i in range(50)]
    assert max(short) <= DEFAULT_POLL_SCHEDULE.min_interval + 0.003 <= 0.055


def test_slow_responses_eat_into_the_gap_instead_of_adding_to_it() -> None:
    _, fast_polls = _simulate_run(1.0, round_trip=0.001)
    slow_lag, slow_polls = _simulate_run(1.0, round_trip=0.030)
    assert slow_polls <= fast_polls  # fewer requests fit, none are added
    # The gap is measured start to start, so a 30 ms response does not stretch it by 30 ms.
    assert slow_lag <= DEFAULT_POLL_SCHEDULE.delay(1.0) + 0.030 + 0.001
    # A response slower than the gap means polling again right away, never a negative sleep.
    clock = FakeClock()
    state = WaitState(_p("processing"), timeout=None, clock=clock)
    assert state.next_delay() == DEFAULT_POLL_SCHEDULE.delay(0.0)
    clock.now += 1.0  # that poll took a second
    assert state.next_delay() == 0.0


def test_gaps_grow_with_the_time_waited_and_are_capped() -> None:
    schedule = DEFAULT_POLL_SCHEDULE
    times = [0.0, 0.5, 1.0, 2.0, 5.0, 20.0, 100.0, 300.0, 3600.0]
    gaps = [schedule.delay(t) for t in times]
    assert gaps == sorted(gaps)
    assert gaps[0] > 0.0
    assert schedule.delay(10.0) == pytest.approx(10.0 * 0.12)  # proportional: 12 % waited
    assert max(gaps) == schedule.max_interval <= 5.0
    assert schedule.delay(300.0) == schedule.delay(3600.0) == schedule.max_interval


def _poll_starts(until: float, round_trip: float = 0.0) -> list[float]:
    """When each poll of a prediction that never finishes starts, over ``until`` seconds."""
    clock = FakeClock()
    state = WaitState(_p("processing"), timeout=until, clock=clock)
    starts: list[float] = []
    while (delay := state.next_delay()) is not None:
        clock.now += delay
        starts.append(clock.now)
        clock.now += round_trip
        state.update(_p("processing"))
        assert len(starts) < 10_000
    return starts


@pytest.mark.parametrize("round_trip", [0.0, 0.002, 0.05])
def test_polling_keeps_to_its_request_budget(round_trip: float) -> None:
    starts = _poll_starts(600.0, round_trip)
    # At most 4 requests a second averaged over the first 10 s ...
    assert len([t for t in starts if t < 10.0]) <= 40
    # ... no burst within it either (the floor spaces every pair) ...
    assert len([t for t in starts if t < 1.0]) <= 1.0 / DEFAULT_POLL_SCHEDULE.min_interval
    # ... and far less later: at most one poll per 5 s from the first minute on.
    assert len([t for t in starts if 10.0 <= t < 20.0]) <= 7
    assert len([t for t in starts if 60.0 <= t < 600.0]) <= 540 / 5.0 + 1


def test_request_count_over_five_minutes_is_well_under_a_half_second_tick() -> None:
    _, polls_in_five_minutes = _simulate_run(300.0, round_trip=0.002)
    assert polls_in_five_minutes <= 300.0 / 0.5 / 3
    _, polls_in_one_second = _simulate_run(1.0, round_trip=0.002)
    assert polls_in_one_second <= 1.0 / DEFAULT_POLL_SCHEDULE.min_interval + 1


def test_schedule_never_sleeps_past_the_deadline() -> None:
    assert PollSchedule().delay(100.0, remaining=0.2) == 0.2
    assert PollSchedule().delay(100.0, remaining=-1.0) == 0.0


def test_prefer_wait_seconds() -> None:
    assert prefer_wait_seconds(True, None) == 60
    assert prefer_wait_seconds(5, None) == 5
    assert prefer_wait_seconds(600, None) == 60
    assert prefer_wait_seconds(False, None) is None
    assert prefer_wait_seconds(0, None) is None
    # the window ends a second before the timeout, so the held response beats the deadline
    assert prefer_wait_seconds(True, 10.7) == 9
    assert prefer_wait_seconds(True, 2.0) == 1
    assert prefer_wait_seconds(True, 1.9) is None
    assert prefer_wait_seconds(True, 0.5) is None  # too short for a window: just poll


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _p(status: str) -> Prediction:
    return Prediction.from_dict({"id": "p1", "status": status})


def test_wait_state_polls_until_terminal() -> None:
    clock = FakeClock()
    state = WaitState(_p("starting"), timeout=None, clock=clock)
    statuses = iter(["starting", "processing", "processing", "succeeded"])
    polls = 0
    while (delay := state.next_delay()) is not None:
        clock.now += delay
        state.update(_p(next(statuses)))
        polls += 1
    assert polls == 4 and not state.timed_out
    assert state.current.status == "succeeded"


def test_wait_state_times_out_with_the_last_state() -> None:
    clock = FakeClock()
    state = WaitState(_p("processing"), timeout=1.0, clock=clock)
    polls = 0
    while (delay := state.next_delay()) is not None:
        assert delay <= 1.0
        clock.now += delay
        state.update(_p("processing"))
        polls += 1
        assert polls < 1000
    assert state.timed_out
    assert clock.now == pytest.approx(1.0)
    assert state.waited == pytest.approx(1.0)


def test_already_waited_continues_the_schedule() -> None:
    clock = FakeClock()
    fresh = WaitState(_p("processing"), timeout=None, clock=clock)
    later = WaitState(_p("processing"), timeout=None, clock=clock, already_waited=60.0)
    fresh_delay, later_delay = fresh.next_delay(), later.next_delay()
    assert fresh_delay is not None and later_delay is not None
    assert later_delay > fresh_delay


def _recording_server(statuses: list[str], create_status: str = "processing"):  # type: ignore[no-untyped-def]
    requests: list[httpx.Request] = []
    remaining = list(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.method == "POST" and request.url.path.endswith("/cancel"):
            return httpx.Response(200, json=prediction_json(status="canceled"))
        if request.method == "POST":
            return httpx.Response(201, json=prediction_json(status=create_status))
        status = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        output = "hello Ada" if status == "succeeded" else None
        return httpx.Response(200, json=prediction_json(status=status, output=output))

    return handler, requests


def test_run_keeps_polling_when_prefer_wait_ends_at_processing() -> None:
    handler, requests = _recording_server(["processing", "processing", "succeeded"])
    with mock_client(handler) as client:
        assert client.run("demo/hello", input={"name": "Ada"}, wait=5) == "hello Ada"
    create = requests[0]
    assert create.headers["prefer"] == "wait=5"
    assert create.extensions["timeout"]["read"] >= 15  # the window never times out on our side
    assert [r.method for r in requests[1:]] == ["GET", "GET", "GET"]
    assert all(r.url.path == "/v1/predictions/p1" for r in requests[1:])


def test_run_without_prefer_header_when_wait_is_false() -> None:
    handler, requests = _recording_server(["succeeded"], create_status="starting")
    with mock_client(handler) as client:
        assert client.run("demo/hello", input={"name": "Ada"}, wait=False) == "hello Ada"
    assert "prefer" not in requests[0].headers


def test_run_returns_immediately_when_the_create_already_finished() -> None:
    requests: list[httpx.Request] = []

    def finished(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(201, json=prediction_json(status="succeeded", output=[1, 2]))

    with mock_client(finished) as client:
        assert client.run("demo/hello", input={}) == [1, 2]
    assert len(requests) == 1 and requests[0].headers["prefer"] == "wait=60"


@pytest.mark.parametrize("status", ["failed", "canceled", "aborted"])
def test_run_raises_model_error_unless_succeeded(status: str) -> None:
    handler, _ = _recording_server([status])
    with mock_client(handler) as client, pytest.raises(replicate_ext.ModelError) as caught:
        client.run("demo/hello", input={})
    assert caught.value.prediction.status == status
    assert caught.value.prediction.id == "p1"


def test_wait_timeout_carries_the_prediction_and_can_cancel() -> None:
    handler, requests = _recording_server(["processing"])
    with mock_client(handler) as client:
        with pytest.raises(replicate_ext.WaitTimeoutError) as caught:
            client.run("demo/hello", input={}, timeout=0.3, wait=False)
        assert caught.value.prediction.id == "p1"
        assert caught.value.prediction.status == "processing"
        assert not any(r.url.path.endswith("/cancel") for r in requests)

        with pytest.raises(replicate_ext.WaitTimeoutError) as caught:
            client.wait("p1", timeout=0.2, cancel_on_timeout=True)
        assert caught.value.prediction.status == "canceled"
        assert requests[-1].url.path == "/v1/predictions/p1/cancel"


def test_wait_accepts_an_id_or_a_prediction() -> None:
    handler, requests = _recording_server(["processing", "succeeded"])
    with mock_client(handler) as client:
        done = client.wait("p1", timeout=10)
        assert done.status == "succeeded"
        again = client.wait(done)  # already terminal: no request
    assert again is done
    assert len(requests) == 2


async def test_async_run_keeps_polling_past_prefer_wait() -> None:
    handler, requests = _recording_server(["processing", "succeeded"])
    async with mock_async_client(handler) as client:
        assert await client.run("demo/hello", input={"name": "Ada"}, wait=3) == "hello Ada"
    assert requests[0].headers["prefer"] == "wait=3"
    assert json.loads(requests[0].content) == {"input": {"name": "Ada"}}
    assert [r.method for r in requests[1:]] == ["GET", "GET"]


async def test_async_wait_timeout_and_cancel() -> None:
    handler, requests = _recording_server(["processing"])
    async with mock_async_client(handler) as client:
        with pytest.raises(replicate_ext.WaitTimeoutError) as caught:
            await client.wait("p1", timeout=0.2, cancel_on_timeout=True)
    assert caught.value.prediction.id == "p1"
    assert caught.value.prediction.status == "canceled"
    assert requests[-1].url.path == "/v1/predictions/p1/cancel"

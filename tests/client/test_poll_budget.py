"""The client-wide poll budget: every wait of a client draws from one budget, so many waits
slow down together instead of multiplying the request rate."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import httpx
import pytest

import replicate_ext
from replicate_ext._status_board import BOARD_MIN_WAITS
from replicate_ext._wait import DEFAULT_POLLS_PER_MINUTE, PollBudget
from replicate_ext.types import Prediction

from .conftest import mock_async_client, mock_client, prediction_json


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_default_stays_below_the_apis_limit() -> None:
    assert DEFAULT_POLLS_PER_MINUTE < 3000
    assert PollBudget().per_minute == DEFAULT_POLLS_PER_MINUTE


def test_reservations_beyond_a_seconds_burst_queue_up_at_the_budgets_rate() -> None:
    clock = FakeClock()
    budget = PollBudget(600, clock=clock)  # 10 a second
    turns = [budget.reserve() for _ in range(30)]
    assert turns[:10] == [0.0] * 10  # a second's worth at once
    assert turns[10:] == pytest.approx([0.1 * i for i in range(1, 21)])  # then 10 a second
    clock.now += 60.0  # a quiet minute refills a second's worth, no more
    assert [budget.reserve() for _ in range(11)][-2:] == [0.0, pytest.approx(0.1)]


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), True])
def test_a_nonsense_budget_is_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="polls per minute"):
        PollBudget(bad)


def _never_finishing() -> tuple[list[httpx.Request], Callable[[httpx.Request], httpx.Response]]:
    polls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        polls.append(request)
        pid = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(200, json=prediction_json(id=pid, status="processing"))

    return polls, handler


async def test_async_waits_polling_by_id_share_the_clients_budget() -> None:
    polls, handler = _never_finishing()
    waits = BOARD_MIN_WAITS - 1  # all of them poll by id (more would share the list)
    async with mock_async_client(handler) as client:
        client._client.poll_budget = PollBudget(300)  # 5 a second for the whole client
        start = prediction_json(status="processing")
        with anyio.move_on_after(1.0):
            async with anyio.create_task_group() as group:
                for i in range(waits):
                    prediction = Prediction.from_dict(dict(start, id=f"p{i}"))
                    group.start_soon(client.predictions.wait, prediction)
    # 7 waits on their own schedules would poll ~16 times each in this second (~110); the
    # shared budget lets through a second's burst and then 5 a second.
    assert 5 <= len(polls) <= 5 + 5 * 1.0 + 2
    # Turns are first come, first served: every wait got polled.
    assert len({r.url.path for r in polls}) == waits


def test_sync_waits_draw_from_the_same_budget() -> None:
    polls, handler = _never_finishing()
    with mock_client(handler) as client:
        clock = FakeClock()
        budget = PollBudget(60, clock=clock)
        client._client.poll_budget = budget
        assert client.with_options(timeout=5)._client.poll_budget is budget
        budget.reserve()  # the one token of the burst is spent: the next poll waits ~1 s
        with pytest.raises(replicate_ext.WaitTimeoutError):
            client.predictions.wait("p1", timeout=0.3)
    assert len(polls) == 2  # the first fetch of the id, then the poll at the deadline

"""Many async waits in one client share one poller that learns their statuses from the
predictions list; it steps aside (polling by id) when the list fails or misses them."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import anyio
import httpx
import pytest

import replicate_ext
from replicate_ext._status_board import BOARD_MIN_WAITS, MAX_MISSES, RETRY_BOARD_AFTER, StatusBoard
from replicate_ext.local.server import LocalServer
from replicate_ext.types import Prediction

from .conftest import mock_async_client, prediction_json

WAITS = 20
assert WAITS > 2 * BOARD_MIN_WAITS


class CountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        kind = "get"
        if request.method == "POST":
            kind = "create"
        elif path == "/v1/predictions":
            kind = "list"
        self.counts[kind] += 1
        return await super().handle_async_request(request)


async def test_many_waits_share_one_poller(local_server: LocalServer) -> None:
    transport = CountingTransport()
    async with replicate_ext.AsyncClient(
        api_token=local_server.token, base_url=local_server.base_url, transport=transport
    ) as client:
        outputs: list[Any] = []

        async def run_one() -> None:
            outputs.append(await client.run("demo/sleep", input={"seconds": 1}, wait=False))

        async with anyio.create_task_group() as group:
            for _ in range(WAITS):
                group.start_soon(run_one)
        assert client._client.waits_in_flight == 0
    assert len(outputs) == WAITS
    counts = transport.counts
    assert counts["create"] == WAITS
    # The first few waits poll by id (~20 polls each over a second and a bit); the rest share
    # the list (one request per tick for all of them), which also gives their final states.
    assert 1 <= counts["list"] <= 40
    assert counts["get"] <= (BOARD_MIN_WAITS - 1) * 25 + WAITS
    # Polling each by id would take ~20 requests per prediction.
    assert counts["get"] + counts["list"] < WAITS * 10


class _Predictions:
    """``WAITS`` predictions p0.. over MockTransport that finish after ``polls`` GETs each;
    the list answers with ``list_status`` (or its statuses when None)."""

    def __init__(
        self,
        list_status: int | None,
        listed: bool = True,
        polls: int = 2,
        listed_status: str = "processing",
        listed_logs: bool = True,
    ) -> None:
        self.list_status = list_status
        self.listed = listed
        self.polls = polls
        self.listed_status = listed_status
        self.listed_logs = listed_logs
        self.gets: Counter[str] = Counter()
        self.lists = 0

    def status(self, pid: str) -> str:
        return "succeeded" if self.gets[pid] >= self.polls else "processing"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/predictions":
            self.lists += 1
            if self.list_status is not None:
                return httpx.Response(self.list_status, json={"detail": "no list here"})
            items = [
                prediction_json(id=f"p{i}", status=self.listed_status, output="listed")
                for i in range(WAITS)
            ]
            if not self.listed_logs:
                for item in items:
                    del item["logs"]
            return httpx.Response(200, json={"results": items if self.listed else []})
        pid = request.url.path.rsplit("/", 1)[-1]
        self.gets[pid] += 1
        return httpx.Response(200, json=prediction_json(id=pid, status=self.status(pid)))


async def _wait_all(server: _Predictions, timeout: float = 10.0) -> list[Any]:
    results: list[Any] = []

    async def wait_one(i: int) -> None:
        start = Prediction.from_dict(prediction_json(id=f"p{i}", status="processing"))
        try:
            results.append(await client.predictions.wait(start, timeout=timeout))
        except replicate_ext.WaitTimeoutError as error:
            results.append(error)

    async with mock_async_client(server) as client, anyio.create_task_group() as group:
        for i in range(WAITS):
            group.start_soon(wait_one, i)
    return results


@pytest.mark.parametrize("logs", [True, False])
async def test_the_listed_final_state_needs_no_further_request(logs: bool) -> None:
    server = _Predictions(list_status=None, polls=1, listed_status="succeeded", listed_logs=logs)
    results = await _wait_all(server)
    assert [r.status for r in results] == ["succeeded"] * WAITS
    per_id = BOARD_MIN_WAITS - 1  # the first waits poll by id: 1 GET each here
    board_gets = sum(server.gets.values()) - per_id * server.polls
    if logs:
        assert board_gets == 0  # the listed state is complete: taken as final
        assert sum(r.output == "listed" for r in results) == WAITS - per_id
    else:
        assert board_gets == WAITS - per_id  # no logs listed: one GET each for the rest
    assert 1 <= server.lists <= 3


@pytest.mark.parametrize("status", [404, 500])
async def test_a_failing_list_sends_every_wait_back_to_polling_by_id(status: int) -> None:
    server = _Predictions(list_status=status)
    results = await _wait_all(server)
    assert [r.status for r in results] == ["succeeded"] * WAITS
    assert 1 <= server.lists <= 3  # one failing list call is enough (a 500 is retried twice)


async def test_a_list_that_misses_a_prediction_gives_up_on_it() -> None:
    server = _Predictions(list_status=None, listed=False)
    results = await _wait_all(server)
    assert [r.status for r in results] == ["succeeded"] * WAITS
    assert server.lists <= MAX_MISSES * WAITS


async def test_the_deadline_still_bounds_waits_on_the_board() -> None:
    server = _Predictions(list_status=None, polls=10_000)  # never finishes
    started = time.monotonic()
    results = await _wait_all(server, timeout=0.5)
    assert time.monotonic() - started < 1.0 + 0.5
    assert all(isinstance(r, replicate_ext.WaitTimeoutError) for r in results)
    assert server.lists >= 1  # the later waits were on the board


async def test_after_a_failed_list_the_board_is_tried_again_a_minute_later() -> None:
    server = _Predictions(list_status=404, listed_status="succeeded")
    now = [1000.0]
    async with mock_async_client(server) as client:
        board = StatusBoard(client._client, clock=lambda: now[0])
        first = Prediction.from_dict(prediction_json(id="p0", status="processing"))
        assert await board.wait(first, None) is None  # the list failed: poll by id
        assert (board.broken, server.lists) == (True, 1)
        now[0] += RETRY_BOARD_AFTER - 1
        assert await board.wait(first, None) is None
        assert server.lists == 1  # still stepping aside, without asking again
        now[0] += 2
        assert not board.broken
        server.list_status = None  # the list works again
        final = await board.wait(first, None)
        assert final is not None and final.status == "succeeded"
        assert server.lists == 2

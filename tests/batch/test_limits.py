"""Exact checks over httpx.MockTransport: the concurrency bound of run_many and the
whole-client pause after a 429."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext import RateLimits
from replicate_ext._errors import RateLimitError

from .conftest import BASE_URL, TOKEN, mock_async_client, mock_client, prediction_json

POLLS_TO_FINISH = 3


class FakeAPI:
    """Predictions that succeed on their third poll; counts those created and not yet seen
    finished (in flight) at any moment, from any thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.polls: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.creates = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            if request.method == "POST":
                self.creates += 1
                prediction_id = f"p{self.creates}"
                self.polls[prediction_id] = 0
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                body = json.loads(request.content)
                return httpx.Response(
                    201, json=prediction_json(prediction_id, "starting", input=body["input"])
                )
            prediction_id = request.url.path.rsplit("/", 1)[-1]
            self.polls[prediction_id] += 1
            if self.polls[prediction_id] < POLLS_TO_FINISH:
                return httpx.Response(200, json=prediction_json(prediction_id, "processing"))
            if self.polls[prediction_id] == POLLS_TO_FINISH:
                self.in_flight -= 1
            return httpx.Response(
                200, json=prediction_json(prediction_id, "succeeded", output=prediction_id)
            )


INPUTS = [{"n": n} for n in range(10)]


def test_sync_concurrency_bound() -> None:
    api = FakeAPI()
    with mock_client(api) as client:
        results = list(client.run_many("demo/hello", INPUTS, concurrency=3))
    assert len(results) == 10 and all(result.ok for result in results)
    assert api.creates == 10
    assert api.max_in_flight == 3


async def test_async_concurrency_bound() -> None:
    api = FakeAPI()
    async with mock_async_client(api) as client:
        results = [result async for result in client.run_many("demo/hello", INPUTS, concurrency=4)]
    assert sorted(result.index for result in results) == list(range(10))
    assert api.creates == 10
    assert api.max_in_flight == 4


def throttled_once(seen: list[str]) -> Callable[[httpx.Request], httpx.Response]:
    """A 429 (Retry-After: 2) for the first request, 200 for every other."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if len(seen) == 1:
            return httpx.Response(429, headers={"Retry-After": "2"}, json={"detail": "slow down"})
        return httpx.Response(200, json=prediction_json("other", "succeeded"))

    return handler


@pytest.mark.parametrize("rate_limits", [RateLimits(), None])
def test_a_429_pauses_the_whole_client(sleeps: list[float], rate_limits: RateLimits | None) -> None:
    seen: list[str] = []
    with mock_client(throttled_once(seen), max_retries=0, rate_limits=rate_limits) as client:
        with pytest.raises(RateLimitError):
            client.predictions.get("throttled")
        assert sleeps == []
        # Another request, another resource, another thread: it waits out the pause first.
        worker = threading.Thread(target=client.predictions.get, args=("other",))
        worker.start()
        worker.join(timeout=10)
    assert seen == ["/v1/predictions/throttled", "/v1/predictions/other"]
    if rate_limits is None:
        assert sleeps == []  # without a limiter only the throttled request itself backs off
    else:
        assert len(sleeps) == 1 and 1.9 < sleeps[0] <= 2.0


async def test_a_429_pauses_the_whole_async_client(sleeps: list[float]) -> None:
    seen: list[str] = []
    async with mock_async_client(
        throttled_once(seen), max_retries=0, rate_limits=RateLimits()
    ) as client:
        with pytest.raises(RateLimitError):
            await client.predictions.get("throttled")
        clone = client.with_options(timeout=5)
        await clone.predictions.get("other")
    assert seen == ["/v1/predictions/throttled", "/v1/predictions/other"]
    assert len(sleeps) == 1 and 1.9 < sleeps[0] <= 2.0


def test_creates_are_paced_at_their_rate(sleeps: list[float]) -> None:
    api = FakeAPI()
    limits = RateLimits(creates_per_minute=120, burst_fraction=1 / 60)  # 2 a second, burst 2
    with mock_client(api, rate_limits=limits) as client:
        for n in range(5):
            client.predictions.create(model="demo/hello", input={"n": n})
    assert api.creates == 5
    # Burst of two, then each create waits for its token (the fake sleeps do not advance time).
    assert [round(delay, 1) for delay in sleeps] == [0.5, 1.0, 1.5]


def test_the_limiter_travels_with_a_pickled_client() -> None:
    import pickle

    client = replicate_ext.Client(
        api_token=TOKEN, base_url=BASE_URL, rate_limits=RateLimits(creates_per_minute=6)
    )
    copy: Any = pickle.loads(pickle.dumps(client))
    assert copy._client._limiter.limits == RateLimits(creates_per_minute=6)

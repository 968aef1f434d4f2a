"""The limiter's arithmetic, on a fake clock."""

from __future__ import annotations

import pickle

import pytest

from replicate_ext import RateLimits
from replicate_ext._ratelimit import (
    DEFAULT_429_PAUSE,
    MAX_429_PAUSE,
    RateLimiter,
    TokenBucket,
    is_create,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_defaults_are_the_published_limits() -> None:
    limits = RateLimits()
    assert (limits.creates_per_minute, limits.requests_per_minute) == (600, 3000)


@pytest.mark.parametrize("field", ["creates_per_minute", "requests_per_minute", "burst_fraction"])
@pytest.mark.parametrize("value", [0, -1, float("nan"), True])
def test_limits_must_be_positive(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        RateLimits(**{field: value})


def test_bucket_allows_its_burst_then_queues_at_its_rate() -> None:
    bucket = TokenBucket(rate=2.0, capacity=3, now=0.0)
    assert [bucket.reserve(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    # Reservations beyond the burst queue up, each half a second (1 / rate) after the last.
    assert [bucket.reserve(0.0) for _ in range(3)] == [0.5, 1.0, 1.5]


def test_bucket_refills_but_never_beyond_capacity() -> None:
    bucket = TokenBucket(rate=1.0, capacity=2, now=0.0)
    bucket.reserve(0.0)
    bucket.reserve(0.0)
    assert bucket.reserve(1.0) == 0.0  # one token came back after a second
    assert bucket.reserve(1000.0) == 0.0
    assert bucket.reserve(1000.0) == 0.0
    assert bucket.reserve(1000.0) == pytest.approx(1.0)  # capacity 2, not 1000


def test_creates_and_other_requests_have_separate_budgets() -> None:
    clock = FakeClock()
    limiter = RateLimiter(
        RateLimits(creates_per_minute=60, requests_per_minute=600, burst_fraction=1 / 60),
        clock=clock,
    )
    assert limiter.reserve("POST", "/v1/models/a/b/predictions") == 0.0
    assert limiter.reserve("POST", "/v1/predictions") == pytest.approx(1.0)  # 1 a second
    # Other requests are not held up by the exhausted create budget (10 a second, burst 10).
    assert [limiter.reserve("GET", "/v1/predictions/x") for _ in range(10)] == [0.0] * 10
    assert limiter.reserve("GET", "/v1/predictions/x") == pytest.approx(0.1)
    clock.now += 2.0
    assert limiter.reserve("POST", "/v1/deployments/a/b/predictions") == 0.0


def test_is_create() -> None:
    assert is_create("POST", "/v1/predictions")
    assert is_create("POST", "/v1/models/o/n/predictions/")
    assert not is_create("GET", "/v1/predictions")
    assert not is_create("POST", "/v1/predictions/abc/cancel")
    assert not is_create("POST", "/v1/files")


def test_a_429_pauses_every_request_of_the_client() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(), clock=clock)
    limiter.on_429(3.0)
    assert limiter.paused_for == 3.0
    assert limiter.reserve("GET", "/v1/account") == 3.0
    assert limiter.reserve("POST", "/v1/predictions") == 3.0
    clock.now += 1.0
    assert limiter.reserve("GET", "/v1/account") == 2.0
    # A shorter Retry-After never shortens a pause already under way.
    limiter.on_429(0.5)
    assert limiter.paused_for == 2.0
    clock.now += 2.0
    assert limiter.reserve("GET", "/v1/account") == 0.0


def test_429_pause_without_retry_after_and_its_cap() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(), clock=clock)
    limiter.on_429(None)
    assert limiter.paused_for == DEFAULT_429_PAUSE
    limiter.on_429(10_000.0)
    assert limiter.paused_for == MAX_429_PAUSE


def test_limiter_pickles_as_its_limits() -> None:
    limits = RateLimits(creates_per_minute=5)
    limiter = RateLimiter(limits)
    limiter.on_429(30.0)
    copy = pickle.loads(pickle.dumps(limiter))
    assert copy.limits == limits
    assert copy.paused_for == 0.0  # state restarts in the other process

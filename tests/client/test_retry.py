"""Retry rules: pure decisions, and the same rules on the wire (MockTransport)."""

from __future__ import annotations

import httpx
import pytest

import replicate_ext
from replicate_ext._retry import (
    RetryPolicy,
    backoff_delay,
    is_retryable_error,
    is_retryable_status,
    retry_delay_for_error,
    retry_delay_for_status,
)

from .conftest import mock_async_client, mock_client, prediction_json

POLICY = RetryPolicy(max_retries=2)


# -- pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504, 599])
def test_idempotent_requests_retry_on_408_429_and_5xx(status: int) -> None:
    assert is_retryable_status(status, idempotent=True)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_never_retried(status: int) -> None:
    assert not is_retryable_status(status, idempotent=True)
    assert not is_retryable_status(status, idempotent=False)


def test_post_retries_on_429_only() -> None:
    assert is_retryable_status(429, idempotent=False)
    for status in (408, 500, 502, 503, 504):
        assert not is_retryable_status(status, idempotent=False)


def _request() -> httpx.Request:
    return httpx.Request("POST", "http://x/v1/predictions")


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused", request=_request()),
        httpx.ConnectTimeout("slow connect", request=_request()),
        httpx.PoolTimeout("pool", request=_request()),
    ],
)
def test_post_retries_when_the_request_never_left(error: Exception) -> None:
    assert is_retryable_error(error, idempotent=False)


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("read", request=_request()),
        httpx.WriteTimeout("write", request=_request()),
        httpx.ReadError("reset", request=_request()),
        httpx.RemoteProtocolError("disconnected", request=_request()),
    ],
)
def test_post_never_retries_once_the_request_may_have_arrived(error: Exception) -> None:
    assert not is_retryable_error(error, idempotent=False)
    assert is_retryable_error(error, idempotent=True)


def test_no_retry_left_means_give_up() -> None:
    assert retry_delay_for_status(503, retry_index=2, idempotent=True, policy=POLICY) is None
    error = httpx.ConnectError("x", request=_request())
    assert retry_delay_for_error(error, retry_index=2, idempotent=True, policy=POLICY) is None
    assert retry_delay_for_error(error, retry_index=1, idempotent=True, policy=POLICY) is not None


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    no_jitter = [backoff_delay(i, POLICY, rand=lambda: 0.0) for i in range(6)]
    assert no_jitter == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    full_jitter = backoff_delay(1, POLICY, rand=lambda: 1.0)
    assert full_jitter == pytest.approx(1.0 * (1 - POLICY.jitter))


def test_retry_after_is_honoured_and_capped_at_60s() -> None:
    assert backoff_delay(0, POLICY, retry_after=3.0) == 3.0
    assert backoff_delay(0, POLICY, retry_after=600.0) == 60.0
    assert backoff_delay(0, POLICY, retry_after=-5.0) == 0.0


# -- on the wire -----------------------------------------------------------------------------


def test_get_is_retried_on_503_then_succeeds(sleeps: list[float]) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) < 3:
            return httpx.Response(503, json={"detail": "busy"})
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler) as client:
        assert client.predictions.get("p1").id == "p1"
    assert calls == ["GET", "GET", "GET"]
    assert len(sleeps) == 2 and sleeps[0] < sleeps[1]


def test_get_gives_up_after_max_retries(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(500, json={"detail": "boom"})

    with (
        mock_client(handler, max_retries=3) as client,
        pytest.raises(replicate_ext.InternalServerError) as caught,
    ):
        client.predictions.get("p1")
    assert calls == 4
    assert caught.value.status == 500


def test_max_retries_zero_sends_once(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(503)

    with mock_client(handler, max_retries=0) as client, pytest.raises(replicate_ext.APIError):
        client.predictions.get("p1")
    assert calls == 1 and sleeps == []


def test_get_is_retried_on_connection_errors(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler) as client:
        assert client.predictions.get("p1").status == "starting"
    assert calls == 2


def test_post_create_is_not_retried_on_5xx(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(502, text="<html>bad gateway</html>")

    with mock_client(handler) as client, pytest.raises(replicate_ext.InternalServerError):
        client.predictions.create(model="demo/hello", input={})
    assert calls == 1


def test_post_create_is_not_retried_after_a_read_timeout(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ReadTimeout("timed out", request=request)

    with mock_client(handler) as client, pytest.raises(replicate_ext.APITimeoutError):
        client.predictions.create(model="demo/hello", input={})
    assert calls == 1


def test_post_create_is_retried_on_connect_error(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json=prediction_json())

    with mock_client(handler) as client:
        assert client.predictions.create(model="demo/hello", input={}).id == "p1"
    assert calls == 2


def test_post_create_is_retried_on_429_after_retry_after(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(
                429, headers={"Retry-After": "7"}, json={"detail": "Request was throttled."}
            )
        return httpx.Response(201, json=prediction_json())

    with mock_client(handler) as client:
        client.predictions.create(model="demo/hello", input={})
    assert calls == 2
    assert sleeps == [7.0]


def test_retry_after_in_body_is_used_and_huge_hints_are_capped(sleeps: list[float]) -> None:
    answers = [
        httpx.Response(429, json={"detail": "slow down", "retry_after": 2.5}),
        httpx.Response(429, headers={"Retry-After": "3600"}, json={"detail": "slow down"}),
        httpx.Response(200, json=prediction_json()),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    with mock_client(handler) as client:
        client.predictions.get("p1")
    # capped by the client's timeout (30 s by default): a hint may not hold a call longer
    assert sleeps == [2.5, 30.0]


def test_retry_after_is_capped_by_a_short_client_timeout(sleeps: list[float]) -> None:
    answers = [
        httpx.Response(503, headers={"Retry-After": "60"}, json={"detail": "busy"}),
        httpx.Response(200, json=prediction_json()),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    with mock_client(handler, timeout=4) as client:
        client.predictions.get("p1")
    assert sleeps == [4.0]


def test_rate_limit_error_carries_retry_after(sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "4"}, json={"detail": "throttled"})

    with (
        mock_client(handler, max_retries=1) as client,
        pytest.raises(replicate_ext.RateLimitError) as caught,
    ):
        client.predictions.get("p1")
    assert caught.value.retry_after == 4.0
    assert sleeps == [4.0]


def test_cancel_is_retried_like_an_idempotent_request(sleeps: list[float]) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            return httpx.Response(503)
        return httpx.Response(200, json=prediction_json(status="canceled"))

    with mock_client(handler) as client:
        assert client.predictions.cancel("p1").status == "canceled"
    assert calls == 2


async def test_async_retries_follow_the_same_rules(sleeps: list[float]) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if request.method == "GET" and len(calls) == 1:
            return httpx.Response(503)
        if request.method == "POST":
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json=prediction_json())

    async with mock_async_client(handler) as client:
        assert (await client.predictions.get("p1")).id == "p1"
        with pytest.raises(replicate_ext.APITimeoutError):
            await client.predictions.create(model="demo/hello", input={})
    assert calls == ["GET", "GET", "POST"]
    assert len(sleeps) == 1

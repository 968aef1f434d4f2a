"""``client.request``: any operation, including one without a wrapper, with the client's auth,
retries, timeouts and typed errors, for the sync and the async client (MockTransport)."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from replicate_api.api.models import readme_get
from replicate_api.api.predictions import cancel, get
from replicate_api.api.predictions import list as list_predictions

import replicate_ext
from replicate_ext import NotFoundError

from .conftest import TOKEN, mock_async_client, mock_client, prediction_json

BOTH = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
AnyClient = replicate_ext.Client | replicate_ext.AsyncClient


async def _run(call: Callable[[AnyClient], Any], client: AnyClient) -> Any:
    result = call(client)
    return await result if inspect.isawaitable(result) else result


def _client(is_async: bool, handler: Callable[[httpx.Request], httpx.Response]) -> AnyClient:
    return mock_async_client(handler) if is_async else mock_client(handler)


def _recording(
    seen: list[httpx.Request], answer: Callable[[httpx.Request], httpx.Response]
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return handler


@BOTH
async def test_method_and_path_with_params_json_headers_and_timeout(is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(is_async, _recording(seen, lambda r: httpx.Response(201, json={"ok": 1})))
    result = await _run(
        lambda c: c.request(
            "POST",
            "/predictions/p1/logs",
            params={"since": 3},
            json={"level": "debug"},
            headers={"X-Trace": "t"},
            timeout=4.0,
        ),
        client,
    )
    assert result == {"ok": 1}
    request = seen[0]
    assert request.method == "POST"
    assert str(request.url) == "http://api.test/v1/predictions/p1/logs?since=3"
    assert json.loads(request.content) == {"level": "debug"}
    assert request.headers["x-trace"] == "t"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.extensions["timeout"] == httpx.Timeout(4.0).as_dict()


@BOTH
async def test_a_built_request_is_sent_as_built(is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(is_async, _recording(seen, lambda r: httpx.Response(200, json={"n": 2})))
    built = list_predictions.build_request(source="web")
    assert await _run(lambda c: c.request(built), client) == {"n": 2}
    # keywords add to a built request, as extra_query / extra_headers do
    await _run(lambda c: c.request(built, params={"new": "x"}, headers={"X-A": "1"}), client)
    await _run(lambda c: c.request(cancel.build_request("p1"), json={"reason": "x"}), client)
    assert [(r.method, str(r.url)) for r in seen] == [
        ("GET", "http://api.test/v1/predictions?source=web"),
        ("GET", "http://api.test/v1/predictions?source=web&new=x"),
        ("POST", "http://api.test/v1/predictions/p1/cancel"),
    ]
    assert seen[1].headers["x-a"] == "1"
    assert json.loads(seen[2].content) == {"reason": "x"}
    assert built == {"method": "GET", "url": "/predictions", "params": {"source": "web"}}


@BOTH
async def test_empty_bodies_are_none_and_text_bodies_are_text(is_async: bool) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/readme"):
            return httpx.Response(200, text="# Hi")
        return httpx.Response(204)

    client = _client(is_async, answer)
    assert await _run(lambda c: c.request("DELETE", "/models/a/b"), client) is None
    assert await _run(lambda c: c.request(readme_get.build_request("a", "b")), client) == "# Hi"


@BOTH
async def test_errors_are_typed_and_get_is_retried(is_async: bool, sleeps: list[float]) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/missing"):
            return httpx.Response(404, json={"detail": "no such prediction"})
        if len(seen) == 1:
            return httpx.Response(503)
        return httpx.Response(200, json=prediction_json())

    client = _client(is_async, _recording(seen, answer))
    result = await _run(lambda c: c.request(get.build_request("p1")), client)
    assert result["id"] == "p1" and len(seen) == 2 and len(sleeps) == 1
    with pytest.raises(NotFoundError, match="no such prediction"):
        await _run(lambda c: c.request("GET", "/predictions/missing"), client)


@BOTH
async def test_with_raw_response_and_logging(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"a": 1}, headers={"x-ratelimit-remaining": "9"})

    client = _client(is_async, answer)
    with caplog.at_level(logging.DEBUG, logger="replicate_ext"):
        raw = await _run(lambda c: c.with_raw_response.request("GET", "/account"), client)
    assert raw.parse() == {"a": 1}
    assert raw.headers["x-ratelimit-remaining"] == "9"
    assert any("GET /v1/account -> 200" in message for message in caplog.messages)


@BOTH
async def test_malformed_calls_fail_before_any_request(is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(is_async, _recording(seen, lambda r: httpx.Response(200)))
    for call, match in (
        (lambda c: c.request({"method": "GET"}), "'method' and 'url'"),
        (lambda c: c.request({"method": "GET", "url": "/x", "bogus": 1}), "bogus"),
        (lambda c: c.request(get.build_request("p1"), "/other"), "alone"),
        (lambda c: c.request(cancel.build_request("p1"), json=[1]), "mapping"),
        (lambda c: c.request("GET"), "path"),
        (lambda c: c.request("", "/x"), "method"),
    ):
        with pytest.raises(TypeError, match=match):
            await _run(call, client)
    assert seen == []

"""Waiting on a prediction's event stream: ``done`` ends the wait at once; polling takes over
when the stream is missing, refused or keeps dropping; the deadline bounds the stream."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext.local.server import LocalServer

from .conftest import mock_async_client, mock_client, prediction_json

STREAM_URL = "http://api.test/v1/predictions/p1/stream"


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)


class AsyncCountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(f"{request.method} {request.url.path}")
        return await super().handle_async_request(request)


# demo/stream offers a stream URL; five words 0.2 s apart take ~1 s.
ONE_SECOND_STREAMING = {"prompt": "a b c d e", "delay": 0.2}


def _check_requests(seen: list[str]) -> None:
    assert len(seen) <= 4, seen
    assert seen[0].startswith("POST ")
    assert any(line.endswith("/stream") for line in seen)


def test_run_waits_on_the_stream_with_three_requests(local_server: LocalServer) -> None:
    transport = CountingTransport()
    with replicate_ext.Client(
        api_token=local_server.token, base_url=local_server.base_url, transport=transport
    ) as client:
        started = time.monotonic()
        output = client.run("demo/stream", input=ONE_SECOND_STREAMING, wait=False)
        took = time.monotonic() - started
    assert "".join(output) == "a b c d e"
    assert took >= 0.9  # it really waited for the model
    _check_requests(transport.seen)
    assert len(transport.seen) == 3  # create, stream, the final state


async def test_async_run_waits_on_the_stream(local_server: LocalServer) -> None:
    transport = AsyncCountingTransport()
    seen: list[str] = []
    async with replicate_ext.AsyncClient(
        api_token=local_server.token, base_url=local_server.base_url, transport=transport
    ) as client:
        output = await client.run(
            "demo/stream",
            input=ONE_SECOND_STREAMING,
            wait=False,
            on_update=lambda p: seen.append(p.status),
        )
    assert "".join(output) == "a b c d e"
    _check_requests(transport.seen)
    assert seen[0] in ("starting", "processing") and seen[-1] == "succeeded"


def test_a_failed_prediction_ends_the_stream_wait_with_its_state(
    local_server: LocalServer,
) -> None:
    transport = CountingTransport()
    with replicate_ext.Client(
        api_token=local_server.token, base_url=local_server.base_url, transport=transport
    ) as client:
        prediction = client.predictions.create(
            model="demo/fail", input={"message": "boom"}, stream=True
        )
        assert prediction.urls.stream
        done = client.predictions.wait(prediction, timeout=10)
    assert done.status == "failed"
    assert len(transport.seen) <= 3


class _Server:
    """Prediction p1 over MockTransport: GETs answer ``statuses`` in turn (the last repeats);
    the stream answers with ``stream``'s status and body."""

    def __init__(self, statuses: list[str], stream: tuple[int, bytes]) -> None:
        self.statuses = list(statuses)
        self.stream = stream
        self.requests: list[httpx.Request] = []

    def prediction(self, status: str) -> dict[str, Any]:
        urls = {"get": "http://api.test/v1/predictions/p1", "stream": STREAM_URL}
        output = "hello Ada" if status == "succeeded" else None
        return prediction_json(status=status, output=output, urls=urls)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("/stream"):
            code, body = self.stream
            return httpx.Response(code, content=body, headers={"content-type": "text/event-stream"})
        if request.method == "POST":
            return httpx.Response(201, json=self.prediction("starting"))
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return httpx.Response(200, json=self.prediction(status))

    def paths(self) -> list[str]:
        return [r.url.path.rsplit("/", 1)[-1] for r in self.requests]


def test_done_on_the_stream_costs_one_get() -> None:
    server = _Server(
        ["succeeded"], (200, b"event: output\nid: 1\ndata: hi\n\nevent: done\nid: 2\ndata: {}\n\n")
    )
    with mock_client(server) as client:
        assert client.run("demo/hello", input={}, wait=False) == "hello Ada"
    assert server.paths() == ["predictions", "stream", "p1"]
    assert server.requests[1].headers["accept"] == "text/event-stream"


def test_stream_slots_cap_the_connections_waits_hold() -> None:
    from replicate_ext._wait import DEFAULT_STREAM_WAITS, StreamSlots

    slots = StreamSlots(2)
    assert [slots.take(), slots.take(), slots.take()] == [True, True, False]
    slots.give_back()
    assert slots.take() and not slots.take()
    assert DEFAULT_STREAM_WAITS < 100  # the default pool's connections
    with pytest.raises(ValueError):
        StreamSlots(-1)


def test_without_a_free_stream_slot_the_wait_polls() -> None:
    from replicate_ext._wait import StreamSlots

    server = _Server(["processing", "succeeded"], (200, b"event: done\nid: 1\ndata: {}\n\n"))
    with mock_client(server) as client:
        client._client.stream_slots = StreamSlots(0)
        assert client.run("demo/hello", input={}, wait=False) == "hello Ada"
    assert server.paths() == ["predictions", "p1", "p1"]
    # With a slot, the same wait takes the stream and gives the slot back.
    server = _Server(["succeeded"], (200, b"event: done\nid: 1\ndata: {}\n\n"))
    with mock_client(server) as client:
        assert client.run("demo/hello", input={}, wait=False) == "hello Ada"
        assert client._client.stream_slots.in_use == 0
    assert server.paths() == ["predictions", "stream", "p1"]


def test_a_missing_stream_falls_back_to_polling() -> None:
    server = _Server(["processing", "processing", "succeeded"], (404, b'{"detail": "no"}'))
    with mock_client(server) as client:
        assert client.run("demo/hello", input={}, wait=False) == "hello Ada"
    assert server.paths() == ["predictions", "stream", "p1", "p1", "p1"]


async def test_async_a_missing_stream_falls_back_to_polling() -> None:
    server = _Server(["processing", "succeeded"], (404, b'{"detail": "no"}'))
    async with mock_async_client(server) as client:
        assert await client.run("demo/hello", input={}, wait=False) == "hello Ada"
    assert server.paths() == ["predictions", "stream", "p1", "p1"]


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_stream_that_keeps_dropping_falls_back_to_polling(use_async: bool) -> None:
    # Each connection delivers one event and ends without `done`: resumed twice (with
    # Last-Event-ID), then the wait polls instead.
    dropping = (200, b"retry: 10\nevent: logs\nid: 7\ndata: x\n\n")
    server = _Server(["processing", "processing", "succeeded"], dropping)
    if use_async:
        async with mock_async_client(server) as client:
            done = await client.predictions.wait("p1", timeout=10)
    else:
        with mock_client(server) as client:
            done = client.predictions.wait("p1", timeout=10)
    assert done.status == "succeeded"
    assert server.paths() == ["p1", "stream", "stream", "stream", "p1", "p1"]
    assert "last-event-id" not in server.requests[1].headers
    assert server.requests[2].headers["last-event-id"] == "7"


def test_a_cut_local_stream_is_resumed_until_done(
    local_server_factory: Any,
) -> None:
    from replicate_ext.local.faults import Fault

    server = local_server_factory(faults=[Fault.cut_stream(after_events=1, times=10)])
    with replicate_ext.Client(api_token=server.token, base_url=server.base_url) as client:
        output = client.run("demo/stream", input=ONE_SECOND_STREAMING, wait=False)
    assert "".join(output) == "a b c d e"


# --------------------------------------------------------------------------------------------
# The deadline bounds the stream: a stream that sends nothing, or only heartbeats


class _StallingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    heartbeat: float | None = None
    stop = threading.Event()

    def do_GET(self) -> None:
        if self.path.endswith("/stream"):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            self.wfile.flush()
            while not self.stop.wait(self.heartbeat or 0.05):
                if self.heartbeat is not None:
                    try:
                        self.wfile.write(b"9\r\n: ping\n\n\n\r\n")
                        self.wfile.flush()
                    except OSError:
                        return
            return
        host = f"http://{self.headers['host']}"
        urls = {"get": f"{host}/v1/predictions/p1", "stream": f"{host}/v1/predictions/p1/stream"}
        body = httpx.Response(200, json=prediction_json(status="processing", urls=urls)).content
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(params=[None, 0.1], ids=["silent", "heartbeats"])
def stalling_server(request: pytest.FixtureRequest) -> Iterator[str]:
    stop = threading.Event()
    handler = type("Handler", (_StallingHandler,), {"heartbeat": request.param, "stop": stop})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    stop.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_deadline_bounds_a_stalled_stream(stalling_server: str) -> None:
    with replicate_ext.Client(api_token="t", base_url=stalling_server) as client:
        started = time.monotonic()
        with pytest.raises(replicate_ext.WaitTimeoutError) as caught:
            client.predictions.wait("p1", timeout=1.0)
        took = time.monotonic() - started
    assert 1.0 <= took < 1.5
    assert caught.value.prediction.status == "processing"


async def test_async_the_deadline_bounds_a_stalled_stream(stalling_server: str) -> None:
    async with replicate_ext.AsyncClient(api_token="t", base_url=stalling_server) as client:
        started = time.monotonic()
        with pytest.raises(replicate_ext.WaitTimeoutError) as caught:
            await client.predictions.wait("p1", timeout=1.0)
        took = time.monotonic() - started
    assert 1.0 <= took < 1.5
    assert caught.value.prediction.status == "processing"

"""The fault matrix, sync and async, counted at the server: for every fault a run ends in
bounded time (no hang), every prediction the server created is known to the caller (no lost
id) and none is created twice (no duplicate).

The sync client runs in a worker thread so that both clients share one test body; a small
"proxy" transport fakes what a local server cannot: refused connections, HTML error pages and
malformed JSON.
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import anyio
import httpx
import pytest

import replicate_ext
from replicate_ext.local import Fault, LocalServer

# Every case must end well within this; the pytest timeout is the backstop.
BOUND = 8.0

Mangle = Callable[[httpx.Request], "httpx.Response | None"]


class ProxyTransport(httpx.HTTPTransport):
    """Forwards to the real server unless ``mangle`` answers (or raises) for a request."""

    def __init__(self, mangle: Mangle) -> None:
        super().__init__()
        self.mangle = mangle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.mangle(request) or super().handle_request(request)


class AsyncProxyTransport(httpx.AsyncHTTPTransport):
    def __init__(self, mangle: Mangle) -> None:
        super().__init__()
        self.mangle = mangle

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.mangle(request) or await super().handle_async_request(request)


class Driver(Protocol):
    async def run(self, ref: str, input: dict[str, Any], **options: Any) -> Any: ...
    async def stream_text(self, ref: str, input: dict[str, Any]) -> str: ...


class SyncDriver:
    def __init__(self, client: replicate_ext.Client) -> None:
        self.client = client

    async def run(self, ref: str, input: dict[str, Any], **options: Any) -> Any:
        call = functools.partial(self.client.run, ref, input, **options)
        return await anyio.to_thread.run_sync(call)

    async def stream_text(self, ref: str, input: dict[str, Any]) -> str:
        def collect() -> str:
            events = self.client.stream(ref, input)
            return "".join(str(e) for e in events if e.event == "output")

        return await anyio.to_thread.run_sync(collect)


class AsyncDriver:
    def __init__(self, client: replicate_ext.AsyncClient) -> None:
        self.client = client

    async def run(self, ref: str, input: dict[str, Any], **options: Any) -> Any:
        return await self.client.run(ref, input, **options)

    async def stream_text(self, ref: str, input: dict[str, Any]) -> str:
        parts = [str(e) async for e in self.client.stream(ref, input) if e.event == "output"]
        return "".join(parts)


MakeDriver = Callable[..., Driver]


@pytest.fixture(params=["sync", "async"])
async def make_driver(request: pytest.FixtureRequest) -> AsyncIterator[MakeDriver]:
    closers: list[Any] = []

    def make(server: LocalServer, mangle: Mangle | None = None, **options: Any) -> Driver:
        options = {"api_token": server.token, "base_url": server.base_url, **options}
        if request.param == "sync":
            sync = replicate_ext.Client(
                transport=ProxyTransport(mangle) if mangle else None, **options
            )
            closers.append(sync.close)
            return SyncDriver(sync)
        client = replicate_ext.AsyncClient(
            transport=AsyncProxyTransport(mangle) if mangle else None, **options
        )
        closers.append(client.close)
        return AsyncDriver(client)

    yield make
    for close in closers:
        result = close()
        if result is not None:
            await result


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


def created_ids(server: LocalServer) -> list[str]:
    """Every prediction the server holds (counted at the server, faults aside)."""
    pending = server.faults.pending()
    server.clear_faults()
    try:
        with httpx.Client(headers={"authorization": f"Bearer {server.token}"}) as api:
            body = api.get(f"{server.base_url}/predictions").json()
    finally:
        for rule in pending:
            server.inject(Fault.from_json(rule))
    return [item["id"] for item in body["results"]]


class Clock:
    def __enter__(self) -> Clock:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self.started
        assert self.elapsed < BOUND, f"took {self.elapsed:.1f}s"


def _on(method: str, path_part: str) -> Callable[[httpx.Request], bool]:
    return lambda request: request.method == method and path_part in request.url.path


def once(
    match: Callable[[httpx.Request], bool], answer: Callable[[httpx.Request], httpx.Response]
) -> Mangle:
    """A proxy that answers the first matching request itself, then forwards everything."""
    used: list[bool] = []

    def mangle(request: httpx.Request) -> httpx.Response | None:
        if not used and match(request):
            used.append(True)
            return answer(request)
        return None

    return mangle


# -- retryable statuses ------------------------------------------------------------------------


async def test_429_with_retry_after_then_success(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.status(429, retry_after=0.2, method="POST"))
    with Clock() as clock:
        output = await make_driver(server).run("demo/hello", {"name": "Ada"})
    assert output == "hello Ada"
    assert clock.elapsed >= 0.2  # the hint was honoured
    assert len(created_ids(server)) == 1


async def test_503_burst_on_a_create_is_not_retried(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.status(503, times=5, method="POST"))
    with Clock(), pytest.raises(replicate_ext.InternalServerError):
        await make_driver(server).run("demo/hello", {"name": "Ada"})
    assert created_ids(server) == []
    assert server.faults.pending()[0]["times"] == 4  # exactly one attempt


async def test_503_burst_on_polls_beyond_max_retries_keeps_the_id(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.status(503, times=50, method="GET"))
    driver = make_driver(server, max_retries=1)
    with Clock(), pytest.raises(replicate_ext.InternalServerError) as info:
        await driver.run("demo/sleep", {"seconds": 0.2}, wait=False)
    assert created_ids(server) == [info.value.prediction_id]


async def test_503_burst_within_max_retries_recovers(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.status(503, times=2, method="GET"))
    with Clock():
        output = await make_driver(server).run("demo/sleep", {"seconds": 0.1}, wait=False)
    assert output == "slept 0.1s"
    assert len(created_ids(server)) == 1


# -- connection resets and timeouts ------------------------------------------------------------


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


async def test_reset_before_the_create_is_sent_is_retried_once(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    driver = make_driver(server, once(_on("POST", "/predictions"), _refused))
    with Clock():
        assert await driver.run("demo/hello", {"name": "Ada"}) == "hello Ada"
    assert len(created_ids(server)) == 1


async def test_reset_after_the_create_is_sent_is_not_retried(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.reset(method="POST"))
    with Clock(), pytest.raises(replicate_ext.APIConnectionError, match="may have"):
        await make_driver(server).run("demo/hello", {"name": "Ada"})
    assert created_ids(server) == []  # the server dropped it before creating anything


async def test_resets_during_polls_are_retried(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.reset(method="GET", times=2))
    with Clock():
        output = await make_driver(server).run("demo/sleep", {"seconds": 0.1}, wait=False)
    assert output == "slept 0.1s"
    assert len(created_ids(server)) == 1


async def test_read_timeout_during_wait_is_retried(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.delay(3, method="GET"))
    driver = make_driver(server, timeout=0.5)
    with Clock():
        output = await driver.run("demo/sleep", {"seconds": 0.1}, wait=False)
    assert output == "slept 0.1s"
    assert len(created_ids(server)) == 1


async def test_read_timeout_on_a_create_is_never_retried_and_says_so(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    # The one ambiguous case: a server may go on to create the prediction after the client
    # gave up (this one notices the disconnect and does not). Without idempotency keys such an
    # id cannot reach the caller; the error says to check, and the create is not sent twice.
    server.inject(Fault.delay(1.0, method="POST"))
    driver = make_driver(server, timeout=0.3)
    with Clock(), pytest.raises(replicate_ext.APITimeoutError, match="may have taken effect"):
        await driver.run("demo/hello", {"name": "Ada"}, wait=False)
    await anyio.sleep(0.8)  # the delayed request has reached the server's handler
    assert len(created_ids(server)) <= 1


# -- streams and restarts ----------------------------------------------------------------------


async def test_sse_cut_mid_stream_resumes_without_loss_or_duplicates(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    server.inject(Fault.cut_stream(after_events=2, times=2))
    prompt = "one two three four five six"
    with Clock():
        text = await make_driver(server).stream_text("demo/stream", {"prompt": prompt})
    assert text == prompt
    assert server.faults.pending() == []  # both cuts happened
    assert len(created_ids(server)) == 1


async def test_server_restarted_with_db_during_wait(
    tmp_path: Path, make_driver: MakeDriver
) -> None:
    db = tmp_path / "state.sqlite"
    first = LocalServer(db=db, start_delay=1.0).start()
    port = first.port
    second: LocalServer | None = None
    try:
        driver = make_driver(first, max_retries=6)
        outcome: list[Any] = []

        async def run() -> None:
            try:
                outcome.append(await driver.run("demo/sleep", {"seconds": 0.2}, wait=False))
            except replicate_ext.ReplicateError as error:
                outcome.append(error)

        def restart() -> LocalServer:
            first.stop()
            return LocalServer(db=db, port=port or 0).start()

        with Clock():
            async with anyio.create_task_group() as group:
                group.start_soon(run)
                await anyio.sleep(0.4)  # the prediction is created and being polled
                second = await anyio.to_thread.run_sync(restart)
        assert second is not None
        ids = created_ids(second)
        assert len(ids) == 1
        (result,) = outcome
        if isinstance(result, replicate_ext.ReplicateError):
            # interrupted while running: it ends failed, and the error names it
            assert isinstance(result, replicate_ext.ModelError), repr(result)
            assert result.prediction_id == ids[0]
        else:
            assert result == "slept 0.2s"
    finally:
        first.stop()
        if second is not None:
            second.stop()


# -- what proxies say --------------------------------------------------------------------------

HTML_PAGE = b"<html><body><h1>502 Bad Gateway</h1></body></html>"


def _html_502(request: httpx.Request) -> httpx.Response:
    return httpx.Response(502, content=HTML_PAGE, headers={"content-type": "text/html"})


def _truncated_json(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=b'{"id": "', headers={"content-type": "application/json"})


async def test_html_error_page_on_a_poll_is_retried(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    driver = make_driver(server, once(_on("GET", "/predictions/"), _html_502))
    with Clock():
        assert await driver.run("demo/sleep", {"seconds": 0.1}, wait=False) == "slept 0.1s"
    assert len(created_ids(server)) == 1


async def test_html_error_page_instead_of_a_create_is_not_retried(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    driver = make_driver(server, once(_on("POST", "/predictions"), _html_502))
    with Clock(), pytest.raises(replicate_ext.InternalServerError, match="502"):
        await driver.run("demo/hello", {"name": "Ada"})
    assert created_ids(server) == []


async def test_malformed_json_on_a_poll_keeps_the_id(
    server: LocalServer, make_driver: MakeDriver
) -> None:
    driver = make_driver(server, once(_on("GET", "/predictions/"), _truncated_json))
    with Clock(), pytest.raises(replicate_ext.APIResponseDecodeError) as info:
        await driver.run("demo/sleep", {"seconds": 0.1}, wait=False)
    assert created_ids(server) == [info.value.prediction_id]

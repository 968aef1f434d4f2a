"""The async client's own connection pool (replicate_ext/_transport.py, _http11.py), over real
loopback sockets: reuse, limits, expiry, stale and half-read connections, cancellation, timeouts,
errors, early answers to uploads, TLS, and the event loop changing under a client."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import h11
import httpx
import pytest

import replicate_ext
from replicate_ext._transport import AsyncioTransport, async_transport
from replicate_ext.local import LocalServer

TLS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "tls"
BIG = 3 * 1024 * 1024


class ScriptedServer:
    """A tiny HTTP/1.1 server on 127.0.0.1 whose paths each behave one way:

    ``/ok`` answers "ok"; ``/close`` answers and closes; ``/slow?s=`` answers after s seconds;
    ``/hangup`` closes without answering; ``/big`` sends BIG bytes; ``/reject`` answers 413
    as soon as the head arrives and closes without reading the body; ``/echo`` returns the
    body's length.
    """

    def __init__(self) -> None:
        self.connections = 0
        self.open_now = 0
        self.most_open = 0
        self.requests = 0
        self.alpn: list[str | None] = []  # the protocol each TLS connection negotiated
        self._writers: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self, ssl_context: ssl.SSLContext | None = None) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=ssl_context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def close_idle(self) -> None:
        """Close every connection from the server side (as a server's keep-alive timeout)."""
        for writer in self._writers:
            writer.close()

    async def stop(self) -> None:
        assert self._server is not None
        self.close_idle()
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        self._writers.append(writer)
        tls = writer.get_extra_info("ssl_object")
        if tls is not None:
            self.alpn.append(tls.selected_alpn_protocol())
        protocol = h11.Connection(h11.SERVER)
        try:
            while True:
                request, body = await self._read_request(protocol, reader, writer)
                if request is None:
                    return
                self.requests += 1
                if not await self._answer(protocol, request, body, writer):
                    return
                protocol.start_next_cycle()
        except (ConnectionError, h11.ProtocolError):
            return
        finally:
            self.open_now -= 1
            writer.close()

    async def _read_request(
        self, protocol: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[h11.Request | None, bytes]:
        request: h11.Request | None = None
        body = b""
        while True:
            event = protocol.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                protocol.receive_data(data)
                if not data:
                    return None, b""
            elif isinstance(event, h11.Request):
                request = event
                if event.target.startswith(b"/reject"):
                    return request, b""  # answered without reading the body
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                return request, body
            else:
                return None, b""

    async def _answer(
        self,
        protocol: h11.Connection,
        request: h11.Request,
        body: bytes,
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Writes the answer; False when the connection is to close."""
        url = urlsplit(request.target.decode())
        if url.path == "/hangup":
            return False
        if url.path == "/slow":
            await asyncio.sleep(float(parse_qs(url.query)["s"][0]))
        if url.path == "/reject":
            writer.write(_response(protocol, 413, b"too large", close=True))
            await writer.drain()
            return False
        if url.path == "/big":
            head = h11.Response(status_code=200, headers=[("content-length", str(BIG))])
            writer.write(protocol.send(head) or b"")
            chunk = b"x" * 65536
            for _ in range(BIG // len(chunk)):
                writer.write(protocol.send(h11.Data(data=chunk)) or b"")
                await writer.drain()
            writer.write(protocol.send(h11.EndOfMessage()) or b"")
            return True
        content = str(len(body)).encode() if url.path == "/echo" else b"ok"
        close = url.path == "/close"
        writer.write(_response(protocol, 200, content, close=close))
        await writer.drain()
        return not close


def _response(protocol: h11.Connection, status: int, content: bytes, *, close: bool) -> bytes:
    headers = [("content-length", str(len(content)))]
    if close:
        headers.append(("connection", "close"))
    return b"".join(
        protocol.send(event) or b""
        for event in (
            h11.Response(status_code=status, headers=headers),
            h11.Data(data=content),
            h11.EndOfMessage(),
        )
    )


@contextlib.asynccontextmanager
async def serving(
    limits: httpx.Limits | None = None, **server_options: ssl.SSLContext
) -> AsyncIterator[tuple[ScriptedServer, httpx.AsyncClient]]:
    server = await ScriptedServer().start(**server_options)
    limits = limits or httpx.Limits(max_connections=10, max_keepalive_connections=5)
    client = httpx.AsyncClient(transport=async_transport(limits), timeout=5)
    try:
        yield server, client
    finally:
        await client.aclose()
        await server.stop()


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), timeout=30))


def test_sequential_requests_share_one_connection() -> None:
    async def scenario() -> None:
        async with serving() as (server, client):
            for _ in range(5):
                response = await client.get(server.url("/ok"))
                assert (response.status_code, response.text) == (200, "ok")
            assert (server.connections, server.requests) == (1, 5)

    run(scenario)


def test_concurrent_requests_stay_within_max_connections() -> None:
    async def scenario() -> None:
        limits = httpx.Limits(max_connections=3, max_keepalive_connections=3)
        async with serving(limits) as (server, client):
            responses = await asyncio.gather(
                *(client.get(server.url("/slow?s=0.05")) for _ in range(9))
            )
            assert [r.text for r in responses] == ["ok"] * 9
            assert server.most_open == 3
            assert server.connections == 3  # the waiting requests reused freed connections

    run(scenario)


def test_a_request_waits_for_a_free_connection_up_to_the_pool_timeout() -> None:
    async def scenario() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with serving(limits) as (server, client):
            slow = asyncio.create_task(client.get(server.url("/slow?s=0.5")))
            await asyncio.sleep(0.1)
            with pytest.raises(httpx.PoolTimeout):
                await client.get(server.url("/ok"), timeout=httpx.Timeout(5, pool=0.1))
            assert (await slow).text == "ok"
            assert (await client.get(server.url("/ok"))).text == "ok"

    run(scenario)


def test_idle_connections_beyond_the_keepalive_limit_are_closed() -> None:
    async def scenario() -> None:
        limits = httpx.Limits(max_connections=10, max_keepalive_connections=0)
        async with serving(limits) as (server, client):
            for _ in range(3):
                assert (await client.get(server.url("/ok"))).text == "ok"
            assert server.connections == 3

    run(scenario)


def test_idle_connections_expire() -> None:
    async def scenario() -> None:
        limits = httpx.Limits(max_connections=10, keepalive_expiry=0.05)
        async with serving(limits) as (server, client):
            await client.get(server.url("/ok"))
            await asyncio.sleep(0.15)
            await client.get(server.url("/ok"))
            assert server.connections == 2

    run(scenario)


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async def scenario() -> None:
        async with serving() as (server, client):
            await client.get(server.url("/ok"))
            server.close_idle()
            await asyncio.sleep(0.05)  # the end of stream reaches the client
            assert (await client.get(server.url("/ok"))).text == "ok"
            assert server.connections == 2

    run(scenario)


def test_connection_close_from_the_server_is_honoured() -> None:
    async def scenario() -> None:
        async with serving() as (server, client):
            assert (await client.get(server.url("/close"))).text == "ok"
            assert (await client.get(server.url("/ok"))).text == "ok"
            assert server.connections == 2

    run(scenario)


def test_a_response_closed_before_its_end_gives_its_connection_back() -> None:
    async def scenario() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with serving(limits) as (server, client):
            async with client.stream("GET", server.url("/big")) as response:
                first = await response.aiter_bytes().__anext__()
                assert first
            # the unread rest makes the connection unusable: it is closed, its slot freed
            assert (await client.get(server.url("/ok"))).text == "ok"
            assert server.connections == 2

    run(scenario)


def test_a_large_body_streams_through_in_chunks() -> None:
    async def scenario() -> None:
        async with serving() as (server, client):
            total, chunks = 0, 0
            async with client.stream("GET", server.url("/big")) as response:
                async for chunk in response.aiter_raw():
                    total += len(chunk)
                    chunks += 1
                    assert len(chunk) <= 64 * 1024
            assert total == BIG
            assert chunks >= BIG // (64 * 1024)
            # read to its end, the connection carries the next request
            assert (await client.get(server.url("/ok"))).text == "ok"
            assert server.connections == 1

    run(scenario)


def test_a_large_upload_goes_out_whole() -> None:
    async def scenario() -> None:
        async with serving() as (server, client):
            response = await client.post(server.url("/echo"), content=b"u" * BIG)
            assert response.text == str(BIG)

    run(scenario)


def test_a_streamed_upload_goes_out_chunked() -> None:
    async def parts() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"c" * 100_000

    async def scenario() -> None:
        async with serving() as (server, client):
            response = await client.post(server.url("/echo"), content=parts())
            assert response.text == str(40 * 100_000)
            assert (await client.get(server.url("/ok"))).text == "ok"
            assert server.connections == 1

    run(scenario)


def test_a_cancelled_request_frees_its_connection_slot() -> None:
    async def scenario() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with serving(limits) as (server, client):
            slow = asyncio.create_task(client.get(server.url("/slow?s=5")))
            await asyncio.sleep(0.1)
            slow.cancel()
            with pytest.raises(asyncio.CancelledError):
                await slow
            response = await client.get(server.url("/ok"), timeout=httpx.Timeout(5, pool=1))
            assert response.text == "ok"

    run(scenario)


def test_timeouts_and_failures_raise_httpx_errors() -> None:
    async def scenario() -> None:
        async with serving() as (server, client):
            with pytest.raises(httpx.ReadTimeout):
                await client.get(server.url("/slow?s=2"), timeout=0.1)
            with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
                await client.get(server.url("/hangup"))
            port = server.port
        # the server is gone: nothing listens on its port
        async with httpx.AsyncClient(transport=async_transport(httpx.Limits())) as client:
            with pytest.raises(httpx.ConnectError):
                await client.get(f"http://127.0.0.1:{port}/ok")
            with pytest.raises(httpx.UnsupportedProtocol):
                await client.get("ftp://127.0.0.1/ok")

    run(scenario)


def test_a_server_refusing_an_upload_early_is_heard() -> None:
    async def scenario() -> None:
        async with serving() as (server, client):
            response = await client.post(server.url("/reject"), content=b"u" * (8 * BIG))
            assert response.status_code == 413
            assert response.text == "too large"

    run(scenario)


def test_https_verifies_the_server_certificate(monkeypatch: pytest.MonkeyPatch) -> None:
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(TLS_DIR / "cert.pem", TLS_DIR / "key.pem")
    server_context.set_alpn_protocols(["h2", "http/1.1"])

    async def untrusted() -> None:
        async with serving(ssl_context=server_context) as (server, client):
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await client.get(server.url("/ok", scheme="https"))

    run(untrusted)

    # trusted the way httpx trusts a certificate authority from the environment
    monkeypatch.setenv("SSL_CERT_FILE", str(TLS_DIR / "cert.pem"))

    async def trusted() -> None:
        async with serving(ssl_context=server_context) as (server, client):
            for _ in range(2):
                response = await client.get(server.url("/ok", scheme="https"))
                assert (response.text, response.http_version) == ("ok", "HTTP/1.1")
            assert server.connections == 1
            assert server.alpn == ["http/1.1"]  # offered as the only protocol

    run(trusted)


def test_a_client_outlives_its_event_loop(local_server: LocalServer) -> None:
    """A connection left idle by one asyncio.run is not reused by the next one's loop."""
    client = replicate_ext.AsyncClient(api_token=local_server.token, base_url=local_server.base_url)

    async def one_run() -> object:
        return await client.run("demo/hello", input={"name": "loop"})

    assert asyncio.run(one_run()) == "hello loop"
    assert asyncio.run(one_run()) == "hello loop"
    asyncio.run(client.close())


def test_the_async_client_builds_its_pool_on_this_transport(local_server: LocalServer) -> None:
    async def scenario() -> None:
        async with replicate_ext.AsyncClient(
            api_token=local_server.token, base_url=local_server.base_url
        ) as client:
            transport = client._client._http._transport  # what httpx sends through
            assert isinstance(transport, AsyncioTransport)
            assert await client.run("demo/hello", input={"name": "pool"}) == "hello pool"

    run(scenario)


def test_proxies_from_the_environment_are_still_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx applies environment proxies only to transports it builds: with one set, the
    async client leaves its pool to httpx, and requests go through the proxy."""

    async def scenario() -> None:
        proxy = await ScriptedServer().start()
        monkeypatch.setenv("HTTP_PROXY", proxy.url(""))
        try:
            async with replicate_ext.AsyncClient(
                api_token="r8_test", base_url="http://replicate.invalid/v1"
            ) as client:
                http = client._client._http
                assert not isinstance(http._transport, AsyncioTransport)
                # replicate.invalid does not resolve: only the proxy can answer
                response = await http.get("http://replicate.invalid/ok")
                assert (response.text, proxy.requests) == ("ok", 1)
        finally:
            await proxy.stop()

    run(scenario)


def test_other_event_loops_go_through_httpx_transport(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under trio (no asyncio loop running) requests take httpx's own async transport; here
    the check for a running asyncio loop is made to say no."""
    import replicate_ext._transport as transport_module

    async def scenario() -> None:
        async with serving() as (server, client):
            monkeypatch.setattr(transport_module, "_on_asyncio", lambda: False)
            assert (await client.get(server.url("/ok"))).text == "ok"
            pool = client._transport
            assert isinstance(pool, AsyncioTransport)
            assert pool._fallback is not None and pool._open == 0
            assert server.requests == 1

    run(scenario)


def test_a_slow_reader_holds_back_the_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bytes waiting to be read stay bounded: the socket stops being read while they pile up
    (so a large download read slowly does not fill memory)."""
    from replicate_ext import _socket_protocol

    most_buffered = 0
    received = _socket_protocol.SocketProtocol.data_received

    def recording(protocol: _socket_protocol.SocketProtocol, data: bytes) -> None:
        nonlocal most_buffered
        received(protocol, data)
        most_buffered = max(most_buffered, len(protocol._buffer))

    monkeypatch.setattr(_socket_protocol.SocketProtocol, "data_received", recording)

    async def scenario() -> None:
        async with serving() as (server, client):
            total = 0
            async with client.stream("GET", server.url("/big")) as response:
                async for chunk in response.aiter_raw():
                    total += len(chunk)
                    await asyncio.sleep(0.002)  # slower than loopback delivers
            assert total == BIG

    run(scenario)
    assert 0 < most_buffered < 1024 * 1024  # of BIG = 3 MiB sent as fast as it can go

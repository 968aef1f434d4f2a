"""The transports the clients build for themselves when not given an ``http_client``.

The sync client uses httpx's own transport. The async client uses :class:`AsyncioTransport`,
a small HTTP/1.1 connection pool on asyncio: one connection is ``_http11.py``, and opening one
(shared DNS lookups, Happy Eyeballs) is ``_connect.py``. httpx's async transport goes through
httpcore 1.0, whose pool rescans every connection and queued request whenever a request starts
or ends (quadratic in the requests in flight) and which, without ``sniffio`` installed (anyio
no longer pulls it in), retries a failed ``import sniffio`` for every lock, event and
cancellation shield it sets up. On 200 concurrent held creates those two cost about half of
the client's CPU time, and the creates leave that much later (docs/benchmarks.md,
"Concurrency beyond the connection pool").

What it does not do, it leaves to httpx's transport: with proxies set in the environment the
client uses httpx's transport throughout; under an event loop other than asyncio (trio)
requests go through ``httpx.AsyncHTTPTransport``; HTTP/2 needs an ``http_client`` of your own.
"""

from __future__ import annotations

import asyncio
import collections
import ssl
import time
from collections.abc import AsyncIterator
from urllib.request import getproxies

import httpx

from ._connect import Connector
from ._http11 import Http11Connection, Origin

__all__ = ["AsyncioTransport", "async_transport", "sync_transport"]

_DEFAULT_PORTS = {b"http": 80, b"https": 443}


def sync_transport(limits: httpx.Limits) -> httpx.HTTPTransport | None:
    """httpx's own transport for the sync client (the sync twin of :func:`async_transport`);
    None with proxies set in the environment, which httpx applies to what it builds itself."""
    if getproxies():
        return None
    return httpx.HTTPTransport(limits=limits)


def async_transport(limits: httpx.Limits) -> AsyncioTransport | None:
    """The async client's own transport; None (httpx's, built from ``limits``) when proxies are
    set in the environment, because httpx only applies those to the transports it builds."""
    if getproxies():
        return None
    return AsyncioTransport(limits)


class AsyncioTransport(httpx.AsyncBaseTransport):
    """An HTTP/1.1 connection pool for asyncio, within httpx's :class:`httpx.Limits`.

    At most ``max_connections`` connections are open; a request beyond them waits for one (the
    ``pool`` timeout). At most ``max_keepalive_connections`` idle ones are kept, each for
    ``keepalive_expiry`` seconds; the most recently used is reused first.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._max_connections = limits.max_connections or 2**31
        self._max_idle = limits.max_keepalive_connections or 0
        if limits.max_keepalive_connections is None:
            self._max_idle = self._max_connections
        self._idle_expiry = limits.keepalive_expiry
        self._ssl_context: ssl.SSLContext | None = None  # built on first use (~20 ms)
        self._connector = Connector()
        self._idle: collections.deque[Http11Connection] = collections.deque()
        self._open = 0
        # requests waiting for a connection (with every slot taken), oldest first
        self._waiters: collections.deque[tuple[Origin, asyncio.Future[Http11Connection | None]]] = (
            collections.deque()
        )
        self._fallback: httpx.AsyncHTTPTransport | None = None
        self._closed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("the transport is closed")
        if not _on_asyncio():
            return await self._fallback_transport().handle_async_request(request)
        url = request.url
        if url.raw_scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(
                f"unsupported URL scheme {url.scheme!r}", request=request
            )
        origin: Origin = (url.raw_scheme, url.raw_host, url.port or _DEFAULT_PORTS[url.raw_scheme])
        connection = await self._connection_for(origin, request)
        try:
            head = await connection.send(request)
        except BaseException:
            self.discard(connection)
            raise
        return httpx.Response(
            head.status_code,
            headers=head.headers.raw_items(),
            stream=_ResponseBody(self, connection),
            extensions={"http_version": b"HTTP/" + head.http_version, "reason_phrase": head.reason},
        )

    async def aclose(self) -> None:
        self._closed = True
        while self._idle:
            self.discard(self._idle.pop())
        if self._fallback is not None:
            await self._fallback.aclose()

    # --- connections --------------------------------------------------------------------------

    async def _connection_for(self, origin: Origin, request: httpx.Request) -> Http11Connection:
        """An idle connection to ``origin``, a new one, or (with every slot taken) the first
        one handed over by a finished request, or a slot, within the pool timeout."""
        connection = self._reuse(origin)
        if connection is not None:
            return connection
        if self._open < self._max_connections:
            self._open += 1
        elif self._idle:  # an idle connection to another origin gives us its slot
            self._idle.popleft().close()
        else:
            handed = await self._wait_for_slot(origin, request)
            if handed is not None:
                return handed
        try:
            tls = self._tls_context() if origin[0] == b"https" else None
            return await Http11Connection.open(origin, tls, request, self._connector)
        except BaseException:
            self._give_back_slot()
            raise

    async def _wait_for_slot(
        self, origin: Origin, request: httpx.Request
    ) -> Http11Connection | None:
        waiter: asyncio.Future[Http11Connection | None]
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append((origin, waiter))
        timeouts = request.extensions.get("timeout", {})
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                return await waiter
        except TimeoutError:
            raise httpx.PoolTimeout("no connection became free in time", request=request) from None
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                # handed over just as we gave up: pass it on
                handed = waiter.result()
                if handed is None:
                    self._give_back_slot()
                else:
                    self._keep(handed)
            raise

    def _reuse(self, origin: Origin) -> Http11Connection | None:
        """The most recently used idle connection to ``origin`` that can still be used."""
        self._drop_expired()
        while True:
            connection = next((c for c in reversed(self._idle) if c.origin == origin), None)
            if connection is None:
                return None
            self._idle.remove(connection)
            if connection.is_reusable():
                return connection
            self.discard(connection)

    def release(self, connection: Http11Connection) -> None:
        """A response was read to its end: the connection carries the next request."""
        if self._closed or not connection.finish() or not connection.is_reusable():
            self.discard(connection)
            return
        self._keep(connection)

    def _keep(self, connection: Http11Connection) -> None:
        # a request waiting for this origin takes it; one waiting for another origin takes its
        # slot; otherwise it stays idle unless enough already are
        for index, (origin, waiter) in enumerate(self._waiters):
            if origin == connection.origin and not waiter.done():
                del self._waiters[index]
                waiter.set_result(connection)
                return
        if any(not waiter.done() for _, waiter in self._waiters):
            self.discard(connection)
        elif len(self._idle) < self._max_idle:
            self._idle.append(connection)
        else:
            self.discard(connection)

    def discard(self, connection: Http11Connection) -> None:
        """Close a connection and free its slot."""
        connection.close()
        self._give_back_slot()

    def _give_back_slot(self) -> None:
        while self._waiters:
            _, waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._open -= 1

    def _drop_expired(self) -> None:
        if self._idle_expiry is None:
            return
        now = time.monotonic()
        while self._idle and now - self._idle[0].idle_since > self._idle_expiry:
            self.discard(self._idle.popleft())

    def _tls_context(self) -> ssl.SSLContext:
        """TLS settings as httpx's defaults (certifi, or SSL_CERT_FILE / SSL_CERT_DIR)."""
        if self._ssl_context is None:
            context = httpx.create_ssl_context()
            context.set_alpn_protocols(["http/1.1"])  # as httpcore offers without HTTP/2
            self._ssl_context = context
        return self._ssl_context

    def _fallback_transport(self) -> httpx.AsyncHTTPTransport:
        if self._fallback is None:
            self._fallback = httpx.AsyncHTTPTransport(
                verify=self._tls_context(), limits=self._limits
            )
        return self._fallback


class _ResponseBody(httpx.AsyncByteStream):
    """A response's body; closing it returns the connection to the pool, or closes it when
    the body was not read to its end."""

    def __init__(self, pool: AsyncioTransport, connection: Http11Connection) -> None:
        self._pool = pool
        self._connection: Http11Connection | None = connection
        self._complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            raise httpx.StreamClosed()
        try:
            async for chunk in connection.iter_body():
                yield chunk
        except BaseException:
            await self.aclose()
            raise
        self._complete = True

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if self._complete:
            self._pool.release(connection)
        else:
            self._pool.discard(connection)


def _on_asyncio() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True

"""One HTTP/1.1 connection on an asyncio socket, spoken with h11 (the pool is in _transport.py;
the byte stream in _socket_protocol.py).

Failures surface as httpx's exceptions (``ConnectError``, ``ReadTimeout``, ...), as they would
through httpx's own transport, so the retry rules see no difference.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Iterator

import h11
import httpx

from ._connect import Connector
from ._socket_protocol import SocketProtocol

__all__ = ["Http11Connection", "Origin"]

# (scheme, host, port), the key connections are pooled by.
Origin = tuple[bytes, bytes, int]

_READ_BYTES = 64 * 1024
_MAX_HEAD_BYTES = 100 * 1024  # a response head larger than this is a protocol error
# Request bytes are written in one piece up to this size (one segment for the usual request,
# instead of one for the head and one for the body), in slices of it beyond.
_WRITE_CHUNK_BYTES = 64 * 1024


@contextlib.contextmanager
def _mapped(
    request: httpx.Request,
    timeout_error: type[httpx.TimeoutException],
    network_error: type[httpx.NetworkError],
) -> Iterator[None]:
    try:
        yield
    except TimeoutError as error:
        raise timeout_error(str(error) or "timed out", request=request) from error
    except (OSError, EOFError, ssl.SSLError) as error:
        raise network_error(str(error) or type(error).__name__, request=request) from error
    except h11.RemoteProtocolError as error:
        raise httpx.RemoteProtocolError(str(error), request=request) from error
    except h11.LocalProtocolError as error:
        raise httpx.LocalProtocolError(str(error), request=request) from error


class Http11Connection:
    """A connection to one origin, carrying one request at a time."""

    def __init__(
        self, origin: Origin, transport: asyncio.Transport, stream: SocketProtocol
    ) -> None:
        self.origin = origin
        self.loop = asyncio.get_running_loop()
        self.idle_since = 0.0
        self._transport = transport
        self._stream = stream
        self._h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD_BYTES)
        self._request: httpx.Request | None = None

    @classmethod
    async def open(
        cls,
        origin: Origin,
        tls: ssl.SSLContext | None,
        request: httpx.Request,
        connector: Connector,
    ) -> Http11Connection:
        """Connect (and with ``tls``, handshake) within the request's connect timeout."""
        _, host, port = origin
        with _mapped(request, httpx.ConnectTimeout, httpx.ConnectError):
            async with asyncio.timeout(_timeout(request, "connect")):
                transport, stream = await connector.open(host.decode("ascii"), port, tls)
        return cls(origin, transport, stream)

    def is_reusable(self) -> bool:
        """Whether an idle connection can carry another request: the server may have closed
        it (seen as end of stream) since, and a socket belongs to one event loop."""
        return not (
            self._stream.at_eof
            or self._transport.is_closing()
            or self.loop is not asyncio.get_running_loop()
        )

    async def send(self, request: httpx.Request) -> h11.Response:
        """Send the request; returns the response head (the body follows in iter_body)."""
        self._request = request
        write_error: httpx.WriteError | None = None
        try:
            await self._send_request(request)
        except httpx.WriteError as error:
            # a server may answer before reading the whole body (413) and then close: its
            # response tells more than the broken pipe, so try to read it
            write_error = error
        try:
            while True:
                event = await self._next_event()
                if isinstance(event, h11.Response):
                    return event
                if not isinstance(event, h11.InformationalResponse):
                    raise httpx.RemoteProtocolError(
                        f"unexpected {type(event).__name__} before the response", request=request
                    )
        except httpx.TransportError:
            if write_error is not None:
                raise write_error from None
            raise

    async def iter_body(self) -> AsyncIterator[bytes]:
        """The response body, chunk by chunk, until its end."""
        while True:
            event = await self._next_event()
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return
            else:
                raise httpx.RemoteProtocolError(
                    f"unexpected {type(event).__name__} in the response body",
                    request=self._current_request(),
                )

    def finish(self) -> bool:
        """After a complete response: make ready for the next request; False if the
        connection cannot carry one (either side asked to close)."""
        if self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE:
            self._h11.start_next_cycle()
            self._request = None
            self.idle_since = time.monotonic()
            return True
        return False

    def close(self) -> None:
        # Not waiting for the close to complete: a peer that stops reading must not hang us.
        # A connection left idle when its event loop closed cannot be closed through that
        # loop any more; its socket is closed when the transport is collected.
        with contextlib.suppress(RuntimeError):
            self._transport.close()

    async def _send_request(self, request: httpx.Request) -> None:
        target = request.url.raw_path
        head = h11.Request(method=request.method, target=target, headers=request.headers.raw)
        pending = [self._h11_send(head, request)]
        size = len(pending[0])
        stream = request.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        async for chunk in stream:
            if not chunk:
                continue
            data = self._h11_send(h11.Data(data=chunk), request)
            pending.append(data)
            size += len(data)
            if size >= _WRITE_CHUNK_BYTES:
                await self._write(b"".join(pending), request)
                pending, size = [], 0
        pending.append(self._h11_send(h11.EndOfMessage(), request))
        await self._write(b"".join(pending), request)

    def _h11_send(self, event: h11.Event, request: httpx.Request) -> bytes:
        with _mapped(request, httpx.WriteTimeout, httpx.WriteError):
            return self._h11.send(event) or b""

    async def _write(self, data: bytes, request: httpx.Request) -> None:
        if not data:
            return
        with _mapped(request, httpx.WriteTimeout, httpx.WriteError):
            if self._transport.is_closing():
                raise ConnectionResetError("the connection is closed")
            self._transport.write(data)
            # drain() returns at once unless the peer reads slowly: memory stays bounded
            async with asyncio.timeout(_timeout(request, "write")):
                await self._stream.drain()

    async def _next_event(self) -> h11.Event | type[h11.PAUSED]:
        request = self._current_request()
        while True:
            with _mapped(request, httpx.ReadTimeout, httpx.ReadError):
                event = self._h11.next_event()
                if not isinstance(event, type) or event is h11.PAUSED:
                    return event
                async with asyncio.timeout(_timeout(request, "read")):
                    data = await self._stream.read(_READ_BYTES)
                if not data and self._h11.their_state is h11.SEND_RESPONSE:
                    raise httpx.RemoteProtocolError(
                        "Server disconnected without sending a response.", request=request
                    )
                self._h11.receive_data(data)

    def _current_request(self) -> httpx.Request:
        if self._request is None:
            raise RuntimeError("no request in flight on this connection")
        return self._request


def _timeout(request: httpx.Request, kind: str) -> float | None:
    timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
    return timeouts.get(kind)

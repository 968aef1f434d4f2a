"""The byte stream under one HTTP/1.1 connection: an asyncio protocol with a read buffer.

Unlike asyncio's StreamReader, bytes that arrived before a connection reset are still read
before the reset is reported: a server that answers an upload early (413) and then closes
with the body unread resets the connection, and its answer must not be lost with it.
Both directions are flow-controlled: reading pauses while ``_PAUSE_READING_AT`` bytes wait to
be read, and :meth:`drain` waits while the transport's write buffer is full.
"""

from __future__ import annotations

import asyncio

__all__ = ["SocketProtocol"]

_PAUSE_READING_AT = 256 * 1024


class SocketProtocol(asyncio.Protocol):
    """Buffers what arrives; :meth:`read` and :meth:`drain` wait for the loop's callbacks."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._eof = False
        self._error: BaseException | None = None
        self._reading_paused = False
        self._data_waiter: asyncio.Future[None] | None = None
        self._writing_paused = False
        self._drain_waiter: asyncio.Future[None] | None = None

    # --- called by the event loop --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= _PAUSE_READING_AT and not self._reading_paused:
            self._reading_paused = True
            assert self.transport is not None
            self.transport.pause_reading()
        _wake(self._data_waiter)

    def eof_received(self) -> bool:
        self._eof = True
        _wake(self._data_waiter)
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._error = exc
        _wake(self._data_waiter)
        _wake(self._drain_waiter)

    def pause_writing(self) -> None:
        self._writing_paused = True

    def resume_writing(self) -> None:
        self._writing_paused = False
        _wake(self._drain_waiter)

    # --- used by the connection ----------------------------------------------------------------

    @property
    def at_eof(self) -> bool:
        """Nothing left to read, and the peer closed (or the connection failed)."""
        return self._eof and not self._buffer

    async def read(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` bytes; b"" at the end of the stream; the connection's error
        once every byte that came before it was read."""
        while not self._buffer and not self._eof:
            self._data_waiter = asyncio.get_running_loop().create_future()
            try:
                await self._data_waiter
            finally:
                self._data_waiter = None
        if not self._buffer:
            if self._error is not None:
                raise self._error
            return b""
        data = bytes(self._buffer[:max_bytes])
        del self._buffer[:max_bytes]
        if self._reading_paused and len(self._buffer) < _PAUSE_READING_AT // 2:
            self._reading_paused = False
            assert self.transport is not None
            self.transport.resume_reading()
        return data

    async def drain(self) -> None:
        """Return once the transport takes more data (at once, unless the peer reads slowly)."""
        if self._error is not None:
            raise self._error
        if self._eof and self.transport is not None and self.transport.is_closing():
            raise ConnectionResetError("connection lost")
        while self._writing_paused and self._error is None:
            self._drain_waiter = asyncio.get_running_loop().create_future()
            try:
                await self._drain_waiter
            finally:
                self._drain_waiter = None
        if self._error is not None:
            raise self._error


def _wake(waiter: asyncio.Future[None] | None) -> None:
    if waiter is not None and not waiter.done():
        waiter.set_result(None)

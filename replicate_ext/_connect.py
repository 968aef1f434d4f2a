"""Opening the async pool's connections: one DNS lookup per host at a time, remembered for a
few seconds, then Happy Eyeballs (RFC 8305) over the addresses it gave.

asyncio's ``create_connection`` looks the host name up again for every connection, in the
event loop's default executor (a handful of threads): a burst of hundreds of new connections
to one host queued as many lookups. As aiohttp does, concurrent connections to a host share
one lookup and its answer is reused for :data:`REMEMBER_ADDRESSES` seconds.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ._socket_protocol import SocketProtocol

__all__ = ["Connector"]

REMEMBER_ADDRESSES = 10.0
# RFC 8305: the next address is tried 250 ms after the previous one, or as soon as it fails.
NEXT_ATTEMPT_AFTER = 0.25

Address = tuple[int, Any]  # (address family, socket address)
Lookup = Callable[[str, int], Awaitable[list[Address]]]
Connected = tuple[asyncio.Transport, Any]  # the protocol is a SocketProtocol


async def system_lookup(host: str, port: int) -> list[Address]:
    """The resolver's answer, in its order of preference (IPv6 and IPv4 interleaved)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    by_family: dict[int, list[Address]] = {}
    for family, _type, _proto, _name, sockaddr in infos:
        by_family.setdefault(family, []).append((family, sockaddr))
    # RFC 8305 section 4: alternate families, starting with the resolver's first choice
    columns = list(by_family.values())
    return [
        address
        for row in range(max(map(len, columns), default=0))
        for column in columns
        if row < len(column)
        for address in (column[row],)
    ]


class Connector:
    """Opens connections for one pool; safe to use from one event loop at a time."""

    def __init__(
        self, lookup: Lookup = system_lookup, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lookup = lookup
        self._clock = clock
        self._remembered: dict[tuple[str, int], tuple[float, list[Address]]] = {}
        self._in_flight: dict[tuple[str, int], asyncio.Future[list[Address]]] = {}

    async def open(
        self, host: str, port: int, tls: ssl.SSLContext | None
    ) -> tuple[asyncio.Transport, SocketProtocol]:
        """A connected socket (TLS handshake done when ``tls`` is given) to ``host``."""
        addresses = await self._addresses(host, port)
        server_hostname = host if tls is not None else None
        loop = asyncio.get_running_loop()

        attempts = [
            functools.partial(
                loop.create_connection,
                SocketProtocol,
                sockaddr[0],
                port,
                family=family,
                ssl=tls,
                server_hostname=server_hostname,
            )
            for family, sockaddr in addresses
        ]
        transport, stream = await first_to_succeed(attempts)
        assert isinstance(stream, SocketProtocol)
        return transport, stream

    async def _addresses(self, host: str, port: int) -> list[Address]:
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
            return [(family, (host, port))]
        key = (host, port)
        remembered = self._remembered.get(key)
        if remembered is not None and self._clock() < remembered[0]:
            return remembered[1]
        lookup = self._in_flight.get(key)
        if lookup is None or lookup.get_loop() is not asyncio.get_running_loop():
            lookup = self._in_flight[key] = asyncio.ensure_future(self._look_up(key))
            # its error reaches every waiter; retrieved here too, for when none is left
            lookup.add_done_callback(lambda done: done.cancelled() or done.exception())
        # shielded: one caller giving up (timeout, cancellation) does not cancel the others'
        return await asyncio.shield(lookup)

    async def _look_up(self, key: tuple[str, int]) -> list[Address]:
        try:
            addresses = await self._lookup(*key)
            if not addresses:
                raise OSError(f"no address found for {key[0]}")
            self._remembered[key] = (self._clock() + REMEMBER_ADDRESSES, addresses)
            return addresses
        finally:
            self._in_flight.pop(key, None)


async def first_to_succeed(
    attempts: Sequence[Callable[[], Awaitable[Connected]]], stagger: float = NEXT_ATTEMPT_AFTER
) -> Connected:
    """Start the attempts one after another (the next one ``stagger`` seconds after the last,
    or as soon as it fails) and return the first connection made; the others are cancelled or
    closed. Raises the first attempt's error when all fail."""
    tasks: list[asyncio.Task[Connected]] = []
    errors: list[BaseException] = []
    winner: asyncio.Task[Connected] | None = None
    try:
        for start in attempts:
            tasks.append(asyncio.ensure_future(start()))
            winner = await _winner(tasks, errors, timeout=stagger)
            if winner is not None:
                return winner.result()
        while any(not task.done() for task in tasks):
            winner = await _winner(tasks, errors, timeout=None)
            if winner is not None:
                return winner.result()
        raise errors[0] if errors else OSError("no address to connect to")
    finally:
        for task in tasks:
            if task is winner:
                continue
            if not task.done():
                task.cancel()  # create_connection closes its socket when cancelled
            elif not task.cancelled() and task.exception() is None:
                task.result()[0].close()  # made it, but later than the winner


async def _winner(
    tasks: list[asyncio.Task[Connected]], errors: list[BaseException], timeout: float | None
) -> asyncio.Task[Connected] | None:
    """Wait up to ``timeout`` for an attempt to finish; the first successful one, if any.
    Failed attempts add their error to ``errors`` (once)."""
    pending = [task for task in tasks if not task.done()]
    if pending:
        await asyncio.wait(pending, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        if task.done() and not task.cancelled():
            error = task.exception()
            if error is None:
                return task
            if error not in errors:
                errors.append(error)
    return None

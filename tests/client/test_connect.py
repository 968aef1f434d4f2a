"""How the async pool opens connections (replicate_ext/_connect.py): concurrent connections to
one host share one DNS lookup, the answer is remembered briefly, and the addresses are tried
Happy-Eyeballs style, the first connection made winning."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

import replicate_ext._connect as connect_module
from replicate_ext._connect import Address, Connector, first_to_succeed, system_lookup
from replicate_ext._transport import AsyncioTransport


class FakeResolver:
    """Answers every name with ``addresses`` after ``delay``; counts the lookups."""

    def __init__(self, addresses: list[Address], delay: float = 0.05) -> None:
        self.addresses = addresses
        self.delay = delay
        self.lookups = 0

    async def __call__(self, host: str, port: int) -> list[Address]:
        self.lookups += 1
        await asyncio.sleep(self.delay)
        return [(family, (sockaddr[0], port)) for family, sockaddr in self.addresses]


async def _serve_ok() -> tuple[asyncio.Server, int, list[int]]:
    accepted: list[int] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1], accepted


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), timeout=30))


def test_concurrent_connections_to_a_host_share_one_lookup() -> None:
    async def scenario() -> None:
        server, port, accepted = await _serve_ok()
        resolver = FakeResolver([(socket.AF_INET, ("127.0.0.1", 0))])
        pool = AsyncioTransport(httpx.Limits(max_connections=100, max_keepalive_connections=0))
        pool._connector = Connector(lookup=resolver)
        async with httpx.AsyncClient(transport=pool, timeout=5) as client:
            url = f"http://replicate.test:{port}/"
            responses = await asyncio.gather(*(client.get(url) for _ in range(30)))
            assert [r.text for r in responses] == ["ok"] * 30
            assert (resolver.lookups, len(accepted)) == (1, 30)
            await client.get(url)  # answered from memory
            assert resolver.lookups == 1
        server.close()
        await server.wait_closed()

    run(scenario)


def test_a_remembered_answer_expires() -> None:
    now = [100.0]

    async def scenario() -> None:
        resolver = FakeResolver([(socket.AF_INET, ("127.0.0.1", 0))], delay=0)
        connector = Connector(lookup=resolver, clock=lambda: now[0])
        assert await connector._addresses("replicate.test", 443) == [
            (socket.AF_INET, ("127.0.0.1", 443))
        ]
        now[0] += connect_module.REMEMBER_ADDRESSES - 1
        await connector._addresses("replicate.test", 443)
        assert resolver.lookups == 1
        now[0] += 2
        await connector._addresses("replicate.test", 443)
        assert resolver.lookups == 2

    run(scenario)


def test_ip_addresses_need_no_lookup() -> None:
    async def scenario() -> None:
        resolver = FakeResolver([])
        connector = Connector(lookup=resolver)
        assert await connector._addresses("127.0.0.1", 80) == [(socket.AF_INET, ("127.0.0.1", 80))]
        assert await connector._addresses("::1", 80) == [(socket.AF_INET6, ("::1", 80))]
        assert resolver.lookups == 0

    run(scenario)


def test_a_failed_lookup_is_a_connect_error_and_is_not_remembered() -> None:
    async def scenario() -> None:
        resolver = FakeResolver([])  # no address at all
        pool = AsyncioTransport(httpx.Limits())
        pool._connector = Connector(lookup=resolver)
        async with httpx.AsyncClient(transport=pool, timeout=5) as client:
            for _ in range(2):
                with pytest.raises(httpx.ConnectError, match="no address"):
                    await client.get("http://replicate.test/")
        assert resolver.lookups == 2

    run(scenario)


def test_an_address_that_refuses_hands_over_to_the_next_at_once() -> None:
    async def scenario() -> None:
        server, port, _ = await _serve_ok()
        # 127.0.0.2 is loopback too, but nothing listens there: refused at once
        resolver = FakeResolver(
            [(socket.AF_INET, ("127.0.0.2", 0)), (socket.AF_INET, ("127.0.0.1", 0))], delay=0
        )
        connector = Connector(lookup=resolver)
        started = time.monotonic()
        transport, _ = await connector.open("replicate.test", port, None)
        assert time.monotonic() - started < connect_module.NEXT_ATTEMPT_AFTER
        assert transport.get_extra_info("peername")[0] == "127.0.0.1"
        transport.close()
        server.close()
        await server.wait_closed()

    run(scenario)


def test_a_slow_address_gets_company_after_the_stagger_and_the_loser_is_closed() -> None:
    made: list[Any] = []

    def attempt(delay: float, name: str) -> Callable[[], Awaitable[Any]]:
        async def connect() -> Any:
            await asyncio.sleep(delay)
            transport = _FakeTransport(name)
            made.append(transport)
            return transport, None

        return connect

    async def scenario() -> None:
        started = time.monotonic()
        # the first answers after 0.5 s, the second (started at 0.05 s) after 0.1 s
        transport: Any
        transport, _ = await first_to_succeed(
            [attempt(0.5, "slow"), attempt(0.1, "fast")], stagger=0.05
        )
        assert transport.name == "fast"
        assert time.monotonic() - started < 0.4
        assert not transport.closed

    run(scenario)
    assert [t.name for t in made] == ["fast"]  # the slow one was cancelled before it connected


def test_every_address_failing_raises_the_first_error() -> None:
    def failing(message: str) -> Callable[[], Awaitable[Any]]:
        async def connect() -> Any:
            raise OSError(message)

        return connect

    async def scenario() -> None:
        with pytest.raises(OSError, match="first"):
            await first_to_succeed([failing("first"), failing("second")], stagger=0.05)

    run(scenario)


def test_two_connections_made_together_keep_one() -> None:
    made: list[_FakeTransport] = []

    def attempt(name: str) -> Callable[[], Awaitable[Any]]:
        async def connect() -> Any:
            await asyncio.sleep(0.05)
            transport = _FakeTransport(name)
            made.append(transport)
            return transport, None

        return connect

    async def scenario() -> None:
        # with no stagger both start at once and finish in the same instant
        transport: Any
        transport, _ = await first_to_succeed([attempt("a"), attempt("b")], stagger=0)
        assert [t.closed for t in made if t is not transport] == [True]
        assert not transport.closed

    run(scenario)


def test_the_system_lookup_interleaves_address_families(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:db8::1", 443, 0, 0)),
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:db8::2", 443, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.2", 443)),
    ]

    async def scenario() -> None:
        loop = asyncio.get_running_loop()

        async def getaddrinfo(*args: Any, **kwargs: Any) -> Any:
            return answer

        monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)
        addresses = await system_lookup("replicate.test", 443)
        assert [sockaddr[0] for _, sockaddr in addresses] == [
            "2001:db8::1",
            "192.0.2.1",
            "2001:db8::2",
            "192.0.2.2",
        ]

    run(scenario)


class _FakeTransport:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False

    def close(self) -> None:
        self.closed = True

"""Property test for the async pool's response reading (replicate_ext/_http11.py): whatever the
body, its framing (Content-Length or chunked) and however the server's bytes are split into
segments, the client reads exactly the body sent and can reuse the connection afterwards."""

from __future__ import annotations

import asyncio
import itertools

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from replicate_ext._transport import async_transport


def _response(body: bytes, chunk_sizes: list[int] | None) -> bytes:
    if chunk_sizes is None:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        return head + body
    out = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"]
    rest, sizes = body, list(chunk_sizes)
    while rest:
        size = max(1, sizes.pop(0) if sizes else len(rest))
        part, rest = rest[:size], rest[size:]
        out.append(f"{len(part):x}\r\n".encode() + part + b"\r\n")
    out.append(b"0\r\n\r\n")
    return b"".join(out)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


@settings(max_examples=40, deadline=None)
@given(
    body=st.binary(max_size=5000),
    chunk_sizes=st.none() | st.lists(st.integers(1, 700), max_size=10),
    cuts=st.lists(st.integers(0, 20_000), max_size=12),
)
def test_any_body_in_any_segments_is_read_exactly(
    body: bytes, chunk_sizes: list[int] | None, cuts: list[int]
) -> None:
    response = _response(body, chunk_sizes)
    segments = _split(response, cuts)
    requests = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal requests
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                requests += 1
                for segment in segments:
                    writer.write(segment)
                    await writer.drain()
                    await asyncio.sleep(0)  # let each segment arrive on its own
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def scenario() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        try:
            async with httpx.AsyncClient(transport=async_transport(limits), timeout=5) as client:
                for _ in range(2):  # the second request reuses the connection
                    got = await client.get(url)
                    assert got.content == body
        finally:
            server.close()
            await server.wait_closed()
        assert requests == 2

    asyncio.run(asyncio.wait_for(scenario(), timeout=30))

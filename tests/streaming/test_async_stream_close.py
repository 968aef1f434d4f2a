"""Closing an async stream early closes its HTTP response at once, as the sync twin does."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

import httpx

import replicate_ext

TOKEN = "r8_close_test_token"
BASE_URL = "http://api.test/v1"


class _RecordingBody(httpx.AsyncByteStream):
    def __init__(self) -> None:
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"id: 1\nevent: output\ndata: a\n\n"
        yield b"id: 2\nevent: output\ndata: b\n\n"
        yield b"id: 3\nevent: done\ndata: {}\n\n"

    async def aclose(self) -> None:
        self.closed = True


async def test_closing_the_stream_early_closes_the_response() -> None:
    body = _RecordingBody()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            prediction = {
                "id": "p1",
                "status": "starting",
                "urls": {"stream": f"{BASE_URL}/streams/p1"},
            }
            return httpx.Response(201, json=prediction)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    transport = httpx.MockTransport(handler)
    async with replicate_ext.AsyncClient(
        api_token=TOKEN, base_url=BASE_URL, transport=transport
    ) as client:
        events = client.stream("demo/stream", input={"prompt": "a b"})
        assert isinstance(events, AsyncGenerator)
        first = await events.__anext__()
        assert str(first) == "a"
        assert not body.closed
        await events.aclose()
        assert body.closed

"""Clients that record every request they send, and a local server with Cog predictors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import replicate_ext
from replicate_ext.local import LocalServer
from replicate_ext.local.pytest_plugin import LocalServerFactory

PREDICT = Path(__file__).parents[1] / "local" / "cog_predictor" / "predict.py"


class CountingTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return super().handle_request(request)

    def count(self, method: str, path_suffix: str) -> int:
        return sum(1 for m, p in self.sent if m == method and p.endswith(path_suffix))


class AsyncCountingTransport(httpx.AsyncHTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append((request.method, request.url.path))
        return await super().handle_async_request(request)

    def count(self, method: str, path_suffix: str) -> int:
        return sum(1 for m, p in self.sent if m == method and p.endswith(path_suffix))


@pytest.fixture
def cog_server(local_server_factory: LocalServerFactory) -> LocalServer:
    """Demo models plus Cog predictors: cog/reverse (minLength, bounds, enum, file input),
    cog/flip (file in, file out) and cog/stream (ConcatenateIterator)."""
    return local_server_factory(
        models=[
            f"cog/reverse={PREDICT}:Predictor",
            f"cog/flip={PREDICT}:Flipper",
            f"cog/stream={PREDICT}:Streamer",
        ]
    )


@pytest.fixture
def transport() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
def client(cog_server: LocalServer, transport: CountingTransport) -> Iterator[replicate_ext.Client]:
    with replicate_ext.Client(
        api_token=cog_server.token, base_url=cog_server.base_url, transport=transport
    ) as client:
        yield client


def predictions_at(server: LocalServer) -> int:
    """How many predictions the server holds (asked with a client of its own)."""
    with replicate_ext.Client(api_token=server.token, base_url=server.base_url) as client:
        return sum(1 for _ in client.paginate(client.predictions.list))

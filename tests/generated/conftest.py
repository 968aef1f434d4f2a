"""Fixtures for the generated-bindings tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from .helpers import BASE_URL, Recorder


@pytest.fixture
def http() -> Iterator[Callable[[httpx.Response], tuple[httpx.Client, Recorder]]]:
    """Factory: an httpx.Client on BASE_URL whose transport records and answers `response`."""
    clients: list[httpx.Client] = []

    def make(response: httpx.Response) -> tuple[httpx.Client, Recorder]:
        recorder = Recorder(lambda _request: response)
        client = httpx.Client(base_url=BASE_URL, transport=recorder.transport)
        clients.append(client)
        return client, recorder

    yield make
    for client in clients:
        client.close()

"""Helpers for core-client tests: clients over httpx.MockTransport and recorded sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext._async import api_client as async_api_client
from replicate_ext._sync import api_client as sync_api_client

TOKEN = "r8_secret_token_value_123"
BASE_URL = "http://api.test/v1"

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Retry sleeps, recorded instead of slept."""
    recorded: list[float] = []

    def fake_sleep(seconds: float) -> None:
        recorded.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(sync_api_client, "sleep", fake_sleep)
    monkeypatch.setattr(async_api_client, "sleep_async", fake_async_sleep)
    yield recorded


def mock_client(handler: Handler, **options: Any) -> replicate_ext.Client:
    options.setdefault("api_token", TOKEN)
    options.setdefault("base_url", BASE_URL)
    return replicate_ext.Client(transport=httpx.MockTransport(handler), **options)


def mock_async_client(handler: Handler, **options: Any) -> replicate_ext.AsyncClient:
    options.setdefault("api_token", TOKEN)
    options.setdefault("base_url", BASE_URL)
    return replicate_ext.AsyncClient(transport=httpx.MockTransport(handler), **options)


def prediction_json(id: str = "p1", status: str = "starting", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": id,
        "status": status,
        "model": "demo/hello",
        "version": "hidden",
        "input": {"name": "Ada"},
        "output": None,
        "error": None,
        "logs": "",
        "data_removed": False,
        "created_at": "2024-05-01T10:00:00.123Z",
        "urls": {
            "get": f"https://api.replicate.com/v1/predictions/{id}",
            "cancel": f"https://api.replicate.com/v1/predictions/{id}/cancel",
            "web": f"https://replicate.com/p/{id}",
        },
    }
    data.update(fields)
    return data

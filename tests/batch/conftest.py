"""A local server with the batch test models, and a count of what it created."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext import AsyncClient, Client
from replicate_ext._async import api_client as async_api_client
from replicate_ext._journal import JournalState, parse_journal
from replicate_ext._sync import api_client as sync_api_client
from replicate_ext.local import LocalServer
from replicate_ext.local.pytest_plugin import LocalServerFactory

from .models import MODELS


@pytest.fixture
def server(local_server_factory: LocalServerFactory) -> LocalServer:
    return local_server_factory(models=MODELS)


@pytest.fixture
def client(server: LocalServer) -> replicate_ext.Client:
    return replicate_ext.Client(api_token=server.token, base_url=server.base_url, timeout=30)


def creates_by_input(client: replicate_ext.Client) -> Counter[int]:
    """How many predictions the server created for each input ``n``."""
    return Counter(
        int(prediction.input["n"])
        for prediction in client.paginate(client.predictions.list)
        if prediction.input
    )


def journal_when(path: Path, created: int, process: subprocess.Popen[Any]) -> JournalState:
    """The journal once it names ``created`` predictions (bounded wait)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the batch process ended before the crash"
        if path.exists():
            state = parse_journal(path.read_bytes())
            if len(state.created) >= created:
                return state
        time.sleep(0.02)
    raise AssertionError(f"the journal never named {created} predictions")


# -- MockTransport helpers -------------------------------------------------------------------

TOKEN = "r8_batch_test_token"
BASE_URL = "http://api.test/v1"


def mock_client(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> Client:
    return Client(
        api_token=TOKEN, base_url=BASE_URL, transport=httpx.MockTransport(handler), **options
    )


def mock_async_client(
    handler: Callable[[httpx.Request], httpx.Response], **options: Any
) -> AsyncClient:
    return AsyncClient(
        api_token=TOKEN, base_url=BASE_URL, transport=httpx.MockTransport(handler), **options
    )


def prediction_json(id: str, status: str, **fields: Any) -> dict[str, Any]:
    return {"id": id, "status": status, "model": "demo/hello", "input": {}, **fields}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The base client's pauses (retries, rate limiting), recorded instead of slept."""
    recorded: list[float] = []

    async def record_async(seconds: float) -> None:
        recorded.append(seconds)

    monkeypatch.setattr(sync_api_client, "sleep", recorded.append)
    monkeypatch.setattr(async_api_client, "sleep_async", record_async)
    return recorded

"""Async file downloads close their HTTP response as soon as writing the file fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from replicate_ext import AsyncClient
from replicate_ext._async.api_client import AsyncAPIClient
from replicate_ext._files import AsyncFileOutput

BASE_URL = "http://api.test/v1"
# Writes to /dev/full fail with ENOSPC: a disk that fills up mid-download.
FULL_DISK = Path("/dev/full")


class _RecordingBody(httpx.AsyncByteStream):
    def __init__(self) -> None:
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"x" * (64 * 1024)

    async def aclose(self) -> None:
        self.closed = True


def _serving(body: _RecordingBody) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, stream=body))


async def test_file_output_save_closes_the_response_when_writing_fails() -> None:
    body = _RecordingBody()
    client = AsyncAPIClient(api_token="t", base_url=BASE_URL, transport=_serving(body))
    try:
        output = AsyncFileOutput(f"{BASE_URL}/files/f1/download", client)
        with pytest.raises(OSError):
            await output.save(FULL_DISK)
        assert body.closed
    finally:
        await client.close()


async def test_files_download_closes_the_response_when_writing_fails() -> None:
    body = _RecordingBody()
    async with AsyncClient(api_token="t", base_url=BASE_URL, transport=_serving(body)) as client:
        with pytest.raises(OSError):
            await client.files.download("f1", FULL_DISK)
        assert body.closed

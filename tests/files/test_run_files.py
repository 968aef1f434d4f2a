"""Files through run(): inputs encoded or uploaded, outputs wrapped (or not)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from replicate_ext import AsyncClient, AsyncFileOutput, Client, FileOutput
from replicate_ext.local import LocalServer
from replicate_ext.local.pytest_plugin import LocalServerFactory

TOKEN = "r8_secret_token_value"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(100))


def echo(file: str) -> str:
    """Returns its input unchanged, so tests see exactly what the model received."""
    return file


@pytest.fixture
def echo_server(local_server_factory: LocalServerFactory) -> LocalServer:
    return local_server_factory(models={"test/echo": echo})


@pytest.fixture
def client(echo_server: LocalServer) -> Iterator[Client]:
    with Client(api_token=TOKEN, base_url=echo_server.base_url) as client:
        yield client


def test_data_uri_request_body_holds_only_the_file_bytes(tmp_path: Path) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            201, json={"id": "p1", "status": "succeeded", "output": "ok", "urls": {}}
        )

    path = tmp_path / "pixel.png"
    path.write_bytes(PNG)
    transport = httpx.MockTransport(handler)
    with Client(api_token=TOKEN, base_url="http://api.test/v1", transport=transport) as client:
        assert client.run("acme/vision", input={"image": path, "n": 2, "raw": b"\x00\x01"}) == "ok"
    (request,) = sent
    assert request.url.path == "/v1/models/acme/vision/predictions"
    assert json.loads(request.content) == {
        "input": {
            "image": "data:image/png;base64," + base64.b64encode(PNG).decode(),
            "n": 2,
            "raw": "data:application/octet-stream;base64,AAE=",
        }
    }
    assert TOKEN.encode() not in request.content


def test_small_file_reaches_the_model_as_data_uri(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "pixel.png"
    path.write_bytes(PNG)
    output = client.run("test/echo", input={"file": path})
    assert isinstance(output, FileOutput)  # a data: URL output decodes locally
    assert output.read() == PNG


def test_large_file_is_uploaded_and_replaced_by_its_url(client: Client, tmp_path: Path) -> None:
    data = bytes(range(256)) * 2000  # 512 KB > the 256 KB data URI limit
    path = tmp_path / "big.bin"
    path.write_bytes(data)
    url = client.run("test/echo", input={"file": path}, use_file_output=False)
    assert isinstance(url, str) and url.startswith("http://127.0.0.1:")
    (uploaded,) = list(client.files.list())
    assert uploaded.urls == {"get": url}
    assert uploaded.size == len(data)
    assert b"".join(client.files.download(uploaded.id)) == data


def test_upload_strategy_for_tiny_file(client: Client) -> None:
    url = client.run("test/echo", input={"file": b"tiny"}, file_encoding="upload")
    assert isinstance(url, FileOutput)
    (uploaded,) = list(client.files.list())
    assert url.url == (uploaded.urls or {}).get("get")


def test_use_file_output_false_returns_plain_urls(local_server: LocalServer) -> None:
    with Client(api_token=TOKEN, base_url=local_server.base_url) as client:
        wrapped = client.run("demo/image", input={"width": 3, "height": 2})
        plain = client.run("demo/image", input={"width": 3, "height": 2}, use_file_output=False)
        assert isinstance(wrapped, FileOutput) and wrapped.read().startswith(b"\x89PNG")
        assert isinstance(plain, str) and plain.startswith(local_server.url)


async def test_async_run_with_files(echo_server: LocalServer, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"z" * 300_000)
    async with AsyncClient(api_token=TOKEN, base_url=echo_server.base_url) as client:
        small = await client.run("test/echo", input={"file": b"hi"})
        assert isinstance(small, AsyncFileOutput) and await small.read() == b"hi"
        url = await client.run("test/echo", input={"file": path}, use_file_output=False)
        page = await client.files.list()
        (uploaded,) = page.results
        assert url == (uploaded.urls or {}).get("get")
        chunks = [chunk async for chunk in await client.files.download(uploaded.id)]
        assert b"".join(chunks) == b"z" * 300_000


class Unseekable(io.RawIOBase):
    """A stream that can only be read forward, in short reads, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.name = "piped.bin"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._data.read(min(len(buffer), 1000))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_large_unseekable_stream_is_uploaded_whole(client: Client) -> None:
    data = bytes(range(256)) * 1200  # 300 KB: over the limit, of unknown size until read
    url = client.run("test/echo", input={"file": Unseekable(data)}, use_file_output=False)
    (uploaded,) = list(client.files.list())
    assert url == (uploaded.urls or {}).get("get")
    assert uploaded.name == "piped.bin"
    assert b"".join(client.files.download(uploaded.id)) == data

"""client.files against the local server, plus exact wire checks with httpx.MockTransport."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from replicate_ext import AsyncClient, Client, NotFoundError
from replicate_ext.local import LocalServer

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


@pytest.fixture
def client(local_server: LocalServer) -> Iterator[Client]:
    with Client(api_token="test", base_url=local_server.base_url) as client:
        yield client


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_create_from_path_with_metadata_round_trips(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(PNG)
    created = client.files.create(path, metadata={"customer": 123, "tags": ["a"]})
    assert created.size == len(PNG)
    assert created.content_type == "image/png"
    assert created.checksums == {"sha256": sha256(PNG)}
    assert created.metadata == {"customer": 123, "tags": ["a"]}
    assert created.name == "picture.png"
    fetched = client.files.get(created.id)
    assert fetched.id == created.id and fetched.size == len(PNG)
    assert b"".join(client.files.download(created.id)) == PNG


def test_create_from_bytes_and_open_file_position(client: Client, tmp_path: Path) -> None:
    from_bytes = client.files.create(b"plain bytes", filename="n.txt", content_type="text/x-note")
    assert from_bytes.content_type == "text/x-note" and from_bytes.size == 11
    assert from_bytes.name == "n.txt"
    path = tmp_path / "data.bin"
    path.write_bytes(b"HEADER" + b"payload")
    with path.open("rb") as handle:
        handle.read(6)  # upload from the current position, like any reader would
        from_file = client.files.create(handle)
    assert from_file.size == 7
    assert b"".join(client.files.download(from_file.id)) == b"payload"


def test_download_to_path(client: Client, tmp_path: Path) -> None:
    data = bytes(range(256)) * 1000
    created = client.files.create(io.BytesIO(data), filename="blob.bin")
    target = client.files.download(created.id, tmp_path / "copy.bin")
    assert target == tmp_path / "copy.bin" and target.read_bytes() == data


@pytest.mark.local_server(page_size=2)
def test_list_is_paginated(client: Client) -> None:
    ids = {client.files.create(f"file {n}".encode(), filename=f"{n}.txt").id for n in range(5)}
    first = client.files.list()
    assert len(first.results) == 2 and first.next is not None
    assert {file.id for file in first} == ids


def test_delete_then_get_is_not_found(client: Client) -> None:
    created = client.files.create(b"bye")
    client.files.delete(created.id)
    with pytest.raises(NotFoundError):
        client.files.get(created.id)
    with pytest.raises(NotFoundError):
        b"".join(client.files.download(created.id))


def test_bad_input_fails_before_any_request(tmp_path: Path) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    transport = httpx.MockTransport(handler)
    with Client(api_token="t", base_url="http://api.test/v1", transport=transport) as client:
        with pytest.raises(FileNotFoundError):
            client.files.create(tmp_path / "missing.bin")
        text_path = tmp_path / "t.txt"
        text_path.write_text("x")
        with text_path.open("r") as handle, pytest.raises(TypeError, match="binary"):
            client.files.create(handle)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="255"):
            client.files.create(b"x", filename="n" * 256)
        with pytest.raises(TypeError):
            client.files.create(b"x", metadata={"bad": object()})
        with pytest.raises(TypeError):
            client.files.create(12345)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            client.files.get("../predictions")
    assert requests == []


def test_multipart_wire_format_and_retry_resends_whole_body(tmp_path: Path) -> None:
    bodies: list[bytes] = []
    headers: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.read())
        headers.append(request.headers)
        if len(bodies) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"detail": "slow down"})
        return httpx.Response(
            201, json={"id": "f1", "urls": {"get": "http://api.test/v1/files/f1"}}
        )

    path = tmp_path / "clip.wav"
    content = b"RIFF\x00\x00\x00\x00WAVE" + b"\x01" * 5000
    path.write_bytes(content)
    transport = httpx.MockTransport(handler)
    with Client(api_token="t", base_url="http://api.test/v1", transport=transport) as client:
        created = client.files.create(path, metadata={"k": "v"})
    assert created.id == "f1"
    assert len(bodies) == 2 and bodies[0] == bodies[1]
    body, sent = bodies[1], headers[1]
    boundary = sent["content-type"].split("boundary=")[1]
    assert sent["content-type"].startswith("multipart/form-data; boundary=")
    assert int(sent["content-length"]) == len(body)
    assert "transfer-encoding" not in sent
    parts = body.split(f"--{boundary}".encode())
    assert parts[0] == b"" and parts[-1] == b"--\r\n"
    by_name = {}
    for part in parts[1:-1]:
        head, _, value = part[2:-2].partition(b"\r\n\r\n")
        name = head.split(b'name="')[1].split(b'"')[0].decode()
        by_name[name] = (head, value)
    assert set(by_name) == {"content", "filename", "type", "metadata"}
    assert by_name["content"][1] == content
    assert b'filename="clip.wav"' in by_name["content"][0]
    assert by_name["content"][0].endswith(b"Content-Type: audio/wav") or by_name["content"][
        0
    ].endswith(b"Content-Type: audio/x-wav")
    assert by_name["filename"][1] == b"clip.wav"
    assert json.loads(by_name["metadata"][1]) == {"k": "v"}


async def test_async_files_round_trip(local_server: LocalServer, tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"async " * 10_000)
    async with AsyncClient(api_token="test", base_url=local_server.base_url) as client:
        created = await client.files.create(path, metadata={"x": 1})
        assert created.checksums == {"sha256": sha256(path.read_bytes())}
        assert (await client.files.get(created.id)).metadata == {"x": 1}
        chunks = [chunk async for chunk in await client.files.download(created.id)]
        assert b"".join(chunks) == path.read_bytes()
        saved = await client.files.download(created.id, tmp_path / "b.bin")
        assert saved.read_bytes() == path.read_bytes()
        page = await client.files.list()
        assert [file.id async for file in page] == [created.id]
        await client.files.delete(created.id)
        with pytest.raises(NotFoundError):
            await client.files.get(created.id)


def test_list_follows_only_the_cursor_on_our_base_url() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if "cursor" not in request.url.params:
            return httpx.Response(
                200,
                json={
                    "results": [{"id": "a"}],
                    "next": "https://api.replicate.com/v1/files?cursor=c2",
                },
            )
        return httpx.Response(200, json={"results": [{"id": "b"}], "next": None})

    transport = httpx.MockTransport(handler)
    with Client(api_token="t", base_url="http://proxy.test/v1", transport=transport) as client:
        assert [file.id for file in client.files.list()] == ["a", "b"]
    assert seen == ["http://proxy.test/v1/files", "http://proxy.test/v1/files?cursor=c2"]


def test_upload_input_returns_the_url_a_model_input_uses(client: Client) -> None:
    from replicate_ext._files import FileSource

    url = client.files.upload_input(
        FileSource(content=b"weights", filename="w.bin", content_type="application/x-w")
    )
    (uploaded,) = [f for f in client.paginate(client.files.list()) if f.name == "w.bin"]
    assert url == (uploaded.urls or {})["get"]
    assert uploaded.content_type == "application/x-w" and uploaded.size == 7


def test_upload_input_without_a_url_is_a_clear_error() -> None:
    from replicate_ext import ReplicateError
    from replicate_ext._files import FileSource

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"id": "f9", "name": "w.bin", "urls": {}})

    source = FileSource(content=b"x", filename="w.bin", content_type="text/plain")
    with (
        Client(
            api_token="t", base_url="http://api.test/v1", transport=httpx.MockTransport(handler)
        ) as client,
        pytest.raises(ReplicateError, match="uploaded file f9 has no URL"),
    ):
        client.files.upload_input(source)

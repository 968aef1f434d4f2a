"""Files: streamed multipart upload (size limit), metadata, listing, streamed download."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
from collections.abc import Callable, Iterator

import httpx
import pytest

from replicate_ext.local import LocalServer

from .conftest import api_client


def test_upload_get_list_download_delete(api: httpx.Client) -> None:
    payload = os.urandom(300_000)
    created = api.post(
        "/files",
        files={"content": ("data.bin", payload, "application/x-test")},
        data={"metadata": json.dumps({"customer": 7})},
    )
    assert created.status_code == 201
    record = created.json()
    assert record["size"] == len(payload)
    assert record["checksums"]["sha256"] == hashlib.sha256(payload).hexdigest()
    assert record["content_type"] == "application/x-test"
    assert record["metadata"] == {"customer": 7}
    assert record["urls"]["get"] == f"{str(api.base_url).rstrip('/')}/files/{record['id']}"
    assert api.get(record["urls"]["get"]).json() == record
    with api.stream("GET", f"/files/{record['id']}/download") as response:
        assert response.status_code == 200
        chunks = list(response.iter_bytes())
    assert b"".join(chunks) == payload
    assert response.headers["content-type"].startswith("application/x-test")
    listed = api.get("/files").json()
    assert [f["id"] for f in listed["results"]] == [record["id"]]
    assert api.delete(f"/files/{record['id']}").status_code == 204
    assert api.get(f"/files/{record['id']}").status_code == 404
    assert api.delete(f"/files/{record['id']}").status_code == 404


def test_upload_fields_override_and_defaults(api: httpx.Client) -> None:
    record = api.post(
        "/files",
        files={"content": ("ignored.txt", b"hi")},
        data={"filename": "named.txt", "type": "text/plain"},
    ).json()
    assert record["content_type"] == "text/plain"
    assert record["name"] == "named.txt"
    plain = api.post("/files", files={"content": ("x", b"1", "")}).json()
    assert plain["content_type"] == "application/octet-stream"
    assert plain["metadata"] == {}


def test_upload_errors(api: httpx.Client) -> None:
    no_content = api.post("/files", files={"other": ("x", b"1")})
    assert no_content.status_code == 422
    assert "content" in no_content.json()["detail"]
    bad_metadata = api.post("/files", files={"content": ("x", b"1")}, data={"metadata": "{"})
    assert bad_metadata.status_code == 422
    assert "metadata" in bad_metadata.json()["detail"]
    not_multipart = api.post("/files", json={"content": "x"})
    assert not_multipart.status_code == 400


def test_download_needs_a_token_or_signature(server: LocalServer, api: httpx.Client) -> None:
    record = api.post("/files", files={"content": ("x", b"secret")}).json()
    assert httpx.get(f"{server.base_url}/files/{record['id']}/download").status_code == 401
    assert api.get("/files/nope/download").status_code == 404


def test_too_large_upload_is_413(make_server: Callable[..., LocalServer]) -> None:
    server = make_server(max_upload_bytes=200_000)
    with api_client(server) as api:
        response = api.post("/files", files={"content": ("big", os.urandom(150_000))})
        assert response.status_code == 201
        # a chunked body has no Content-Length: the limit is enforced while streaming
        too_big = api.post(
            "/files",
            content=_multipart_chunks(b"b", 250_000),
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
        assert too_big.status_code == 413
        assert too_big.headers["content-type"] == "application/problem+json"
        assert len(api.get("/files").json()["results"]) == 1
    files_dir = server_files_dir(server)
    assert files_dir is None or len(os.listdir(files_dir)) == 1


def server_files_dir(server: LocalServer) -> str | None:
    engine = server._engine
    return None if engine is None else str(engine.files_dir)


def _multipart_chunks(boundary: bytes, size: int) -> Iterator[bytes]:
    def generate() -> Iterator[bytes]:
        yield b"--" + boundary + b"\r\n"
        yield b'Content-Disposition: form-data; name="content"; filename="big"\r\n\r\n'
        for _ in range(size // 10_000):
            yield b"x" * 10_000
        yield b"\r\n--" + boundary + b"--\r\n"

    return generate()


@pytest.mark.slow
def test_hundred_megabyte_upload_is_streamed_not_buffered(server: LocalServer) -> None:
    size = 100 * 1024 * 1024
    chunk = b"z" * (1024 * 1024)

    def body() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="content"; filename="big"\r\n\r\n'
        for _ in range(size // len(chunk)):
            yield chunk
        yield b"\r\n--b--\r\n"

    tracemalloc.start()
    with httpx.Client(
        base_url=server.base_url,
        headers={"authorization": f"Bearer {server.token}"},
        timeout=60,
    ) as api:
        response = api.post(
            "/files",
            content=body(),
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 201, response.text
    assert response.json()["size"] == size
    # server and client share this process: the peak stays far below the file size
    assert peak < 20 * 1024 * 1024

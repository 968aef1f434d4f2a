"""Bodies are bounded: JSON bodies by ``max_body_bytes`` (also chunked ones, which carry no
Content-Length), multipart uploads by part count and field size; a multipart body must end
with its closing boundary and carry exactly one ``content`` part."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from replicate_ext.local import LocalServer

from .conftest import api_client, raw_exchange

LIMIT = 2000


@pytest.fixture
def small(make_server: Callable[..., LocalServer]) -> LocalServer:
    return make_server(max_body_bytes=LIMIT)


def test_default_limit_is_ten_mebibytes() -> None:
    assert LocalServer().settings.max_body_bytes == 10 * 1024 * 1024


def test_declared_length_over_the_limit_is_answered_without_reading_the_body(
    small: LocalServer,
) -> None:
    # headers only: a server that waited for the announced 50 MB would never answer
    head = (
        "POST /v1/predictions HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {small.token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
    )
    response = raw_exchange(small, head.encode())
    assert response.startswith(b"HTTP/1.1 413 "), response[:200]
    body = json.loads(response.partition(b"\r\n\r\n")[2])
    assert body["status"] == 413 and str(LIMIT) in body["detail"]


def test_chunked_body_over_the_limit_is_cut_off(small: LocalServer) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        yield b'{"input": {"name": "'
        for index in range(50):
            sent.append(index)
            yield b"x" * 100
        yield b'"}}'

    with api_client(small) as api:
        response = api.post("/models/demo/hello/predictions", content=chunks())
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert api.get("/predictions").json()["results"] == []
        fine = api.post("/models/demo/hello/predictions", json={"input": {"name": "x" * 100}})
        assert fine.status_code == 201


def multipart(*parts: bytes, close: bool = True) -> bytes:
    body = b"".join(b"--b\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--b--\r\n" if close else b"")


def field(name: str, value: bytes) -> bytes:
    return f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value


CONTENT = b'Content-Disposition: form-data; name="content"; filename="a.txt"\r\n\r\nhello'


def upload(api: httpx.Client, body: bytes) -> httpx.Response:
    return api.post(
        "/files", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
    )


def test_multipart_part_count_and_field_size_are_bounded(api: httpx.Client) -> None:
    many = multipart(CONTENT, *(field(f"f{i}", b"1") for i in range(20)))
    assert upload(api, many).status_code == 413
    big = multipart(CONTENT, field("metadata", b"{" + b" " * 70_000 + b"}"))
    response = upload(api, big)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    huge_header = b"X-Filler: " + b"h" * 10_000 + b"\r\n" + CONTENT
    assert upload(api, multipart(huge_header)).status_code == 413
    assert api.get("/files").json()["results"] == []
    assert upload(api, multipart(CONTENT, field("type", b"text/plain"))).status_code == 201


def test_multipart_without_closing_boundary_is_a_bad_request(api: httpx.Client) -> None:
    response = upload(api, multipart(CONTENT, close=False))
    assert response.status_code == 400
    assert "closing boundary" in response.json()["detail"]
    assert api.get("/files").json()["results"] == []


def test_two_content_parts_are_a_bad_request(api: httpx.Client) -> None:
    response = upload(api, multipart(CONTENT, CONTENT))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert api.get("/files").json()["results"] == []

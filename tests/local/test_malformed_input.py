"""Malformed input is a 4xx problem+json, never a 500 or a dropped connection; 500s never
echo exception text; a client that disconnects mid-body costs one log line."""

from __future__ import annotations

import base64
import logging
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from replicate_ext.local import LocalServer

from .conftest import wait_done


def assert_problem(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == response.status_code


def test_deeply_nested_json(api: httpx.Client) -> None:
    for depth in (65, 100_000):
        body = b'{"input": ' + b"[" * depth + b"]" * depth + b"}"
        response = api.post(
            "/models/demo/hello/predictions",
            content=body,
            headers={"content-type": "application/json"},
        )
        assert_problem(response, 400)
        assert "nest" in response.json()["detail"]
    assert api.get("/predictions").status_code == 200


@pytest.mark.parametrize("value", ["wait=²", "wait=٣", "wait=1e1", "wait=" + "9" * 5000])
def test_prefer_wait_takes_ascii_digits_only(api: httpx.Client, value: str) -> None:
    response = api.post(
        "/models/demo/hello/predictions",
        json={"input": {"name": "x"}},
        headers={b"prefer": value.encode()},
    )
    assert_problem(response, 422)


@pytest.mark.parametrize("value", ["9" * 30 + "h", "721h", "1" * 5000, "٣s", "1e9s"])
def test_cancel_after_is_bounded(api: httpx.Client, value: str) -> None:
    response = api.post(
        "/models/demo/hello/predictions",
        json={"input": {"name": "x"}},
        headers={b"cancel-after": value.encode()},
    )
    assert_problem(response, 422)
    assert api.get("/predictions").json()["results"] == []


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    [cursor("b:" + "9" * 30), cursor("a:" + "9" * 19), cursor("b:-1"), cursor("b:٣"), "%%%", "é"],
)
def test_cursors_that_overflow_or_are_not_ours(api: httpx.Client, value: str) -> None:
    for path in ("/predictions", "/trainings", "/models", "/files"):
        assert_problem(api.get(path, params={"cursor": value}), 400)


def test_download_with_a_bad_signature_or_expiry(server: LocalServer, api: httpx.Client) -> None:
    file_id = api.post("/files", files={"content": ("a.txt", b"hi")}).json()["id"]
    url = f"{server.base_url}/files/{file_id}/download"
    with httpx.Client(timeout=10) as anonymous:
        for params, status in [
            ({"owner": "local", "expiry": "9999999999", "signature": "é"}, 401),
            ({"owner": "ü", "expiry": "9999999999", "signature": "\x00"}, 401),
            ({"owner": "local", "expiry": "١٢", "signature": "x"}, 422),
            ({"owner": "local", "expiry": "9" * 400, "signature": "x"}, 422),
            ({"owner": "local", "expiry": "1"}, 401),
        ]:
            assert_problem(anonymous.get(url, params=params), status)


@pytest.mark.parametrize(
    "media_type", ["text/plain\r\nX-Injected: 1", "text/plaîn", "tëxt/plain", "no-slash", ""]
)
def test_file_media_types_are_validated_at_upload(api: httpx.Client, media_type: str) -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="content"; filename="a"\r\n\r\nhi\r\n'
        b'--b\r\nContent-Disposition: form-data; name="type"\r\n\r\n'
        + media_type.encode()
        + b"\r\n--b--\r\n"
    )
    response = api.post(
        "/files", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
    )
    if media_type == "":
        assert response.status_code == 201  # no type: application/octet-stream
        return
    assert_problem(response, 422)
    assert api.get("/files").json()["results"] == []


def test_a_content_part_header_that_is_not_latin_1_text(api: httpx.Client) -> None:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="content"; filename="a"\r\n'
        b"Content-Type: image/\xe2\x82\xac\r\n\r\nhi\r\n--b--\r\n"
    )
    response = api.post(
        "/files", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert_problem(response, 422)


def test_huge_last_event_id(server: LocalServer, api: httpx.Client) -> None:
    created = api.post("/models/demo/stream/predictions", json={"input": {"prompt": "a b"}}).json()
    wait_done(api, created)
    response = httpx.get(created["urls"]["stream"], headers={"last-event-id": "9" * 40}, timeout=10)
    assert_problem(response, 422)
    resumed = httpx.get(created["urls"]["stream"], headers={"last-event-id": "1"}, timeout=10)
    assert resumed.status_code == 200 and "event: done" in resumed.text


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_logs() -> Iterator[Records]:
    handler = Records()
    loggers = [logging.getLogger(name) for name in ("replicate_ext.local", "uvicorn.error")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_client_disconnecting_mid_body_logs_one_line(
    server: LocalServer, server_logs: Records
) -> None:
    assert server.port is not None
    head = (
        "POST /v1/predictions HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {server.token}\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head.encode() + b'{"version": ')
        time.sleep(0.2)  # the server is now waiting for the rest of the body
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not any(
        "disconnected" in r.getMessage() for r in server_logs.records
    ):
        time.sleep(0.02)
    time.sleep(0.2)  # room for a traceback, if one were coming
    lines = [r.getMessage() for r in server_logs.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "disconnected" in lines[0], lines
    assert all(r.exc_info is None for r in server_logs.records)


def test_a_server_error_does_not_echo_the_exception(
    api: httpx.Client, monkeypatch: pytest.MonkeyPatch, server_logs: Records
) -> None:
    from replicate_ext.local.routes import hardware

    monkeypatch.setattr(hardware, "HARDWARE", _Exploding())
    response = api.get("/hardware")
    assert_problem(response, 500)
    assert "secret internals" not in response.text
    assert "RuntimeError" not in response.text
    # the details go to the server's log instead
    assert any(r.exc_info is not None for r in server_logs.records)


class _Exploding(list[object]):
    def __iter__(self) -> Iterator[object]:
        raise RuntimeError("secret internals /etc/passwd")

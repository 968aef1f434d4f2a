from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from replicate_ext.local import LocalServer
from replicate_ext.local.pytest_plugin import LocalServerFactory

from .spec import check_response

# small pages exercise pagination; short Cancel-After and webhook delays keep tests fast
FAST = {
    "page_size": 3,
    "min_cancel_after": 0.2,
    "webhook_retry_delay": 0.05,
    "webhook_throttle": 0.05,
}


def _validate(response: httpx.Response) -> None:
    content_type = response.headers.get("content-type", "")
    if content_type.startswith("text/event-stream") or "/download" in response.url.path:
        return
    response.read()
    check_response(response)


def api_client(server: LocalServer, token: str | None = None) -> httpx.Client:
    """An httpx client for the server whose every response is checked against openapi.yaml."""
    return httpx.Client(
        base_url=server.base_url,
        headers={"authorization": f"Bearer {token or server.token}"},
        timeout=10,
        event_hooks={"response": [_validate]},
    )


@pytest.fixture
def server(local_server_factory: LocalServerFactory) -> LocalServer:
    return local_server_factory(**FAST)


@pytest.fixture
def make_server(local_server_factory: LocalServerFactory) -> Callable[..., LocalServer]:
    def make(**options: Any) -> LocalServer:
        return local_server_factory(**{**FAST, **options})

    return make


@pytest.fixture
def api(server: LocalServer) -> Iterator[httpx.Client]:
    with api_client(server) as client:
        yield client


def wait_done(api: httpx.Client, prediction: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
    """Poll until terminal, bounded by ``timeout``."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        current: dict[str, Any] = api.get(prediction["urls"]["get"]).json()
        if current["status"] in ("succeeded", "failed", "canceled", "aborted"):
            return current
        time.sleep(0.02)
    raise AssertionError(f"prediction {prediction['id']} did not finish in {timeout}s")


class Received:
    """Webhook requests recorded by the receiver."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.fail_next = 0
        self.lock = threading.Condition()

    def bodies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [json.loads(body) for _, body in self.requests]

    def wait_for(
        self, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float = 5
    ) -> None:
        with self.lock:
            ok = self.lock.wait_for(
                lambda: predicate([json.loads(b) for _, b in self.requests]), timeout
            )
        assert ok, f"webhooks received: {self.bodies()}"


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, Received]]:
    """A plain HTTP server on 127.0.0.1 recording webhook POSTs; it answers 500 to the
    first ``fail_next`` requests."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            with received.lock:
                failing = received.fail_next > 0
                if failing:
                    received.fail_next -= 1
                else:
                    received.requests.append(
                        ({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                received.lock.notify_all()
            self.send_response(500 if failing else 204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook?ref=1", received
    finally:
        httpd.shutdown()
        httpd.server_close()


def raw_exchange(server: LocalServer, data: bytes, timeout: float = 5) -> bytes:
    """Send ``data`` as is on a new connection and return what the server answers before it
    closes the connection or ``timeout`` seconds pass (for bodies httpx will not send)."""
    import socket
    import time

    assert server.port is not None
    end = time.monotonic() + timeout
    chunks: list[bytes] = []
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(data)
        while time.monotonic() < end:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    return b"".join(chunks)


def _complete(response: bytes) -> bool:
    head, _, body = response.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False

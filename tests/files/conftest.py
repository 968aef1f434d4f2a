"""Loopback HTTP servers that serve bytes and record exactly which headers reached them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pytest


@attrs.define
class Seen:
    method: str
    path: str
    authorization: str | None


@attrs.define
class FileHost:
    """Serves `files[path]` for GET; `redirects[path]` answers 302 to another URL."""

    origin: str
    files: dict[str, bytes] = attrs.Factory(dict)
    redirects: dict[str, str] = attrs.Factory(dict)
    seen: list[Seen] = attrs.Factory(list)

    def url(self, path: str) -> str:
        return self.origin + path


def _handler(host: FileHost) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            host.seen.append(Seen("GET", self.path, self.headers.get("Authorization")))
            if self.path in host.redirects:
                self.send_response(302)
                self.send_header("Location", host.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = host.files.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture
def file_host() -> Iterator[Callable[[str], FileHost]]:
    """Start file hosts on demand: `file_host("127.0.0.1")`, `file_host("127.0.0.2")`."""
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def start(address: str) -> FileHost:
        host = FileHost(origin="")
        httpd = ThreadingHTTPServer((address, 0), _handler(host))
        httpd.daemon_threads = True
        host.origin = f"http://{address}:{httpd.server_address[1]}"
        thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        servers.append((httpd, thread))
        return host

    yield start
    for httpd, thread in servers:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

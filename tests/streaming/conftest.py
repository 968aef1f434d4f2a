"""A scripted SSE server on loopback that can cut streams exactly where a test wants."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pytest


@attrs.define
class Event:
    id: str | None
    event: str
    data: str

    def encode(self) -> bytes:
        lines = [] if self.id is None else [f"id: {self.id}"]
        lines.append(f"event: {self.event}")
        lines.extend(f"data: {line}" for line in self.data.split("\n"))
        return ("\n".join(lines) + "\n\n").encode()


@attrs.define
class StreamScript:
    """What the server sends. Connection n sends the events after the client's Last-Event-ID
    (or all of them when `ignore_last_event_id`), cutting after `cuts[n]` events (if there is
    such an entry) in the middle of the next event. `chunked` makes a cut a broken chunked body
    (a protocol error) rather than a clean close."""

    events: list[Event]
    cuts: list[int | None] = attrs.Factory(list)
    ignore_last_event_id: bool = False
    chunked: bool = False
    heartbeat: bool = True
    retry_ms: int | None = None
    prediction: dict[str, Any] = attrs.Factory(dict)


@attrs.define
class SSEServer:
    url: str
    script: StreamScript
    last_event_ids: list[str | None] = attrs.Factory(list)
    authorizations: list[str | None] = attrs.Factory(list)
    lock: threading.Lock = attrs.Factory(threading.Lock)

    @property
    def stream_url(self) -> str:
        return f"{self.url}/stream/p1"

    @property
    def connections(self) -> int:
        return len(self.last_event_ids)


def _events_to_send(script: StreamScript, last_event_id: str | None) -> list[Event]:
    if last_event_id is None or script.ignore_last_event_id:
        return list(script.events)
    ids = [event.id for event in script.events]
    return list(script.events[ids.index(last_event_id) + 1 :])


def _make_handler(server_state: SSEServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/v1/predictions/"):
                body = json.dumps(server_state.script.prediction).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            with server_state.lock:
                connection = server_state.connections
                last_event_id = self.headers.get("Last-Event-ID")
                server_state.last_event_ids.append(last_event_id)
                server_state.authorizations.append(self.headers.get("Authorization"))
            script = server_state.script
            cut = script.cuts[connection] if connection < len(script.cuts) else None
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            if script.chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if script.retry_ms is not None:
                self._write(f"retry: {script.retry_ms}\n\n".encode(), script.chunked, final=False)
            for index, event in enumerate(_events_to_send(script, last_event_id)):
                payload = event.encode()
                if script.heartbeat:
                    payload = b": ping\n\n" + payload
                if cut is not None and index == cut:
                    self._write(payload[: len(payload) // 2], script.chunked, final=False)
                    if script.chunked:
                        # Promise more bytes than are sent, then hang up: a broken body.
                        self.wfile.write(b"ff\r\npartial")
                    self.wfile.flush()
                    return
                self._write(payload, script.chunked, final=False)
            self._write(b"", script.chunked, final=True)

        def _write(self, payload: bytes, chunked: bool, *, final: bool) -> None:
            if chunked:
                if payload:
                    self.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
                if final:
                    self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(payload)
            self.wfile.flush()

    return Handler


@pytest.fixture
def sse_server() -> Iterator[SSEServer]:
    state = SSEServer(url="", script=StreamScript(events=[]))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

"""End to end: the local server delivers a signed webhook to a receiver in this test, which
verifies it with the account's default secret and parses the Prediction."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pytest

from replicate_ext import AsyncClient, Client, Prediction, webhooks
from replicate_ext.local import LocalServer
from replicate_ext.webhooks import InvalidSignature


@attrs.frozen
class Delivery:
    headers: list[tuple[str, str]]
    body: bytes


@attrs.define
class Receiver:
    url: str
    deliveries: queue.Queue[Delivery]

    def next(self, timeout: float = 20) -> Delivery:
        return self.deliveries.get(timeout=timeout)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    deliveries: queue.Queue[Delivery] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            deliveries.put(Delivery(list(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{httpd.server_address[1]}/hook", deliveries)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_signed_completed_webhook_verifies_and_parses(
    local_server: LocalServer, receiver: Receiver
) -> None:
    with Client(api_token="test", base_url=local_server.base_url) as client:
        secret = client.webhooks.default_secret()
        assert secret.startswith("whsec_")
        created = client.predictions.create(
            model="demo/hello",
            input={"name": "Grace"},
            webhook=receiver.url,
            webhook_events_filter=["completed"],
        )
    delivery = receiver.next()
    payload = webhooks.verify(delivery.headers, delivery.body, secret)
    prediction = Prediction.from_dict(payload)
    assert prediction.id == created.id
    assert prediction.status == "succeeded"
    assert "Grace" in str(prediction.output)

    # The same delivery with one byte changed, or checked with another secret, is rejected.
    with pytest.raises(InvalidSignature):
        webhooks.verify(delivery.headers, delivery.body.replace(b"Grace", b"Grace!"), secret)
    with pytest.raises(InvalidSignature):
        webhooks.verify(delivery.headers, delivery.body, "whsec_" + "QUFBQUFBQUFBQUFBQUFBQQ==")


async def test_async_default_secret_matches_sync(local_server: LocalServer) -> None:
    with Client(api_token="test", base_url=local_server.base_url) as client:
        expected = client.webhooks.default_secret()
    async with AsyncClient(api_token="test", base_url=local_server.base_url) as client:
        assert await client.webhooks.default_secret() == expected

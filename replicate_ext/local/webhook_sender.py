"""Webhook delivery: one ordered queue per prediction, ``output``/``logs`` throttled to the
latest snapshot, retries with doubling delays, and Replicate's signature headers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

import httpx

log = logging.getLogger("replicate_ext.local")

Spawn = Callable[[Coroutine[Any, Any, None]], Any]


def sign_webhook(secret: str, webhook_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256>`` over ``{id}.{timestamp}.{body}``, as Replicate signs."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{webhook_id}.{timestamp}.{body}".encode(), hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


class WebhookSender:
    """Sends on the server's event loop; ``deliveries`` may be read from any thread."""

    def __init__(
        self,
        *,
        secret: str,
        retries: int,
        retry_delay: float,
        throttle: float,
        new_id: Callable[[], str],
        spawn: Spawn,
    ) -> None:
        self.secret = secret
        self.retries = retries
        self.retry_delay = retry_delay
        self.throttle = throttle
        self.http: httpx.AsyncClient | None = None
        self._new_id = new_id
        self._spawn = spawn
        self._queues: dict[str, asyncio.Queue[tuple[str, str]]] = {}
        self._deliveries: deque[dict[str, Any]] = deque(maxlen=10_000)
        self._lock = threading.Lock()

    def enqueue(self, rid: str, url: str, event: str, body: str) -> None:
        queue = self._queues.get(rid)
        if queue is None:
            queue = asyncio.Queue()
            self._queues[rid] = queue
            self._spawn(self._worker(rid, url, queue))
        queue.put_nowait((event, body))

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """Every delivery attempt (the latest 10,000): url, event, attempt, outcome."""
        with self._lock:
            return list(self._deliveries)

    async def _worker(self, rid: str, url: str, queue: asyncio.Queue[tuple[str, str]]) -> None:
        """Sends one prediction's webhooks in order; output/logs at most once per throttle
        interval, keeping only the latest snapshot when several are waiting."""
        loop = asyncio.get_running_loop()
        last_sent = -1e9
        try:
            while True:
                event, body = await queue.get()
                if event in ("output", "logs"):
                    pause = last_sent + self.throttle - loop.time()
                    if pause > 0:
                        await asyncio.sleep(pause)
                    while not queue.empty():
                        event, body = queue.get_nowait()
                        if event not in ("output", "logs"):
                            break
                await self._deliver(url, event, body)
                last_sent = loop.time()
                if event == "completed":
                    return
        finally:
            self._queues.pop(rid, None)

    async def _deliver(self, url: str, event: str, body: str) -> None:
        assert self.http is not None
        webhook_id = "msg_" + self._new_id()
        attempts = 1 + max(0, self.retries)
        for attempt in range(attempts):
            timestamp = int(time.time())
            headers = {
                "content-type": "application/json",
                "webhook-id": webhook_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign_webhook(self.secret, webhook_id, timestamp, body),
                "user-agent": "replicate-ext-local-server",
            }
            outcome: str
            try:
                response = await self.http.post(url, content=body, headers=headers)
                outcome = str(response.status_code)
                ok = 200 <= response.status_code < 300
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
                ok = False
            with self._lock:
                self._deliveries.append(
                    {"url": url, "event": event, "attempt": attempt + 1, "outcome": outcome}
                )
            if ok:
                return
            if attempt + 1 < attempts:
                await asyncio.sleep(self.retry_delay * (2**attempt))
        log.warning("webhook %s to %s failed after %d attempts", event, url, attempts)

"""The outermost ASGI layer: injected faults first, then the bearer token, then the request
rate limits, then the body size limit. Routes below it read whether the caller authenticated
from ``scope[AUTH_SCOPE_KEY]``."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import math
import re
import socket
import struct
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .faults import FaultInjector
from .problems import Problem
from .rate_limits import RequestMeter, request_kind

AUTH_SCOPE_KEY = "replicate_ext.authenticated"
TRANSPORT_SCOPE_KEY = "replicate_ext.transport"
# stream URLs and signed downloads are handed out in responses and open without a token
_OPEN_PATHS = re.compile(r"^/v1/(?:predictions/[^/]+/stream|files/[^/]+/download)$")


class Gate:
    """Consumes injected faults, checks the bearer token, then meters the request."""

    def __init__(
        self,
        app: ASGIApp,
        faults: FaultInjector,
        token: str | None,
        max_body_bytes: int,
        meter: RequestMeter,
    ) -> None:
        self.app = app
        self.faults = faults
        self.token = token
        self.max_body_bytes = max_body_bytes
        self.meter = meter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # uvicorn's send is a bound method of the connection's cycle, which owns the transport;
        # fault injection needs it to reset or cut connections
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        scope[TRANSPORT_SCOPE_KEY] = transport
        path: str = scope["path"]
        if not path.startswith("/_admin") and await self._inject_fault(scope, receive, send):
            return
        authenticated = self._authenticated(scope)
        scope[AUTH_SCOPE_KEY] = authenticated
        needs_auth = path.startswith(("/v1/", "/_admin")) and not _OPEN_PATHS.match(path)
        # with a token, a prediction's page (its input and output) is as private as its API
        needs_auth = needs_auth or (self.token is not None and path.startswith("/p/"))
        if needs_auth and not authenticated:
            await unauthenticated().response()(scope, receive, send)
            return
        kind = request_kind(scope["method"], path)
        if kind is not None:
            wait = self.meter.admit(kind)
            if wait > 0.0:
                await throttled(wait).response()(scope, receive, send)
                return
        if scope["method"] == "POST" and path == "/v1/files":
            await self.app(scope, receive, send)  # uploads enforce their own, larger limit
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            # answered without reading the body; uvicorn closes the connection afterwards
            await too_large(self.max_body_bytes).response()(scope, receive, send)
            return
        await self.app(scope, _limited(receive, self.max_body_bytes), send)

    async def _inject_fault(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Apply the next matching fault; True when it answered (or dropped) the request."""
        fault = self.faults.take(scope["method"], scope["path"], ("status", "reset", "delay"))
        if fault is None:
            return False
        if fault.action == "delay":
            await asyncio.sleep(fault.delay_seconds)
            return False
        if fault.action == "reset":
            reset_connection(scope[TRANSPORT_SCOPE_KEY])
            await asyncio.sleep(0)  # let uvicorn see the disconnect before we return
            return True
        headers = {}
        if fault.retry_after is not None:
            headers["retry-after"] = f"{fault.retry_after:g}"
        problem = Problem(fault.status_code, "injected fault", headers=headers)
        await problem.response()(scope, receive, send)
        return True

    def _authenticated(self, scope: Scope) -> bool:
        for key, value in scope["headers"]:
            if key == b"authorization":
                scheme, _, credential = value.decode("latin-1").strip().partition(" ")
                credential = credential.strip()
                if scheme.lower() not in ("bearer", "token") or not credential:
                    return False
                if self.token is None:
                    return True
                return hmac.compare_digest(credential.encode(), self.token.encode())
        return False


def _content_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            return int(value) if value.isdigit() else None  # h11 rejects malformed ones
    return None


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that stops a body (chunked ones too) as soon as it grows past ``limit``."""
    received = 0

    async def receive_limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(limit)
        return message

    return receive_limited


def too_large(limit: int) -> Problem:
    return Problem(413, f"request bodies may be at most {limit} bytes")


def throttled(wait: float) -> Problem:
    """The 429 for a request over the limit: ``Retry-After`` in whole seconds, at least 1."""
    seconds = max(1, math.ceil(wait))
    unit = "second" if seconds == 1 else "seconds"
    return Problem(
        429,
        f"Request was throttled. Expected available in {seconds} {unit}.",
        headers={"retry-after": str(seconds)},
    )


def unauthenticated() -> Problem:
    return Problem(
        401,
        "You did not pass a valid authentication token",
        headers={"www-authenticate": 'Bearer realm="replicate-ext"'},
    )


def reset_connection(transport: Any) -> None:
    """Drop the TCP connection with a RST, as a crashed proxy would."""
    if transport is None:
        raise RuntimeError("injected connection reset")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()

"""``GET /v1/predictions/{id}/stream``: a prediction's events as ``text/event-stream``,
resuming after ``Last-Event-ID``, with a ``: ping`` comment while idle."""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.types import Message, Receive, Scope, Send

from .engine import Engine
from .gate import TRANSPORT_SCOPE_KEY
from .http import origin_of
from .problems import Problem, invalid_field
from .store import FILE_REF_PREFIX, TERMINAL

_EVENT_SEQ = re.compile(r"[0-9]+")
_FILE_REF = re.compile(re.escape(FILE_REF_PREFIX) + r"([a-z0-9]+)")


class EventStream:
    """A raw ASGI app rather than a Starlette endpoint, so that fault injection can cut the
    connection mid-stream."""

    heartbeat = 5.0  # a comment line this often keeps idle streams under clients' read timeouts

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        engine = self.engine
        rid = scope["path_params"]["id"]
        if engine.get("prediction", rid) is None:
            await Problem(404, "prediction not found").response()(scope, receive, send)
            return
        request = Request(scope)
        file_url = engine.files.url_builder(origin_of(request))
        try:
            last = last_event_seq(request.headers.get("last-event-id"))
        except ValueError:
            problem = invalid_field("Last-Event-ID", "must be an event id this stream sent")
            await problem.response()(scope, receive, send)
            return
        cut = engine.faults.take("GET", scope["path"], ("cut_stream",))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        disconnected = asyncio.ensure_future(_wait_disconnect(receive))
        sent = 0
        try:
            while True:
                for seq, event, data in engine.store.events_after(rid, last):
                    data = _FILE_REF.sub(lambda m: file_url(m.group(1)), data)
                    await send(
                        {
                            "type": "http.response.body",
                            "body": format_sse(seq, event, data),
                            "more_body": True,
                        }
                    )
                    last = seq
                    sent += 1
                    if cut is not None and sent >= cut.after_events:
                        transport = scope.get(TRANSPORT_SCOPE_KEY)
                        if transport is not None:
                            transport.close()
                            await asyncio.sleep(0)  # uvicorn notes the disconnect first
                        return
                    if event == "done":
                        await send({"type": "http.response.body", "body": b"", "more_body": False})
                        return
                rec = engine.get("prediction", rid)
                if rec is None or (
                    rec["status"] in TERMINAL and not engine.store.events_after(rid, last)
                ):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
                change = asyncio.ensure_future(engine.wait_change(rid, self.heartbeat))
                done, _ = await asyncio.wait(
                    {change, disconnected}, return_when=asyncio.FIRST_COMPLETED
                )
                if disconnected in done:
                    change.cancel()
                    return
                if not engine.store.events_after(rid, last):
                    rec = engine.get("prediction", rid)
                    if rec is not None and rec["status"] not in TERMINAL:
                        await send(
                            {"type": "http.response.body", "body": b": ping\n\n", "more_body": True}
                        )
        finally:
            disconnected.cancel()


def last_event_seq(header: str | None) -> int:
    """The sequence number in ``Last-Event-ID`` (``42`` or ``<id>:42``), or -1 for none or one
    that is not a number; ValueError for a number no stream sends."""
    if not header:
        return -1
    digits = header.rsplit(":", 1)[-1].strip()
    if not _EVENT_SEQ.fullmatch(digits):
        return -1
    if len(digits) > 18:  # beyond SQLite's integers
        raise ValueError(header)
    return int(digits)


async def _wait_disconnect(receive: Receive) -> None:
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return


def format_sse(seq: int, event: str, data: str) -> bytes:
    lines = [f"event: {event}", f"id: {seq}"]
    lines += [f"data: {line}" for line in data.split("\n")]
    return ("\n".join(lines) + "\n\n").encode()

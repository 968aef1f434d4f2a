"""Cursor pagination: opaque cursors this server issues, ``next``/``previous`` as absolute
URLs. Plain lists page by offset; predictions and trainings page by their sequence number so
that new predictions never shift a page."""

from __future__ import annotations

import base64
import re
from datetime import UTC
from typing import Any

from starlette.requests import Request

from .http import engine_of, parse_date_time
from .models import JSON
from .problems import Problem, invalid_field
from .render import prediction_json
from .store import iso

_CURSOR = re.compile(r"[oba]:[0-9]{1,18}")


def encode_cursor(kind: str, value: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[str, int]:
    try:
        padded = text + "=" * (-len(text) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except ValueError:
        decoded = ""
    # at most 18 digits: every value fits SQLite's 64-bit integers
    if not _CURSOR.fullmatch(decoded):
        raise Problem(400, "cursor: not a cursor this server issued")
    kind, _, value = decoded.partition(":")
    return kind, int(value)


def page_url(request: Request, cursor: str) -> str:
    return str(request.url.include_query_params(cursor=cursor))


def paginate(request: Request, items: list[Any]) -> JSON:
    """One page of an in-memory list."""
    size = engine_of(request).settings.page_size
    offset = 0
    if "cursor" in request.query_params:
        kind, offset = decode_cursor(request.query_params["cursor"])
        if kind != "o" or offset < 0:
            raise Problem(400, "cursor: not a cursor for this list")
    end = offset + size
    return {
        "next": page_url(request, encode_cursor("o", end)) if end < len(items) else None,
        "previous": (
            page_url(request, encode_cursor("o", max(0, offset - size))) if offset > 0 else None
        ),
        "results": items[offset:end],
    }


def paginate_predictions(request: Request, kind: str) -> JSON:
    """One page of predictions or trainings, newest first, filtered by creation time."""
    engine = engine_of(request)
    params = request.query_params
    filters: dict[str, str] = {}
    for name in ("created_after", "created_before"):
        if name in params:
            try:
                filters[name] = iso(parse_date_time(params[name]).astimezone(UTC))
            except (ValueError, OverflowError):
                raise invalid_field(name, "must be a date-time with a time zone") from None
    before = after = None
    if "cursor" in params:
        direction, seq = decode_cursor(params["cursor"])
        if direction == "b":
            before = seq
        elif direction == "a":
            after = seq
        else:
            raise Problem(400, "cursor: not a cursor for this list")
    rows, has_newer, has_older = engine.store.page_predictions(
        kind, limit=engine.settings.page_size, before=before, after=after, **filters
    )
    results = [prediction_json(request, engine.get(kind, rec["id"]) or rec) for _, rec in rows]
    return {
        "next": page_url(request, encode_cursor("b", rows[-1][0])) if has_older else None,
        "previous": page_url(request, encode_cursor("a", rows[0][0])) if has_newer else None,
        "results": results,
    }

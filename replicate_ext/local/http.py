"""Small request/response helpers every route shares: the engine of a request, absolute
origins, JSON bodies, and the header grammars (``Prefer: wait``, ``Cancel-After``)."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from .engine import Engine
from .models import JSON
from .problems import Problem, invalid_field

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?$")


def engine_of(request: Request) -> Engine:
    """The engine behind this app (``create_app`` puts it on ``app.state``)."""
    engine: Engine = request.app.state.engine
    return engine


def origin_of(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


async def json_body(request: Request, *, required: bool = True) -> JSON:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise Problem(400, "the request body must be a JSON object")
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise Problem(400, f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Problem(400, "the request body must be a JSON object")
    return data


def parse_prefer_wait(header: str | None) -> float | None:
    """Seconds to hold the response for ``Prefer: wait[=N]`` (1-60), or None."""
    if not header:
        return None
    for token in header.split(","):
        token = token.strip()
        if token == "wait":
            return 60.0
        if token.startswith("wait="):
            value = token[len("wait=") :]
            if not value.isdigit() or not 1 <= int(value) <= 60:
                raise invalid_field("Prefer", "wait must be a whole number of seconds from 1 to 60")
            return float(value)
    return None


def parse_duration(text: str) -> float:
    """``30``, ``30s``, ``5m``, ``1h30m45s`` → seconds."""
    match = _DURATION.match(text.strip())
    if not text.strip() or match is None:
        raise ValueError(text)
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def split_ref(ref: str) -> tuple[str, str] | None:
    """``owner/name`` → (owner, name), or None when it is not that shape."""
    owner, sep, name = ref.partition("/")
    if not sep or not owner or not name or "/" in name:
        return None
    return owner, name

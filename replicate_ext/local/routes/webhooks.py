"""``GET /v1/webhooks/default/secret``: the key this server signs webhooks with."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..http import engine_of, ok


async def default_secret(request: Request) -> Response:
    return ok({"key": engine_of(request).webhook_secret})

"""``GET /v1/account``: who the caller is here (always the one local user)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..http import ok
from ..store import ACCOUNT_USERNAME

ACCOUNT = {"type": "user", "username": ACCOUNT_USERNAME, "name": "Local User"}


async def get(request: Request) -> Response:
    return ok(ACCOUNT)

"""Errors as ``application/problem+json`` ``{title, detail, status}``: the one way every route,
the gate and the exception handlers answer a failure. 500s never echo exception text."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .models import JSON, InvalidField

log = logging.getLogger("replicate_ext.local")

PROBLEM = "application/problem+json"
_TITLES = {
    400: "Bad Request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Request Entity Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Problem(Exception):
    """An error answered as application/problem+json {title, detail, status}."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        extra: JSON | None = None,
        media_type: str = PROBLEM,
    ) -> None:
        super().__init__(detail)
        self.media_type = media_type
        self.status = status
        self.detail = detail
        self.title = title or _TITLES.get(status, "Error")
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> JSON:
        return {"title": self.title, "detail": self.detail, "status": self.status, **self.extra}

    def response(self) -> Response:
        return JSONResponse(
            self.body(), status_code=self.status, headers=self.headers, media_type=self.media_type
        )


def invalid(fields: list[InvalidField], *, title: str = "Invalid input") -> Problem:
    """A 422 listing each field at fault in ``invalid_fields``."""
    detail = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return Problem(
        422,
        detail,
        title=title,
        extra={
            "invalid_fields": [
                {"type": "invalid", "field": f.field, "description": f.message} for f in fields
            ]
        },
    )


def invalid_field(field: str, message: str) -> Problem:
    return invalid([InvalidField(field, message)], title="Invalid request")


def require_fields(body: JSON, fields: list[str]) -> None:
    missing = [f for f in fields if f not in body]
    if missing:
        raise invalid([InvalidField(f, "is required") for f in missing], title="Invalid request")


def reject_unknown(body: JSON, allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise invalid(
            [InvalidField(name, "is not a known field") for name in unknown],
            title="Invalid request",
        )


# --- exception handlers of the Starlette app ------------------------------------------------


async def on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return exc.response()


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404:
        detail = f"no such endpoint: {request.method} {request.url.path}"
    return Problem(exc.status_code, detail, headers=dict(exc.headers or {})).response()


async def on_client_disconnect(request: Request, exc: Exception) -> Response:
    # nobody is left to answer; one line says what happened, without a traceback
    log.warning(
        "%s %s: the client disconnected before sending its whole body",
        request.method,
        request.url.path,
    )
    return Response(status_code=400)


async def on_crash(request: Request, exc: Exception) -> Response:
    # the traceback goes to the server's log; the client learns only that it was our fault
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return Problem(500, "the local server failed to handle this request").response()

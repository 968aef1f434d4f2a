"""Exception hierarchy and the mapping from an HTTP error response to a typed error.

Everything here is pure: :func:`error_from_response` only looks at an already-read response.
"""

from __future__ import annotations

import json
from typing import Any, TypedDict, Unpack

import httpx

# The module, not its classes: they load on first use (replicate_ext.types), and
# `types.Prediction` resolves at run time both here and in replicate_ext, where these errors are
# shown (typing.get_type_hints).
from . import types

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseDecodeError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "MissingAPITokenError",
    "ModelError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReplicateError",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "decode_json",
    "error_from_response",
]

# How much of a non-JSON error body is kept in the message: enough to recognise an HTML error
# page from a proxy, short enough to keep logs readable.
_SNIPPET_CHARS = 200
# Said of every failure after a create (or another non-idempotent request) went out.
MAY_HAVE_TAKEN_EFFECT = (
    " and may have taken effect (a create may have created its prediction, file or "
    "training): check before sending it again"
)


class ReplicateError(Exception):
    """Base class of every error raised by replicate_ext.

    ``prediction_id`` is set when the failing call had already created a prediction (e.g.
    ``run()`` or ``stream()`` losing the connection while following it): the prediction may
    still be running, and this id is the way to wait on, fetch or cancel it.
    """

    prediction_id: str | None = None


class MissingAPITokenError(ReplicateError):
    """No API token was given and ``REPLICATE_API_TOKEN`` is not set."""


class ResponseFields(TypedDict, total=False):
    """What an :class:`APIError` carries besides its message and status (each may be left
    out)."""

    title: str | None
    detail: str | None
    body: Any
    response: httpx.Response | None


class APIError(ReplicateError):
    """The API answered with an HTTP error status.

    ``title`` and ``detail`` come from the problem+json body when there is one; ``body`` is the
    decoded JSON (or the text) of the response and ``response`` the httpx response itself.
    """

    status: int
    title: str | None
    detail: str | None
    body: Any
    response: httpx.Response | None

    def __init__(self, message: str, *, status: int, **fields: Unpack[ResponseFields]) -> None:
        super().__init__(message)
        unknown = fields.keys() - ResponseFields.__annotations__.keys()
        if unknown:
            raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
        self.status = status
        self.title = fields.get("title")
        self.detail = fields.get("detail")
        self.body = fields.get("body")
        self.response = fields.get("response")

    @property
    def status_code(self) -> int:
        """Alias of :attr:`status` (the name httpx uses)."""
        return self.status

    @property
    def request_id(self) -> str | None:
        """The server's request id header, handy in support requests."""
        if self.response is None:
            return None
        value: str | None = self.response.headers.get("x-request-id")
        return value


class BadRequestError(APIError):
    """400: the request was malformed."""


class AuthenticationError(APIError):
    """401: the API token is missing or invalid."""


class PermissionDeniedError(APIError):
    """403: the token is valid but may not do this."""


class NotFoundError(APIError):
    """404: no such prediction, model, version, deployment, ..."""


class ConflictError(APIError):
    """409: the resource is in a state that conflicts with the request."""


class UnprocessableEntityError(APIError):
    """422: the request was understood but its content is invalid (e.g. bad model input)."""


class RateLimitError(APIError):
    """429: too many requests. ``retry_after`` is the server's hint in seconds, if any."""

    retry_after: float | None

    def __init__(
        self,
        message: str,
        *,
        status: int,
        retry_after: float | None = None,
        **fields: Unpack[ResponseFields],
    ) -> None:
        super().__init__(message, status=status, **fields)
        self.retry_after = retry_after


class InternalServerError(APIError):
    """5xx: the server failed."""


class APIResponseDecodeError(APIError):
    """A success status whose body is not the JSON the API sends (e.g. an HTML page from a
    proxy). ``body`` is a short snippet of the text and ``response`` the httpx response.

    The request did reach something that answered: after a create, the prediction (or file,
    training, ...) may exist — look it up before sending the create again.
    """


class APIConnectionError(ReplicateError):
    """The request failed before a response arrived (DNS, refused connection, reset, ...)."""

    request: httpx.Request | None

    def __init__(
        self, message: str = "Connection error.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out."""

    def __init__(
        self, message: str = "Request timed out.", *, request: httpx.Request | None = None
    ) -> None:
        super().__init__(message, request=request)


class ModelError(ReplicateError):
    """The prediction ended without succeeding (``failed``, or ``canceled``/``aborted``);
    ``prediction`` holds it, with its error and logs."""

    prediction: types.Prediction | types.Training

    def __init__(self, prediction: types.Prediction | types.Training) -> None:
        if prediction.status == "failed":
            error = prediction.error if prediction.error is not None else "no error message"
            message = f"Prediction {prediction.id} failed: {error}"
        else:
            message = f"Prediction {prediction.id} ended {prediction.status}"
        super().__init__(message)
        self.prediction = prediction
        self.prediction_id = prediction.id


class WaitTimeoutError(ReplicateError):
    """Waiting gave up before the prediction finished. ``prediction`` is its last known state,
    so its id is never lost: poll it later, or cancel it."""

    prediction: types.Prediction | types.Training

    def __init__(self, prediction: types.Prediction | types.Training, waited: float) -> None:
        super().__init__(
            f"Prediction {prediction.id} still {prediction.status!r} after waiting {waited:.1f}s"
        )
        self.prediction = prediction
        self.prediction_id = prediction.id


def keep_prediction_id(error: BaseException, prediction_id: str) -> None:
    """Attach the id of a prediction created before ``error`` was raised, unless the error
    already carries one, so a failure while following the prediction never loses it."""
    if isinstance(error, ReplicateError):
        if error.prediction_id is not None:
            return
        error.prediction_id = prediction_id
    error.add_note(f"prediction {prediction_id} was created and may still be running")


_ERROR_BY_STATUS: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _scrub(text: str, secret: str | None) -> str:
    if secret:
        return text.replace(secret, "***")
    return text


def _scrub_json(value: Any, secret: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, "***")
    if isinstance(value, list):
        return [_scrub_json(item, secret) for item in value]
    if isinstance(value, dict):
        # Keys too: a server may echo request headers back as an object keyed by their values.
        return {_scrub_json(key, secret): _scrub_json(item, secret) for key, item in value.items()}
    return value


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    # e.g. a validation error list in "detail"
    return json.dumps(value, separators=(",", ":"), default=str)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        import datetime as _dt

        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.UTC)
        seconds = (when - _dt.datetime.now(_dt.UTC)).total_seconds()
    if seconds != seconds or seconds < 0:  # NaN or in the past
        return 0.0
    return seconds


def retry_after_of(response: httpx.Response, body: Any = None) -> float | None:
    """The server's retry hint: ``Retry-After`` header first, else a ``retry_after`` body field."""
    seconds = parse_retry_after(response.headers.get("retry-after"))
    if seconds is None and isinstance(body, dict):
        hint = body.get("retry_after")
        if isinstance(hint, int | float) and not isinstance(hint, bool):
            seconds = max(0.0, float(hint))
    return seconds


def error_from_response(response: httpx.Response, *, api_token: str | None = None) -> APIError:
    """Build the typed error for an already-read error response.

    Understands problem+json (``title``/``detail``/``status``) and plain ``{"detail": ...}``
    bodies; any other body is kept as a short text snippet. ``api_token`` is scrubbed from the
    message, title, detail and body in case a server or proxy echoes it back.
    """
    status = response.status_code
    content = response.content
    body: Any = None
    title: str | None = None
    detail: str | None = None
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = None
    if api_token and body is not None:
        body = _scrub_json(body, api_token)
    if isinstance(body, dict):
        title = _as_text(body.get("title"))
        detail = _as_text(body.get("detail"))
        if detail is None and title is None:
            detail = _as_text(body.get("error") or body.get("message"))
    elif content:
        # Scrubbed before it is cut short, so a token straddling the cut leaves no prefix.
        text = _scrub(response.text.strip(), api_token)
        body = text
        detail = text if len(text) <= _SNIPPET_CHARS else text[:_SNIPPET_CHARS] + "…"
    reason = title or response.reason_phrase or "HTTP error"
    message = f"{status} {reason}"
    if detail and detail != title:
        message = f"{message}: {detail}"
    message = _scrub(message, api_token)

    fields: ResponseFields = {"title": title, "detail": detail, "body": body, "response": response}
    if status == 429:
        retry_after = retry_after_of(response, body)
        return RateLimitError(message, status=status, retry_after=retry_after, **fields)
    cls = _ERROR_BY_STATUS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIError
    return cls(message, status=status, **fields)


def _sent_token(request: httpx.Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" and token else None


def decode_json(response: httpx.Response) -> Any:
    """The JSON body of a successful response, or :class:`APIResponseDecodeError` when the
    body is not JSON. Every call site that reads a response body as JSON goes through here."""
    try:
        return json.loads(response.content)
    except ValueError:  # JSONDecodeError, and UnicodeDecodeError for undecodable bytes
        raise _decode_error(response) from None


def _decode_error(response: httpx.Response) -> APIResponseDecodeError:
    request = response.request
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    # Only the start of the body is decoded: a proxy page can be large.
    limit = _SNIPPET_CHARS * 4
    content = response.content
    head = content[:limit].decode("utf-8", errors="replace")
    token = _sent_token(request)
    if token:  # a page may echo the request's headers back
        head = head.replace(token, "***")
        if len(content) > limit:
            head = head[: -len(token)]  # nor half a token cut off at the end
    text = " ".join(head.split())
    snippet = text if len(text) <= _SNIPPET_CHARS else text[:_SNIPPET_CHARS] + "…"
    what = f"{request.method} {request.url.path}"
    message = (
        f"{response.status_code} response to {what} is not JSON "
        f"({content_type or 'no content type'}): {snippet or '(empty body)'}"
    )
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        message += " — the request reached the server" + MAY_HAVE_TAKEN_EFFECT
    return APIResponseDecodeError(
        message,
        status=response.status_code,
        detail=snippet or None,
        body=snippet,
        response=response,
    )

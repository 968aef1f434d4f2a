"""Raw HTTP responses next to parsed results: ``with_raw_response``.

While a wrapped call runs, the base client appends every final HTTP response to a list held in a
ContextVar (so concurrent calls in threads or tasks stay apart); the wrapper returns the last one
with the parsed value.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Generic, ParamSpec, TypeVar

import attrs
import httpx

__all__ = [
    "RawResponse",
    "RawResponseProxy",
    "async_with_raw_response",
    "capture",
    "with_raw_response",
]

T = TypeVar("T")
P = ParamSpec("P")

_captured_responses: ContextVar[list[httpx.Response] | None] = ContextVar(
    "replicate_ext_captured_responses", default=None
)


def capture(response: httpx.Response) -> None:
    """Keep ``response`` for the ``with_raw_response`` call running now, if any."""
    sink = _captured_responses.get()
    if sink is not None:
        sink.append(response)


@attrs.frozen
class RawResponse(Generic[T]):
    """A parsed result together with the HTTP response it came from.

    >>> raw = client.with_raw_response.predictions.get("abc")   # doctest: +SKIP
    >>> raw.headers["x-ratelimit-remaining"], raw.parse().status   # doctest: +SKIP
    """

    http_response: httpx.Response
    parsed: T

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    def parse(self) -> T:
        return self.parsed


def _last_response(sink: list[httpx.Response]) -> httpx.Response:
    if not sink:
        raise RuntimeError("the call made no HTTP request, so there is no raw response")
    return sink[-1]


def with_raw_response(func: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """Wrap a client method so it returns a :class:`RawResponse` (parsed value + the last HTTP
    response of the call).

    >>> raw = replicate_ext.with_raw_response(client.predictions.get)("abc")   # doctest: +SKIP
    """

    def wrapper(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        sink: list[httpx.Response] = []
        token = _captured_responses.set(sink)
        try:
            value = func(*args, **kwargs)
        finally:
            _captured_responses.reset(token)
        return RawResponse(http_response=_last_response(sink), parsed=value)

    return wrapper


def async_with_raw_response(
    func: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[RawResponse[T]]]:
    """Async :func:`with_raw_response`."""

    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        sink: list[httpx.Response] = []
        token = _captured_responses.set(sink)
        try:
            value = await func(*args, **kwargs)
        finally:
            _captured_responses.reset(token)
        return RawResponse(http_response=_last_response(sink), parsed=value)

    return wrapper


class RawResponseProxy:
    """``client.with_raw_response.<resource>.<method>(...)`` → :class:`RawResponse`.

    Coroutine methods (the async client's) are wrapped to be awaited, others called.
    """

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr) or name.startswith("_"):
            if hasattr(attr, "_client"):  # a resource: wrap its methods too
                return RawResponseProxy(attr)
            return attr
        if hasattr(attr, "_client") and not hasattr(attr, "__func__"):
            return RawResponseProxy(attr)
        if inspect.iscoroutinefunction(attr):
            return async_with_raw_response(attr)
        return with_raw_response(attr)

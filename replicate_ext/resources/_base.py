"""Shared plumbing of the resource classes: the client handle, pages and small helpers.

Resources are thin: a generated ``build_request`` builds the request, the per-call
:class:`~replicate_ext._options.RequestOptions` are applied to it, the base client sends it, a
``from_dict`` parses the JSON. Sync and async twins differ only by ``await``.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx

from .._async.api_client import AsyncAPIClient
from .._deadline import Deadline, with_grace
from .._errors import (
    APIConnectionError,
    InternalServerError,
    RateLimitError,
    ReplicateError,
    WaitTimeoutError,
    decode_json,
    keep_prediction_id,
)
from .._options import RequestOptions, apply_options
from .._pagination import AsyncPage, Page, next_page_url, parse_page_fields
from .._sync.api_client import SyncAPIClient
from .._wait import WaitState

T = TypeVar("T")
Parser = Callable[[Mapping[str, Any]], T]
# The progress hook of wait/run: called with each state seen; the async client's may be async.
OnUpdate = Callable[[Any], object]


def with_options(request: dict[str, Any], options: RequestOptions) -> dict[str, Any]:
    """``request`` with the caller's per-call options applied (unchanged when there are none,
    the common case on the hot path)."""
    return apply_options(request, options) if options else request


def _page_items(data: Any, parse: Parser[T]) -> tuple[list[T], str | None, str | None]:
    results, nxt, prev = parse_page_fields(data)
    return [parse(item) for item in results if isinstance(item, dict)], nxt, prev


def _next_request(request: dict[str, Any], next_url: str) -> dict[str, Any]:
    # The cursor replaces the first request's query string, so its params must not be re-sent.
    following = dict(request)
    following["url"] = next_page_url(request["url"], next_url)
    following.pop("params", None)
    return following


class SyncResource:
    """Base of every sync resource: holds the base client that sends requests."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def _send(self, request: dict[str, Any], options: RequestOptions) -> httpx.Response:
        return self._client.request(**with_options(request, options))

    def _json(self, request: dict[str, Any], options: RequestOptions) -> Any:
        return decode_json(self._client.request(**with_options(request, options)))

    def _page(self, request: dict[str, Any], parse: Parser[T], options: RequestOptions) -> Page[T]:
        return self._next_page(with_options(request, options), parse)

    def _next_page(self, request: dict[str, Any], parse: Parser[T]) -> Page[T]:
        data = decode_json(self._client.request(**request))
        items, nxt, prev = _page_items(data, parse)

        def fetch(next_url: str) -> Page[T]:
            return self._next_page(_next_request(request, next_url), parse)

        return Page(items, nxt, prev, fetch=fetch)


class AsyncResource:
    """Base of every async resource."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def _send(self, request: dict[str, Any], options: RequestOptions) -> httpx.Response:
        return await self._client.request(**with_options(request, options))

    async def _json(self, request: dict[str, Any], options: RequestOptions) -> Any:
        return decode_json(await self._client.request(**with_options(request, options)))

    async def _page(
        self, request: dict[str, Any], parse: Parser[T], options: RequestOptions
    ) -> AsyncPage[T]:
        return await self._next_page(with_options(request, options), parse)

    async def _next_page(self, request: dict[str, Any], parse: Parser[T]) -> AsyncPage[T]:
        data = decode_json(await self._client.request(**request))
        items, nxt, prev = _page_items(data, parse)

        async def fetch(next_url: str) -> AsyncPage[T]:
            return await self._next_page(_next_request(request, next_url), parse)

        return AsyncPage(items, nxt, prev, fetch=fetch)


def as_dict(data: Any) -> Mapping[str, Any]:
    """The JSON object of a response, or an empty one (parsers then fill in None)."""
    return data if isinstance(data, dict) else {}


def optional(value: T | None) -> Any:
    """None → the generator's UNSET, so absent arguments are left out of the request."""
    if value is None:
        from replicate_api.types import UNSET

        return UNSET
    return value


# Errors a poll or cancel ends with when the call's deadline cut it short (a stalled or
# rate-limiting server): past the deadline they mean "waiting timed out".
_CUT_SHORT = (APIConnectionError, RateLimitError, InternalServerError)

Fetch = Callable[[str, Deadline | None], T]


def _timed_out(state: WaitState[Any], cancel_failure: BaseException | None) -> WaitTimeoutError:
    error = WaitTimeoutError(state.current, state.waited)
    error.__cause__ = state.cause
    if cancel_failure is not None:
        error.add_note(f"cancel_on_timeout: the cancel failed ({cancel_failure}); it may still run")
    return error


def wait_sync(
    current: Any,
    get: Fetch[Any],
    cancel: Fetch[Any],
    *,
    deadline: Deadline | None,
    cancel_on_timeout: bool,
    already_waited: float = 0.0,
    on_update: OnUpdate | None = None,
) -> Any:
    """The polling loop over :class:`WaitState` (predictions and trainings alike).

    ``current`` is the last known state or an id; ``get`` and ``cancel`` take an id and the
    deadline their request must meet. The last poll falls on ``deadline`` itself, so a timeout
    reports a fresh state; every request (and the cancel) ends within ``DEADLINE_GRACE`` after
    it, and a poll the deadline cut short ends the wait as a timeout. ``on_update`` sees the
    starting state and then every polled one.
    """
    requests_end = with_grace(deadline)
    if isinstance(current, str):
        try:
            current = get(current, requests_end)
        except (Exception, KeyboardInterrupt) as error:
            keep_prediction_id(error, current)
            raise
    state = WaitState(current, timeout=_left(deadline), already_waited=already_waited)
    if on_update is not None:
        on_update(current)
    while (delay := state.next_delay()) is not None:
        time.sleep(delay)
        try:
            state.update(get(state.current.id, requests_end))
        except _CUT_SHORT as error:
            state.poll_failed(error)
            continue
        if on_update is not None:
            on_update(state.current)
    if not state.timed_out:
        return state.current
    cancel_failure = None
    if cancel_on_timeout:
        try:
            state.update(cancel(state.current.id, requests_end))
        except ReplicateError as error:
            cancel_failure = error
    raise _timed_out(state, cancel_failure)


async def wait_async(
    current: Any,
    get: Fetch[Awaitable[Any]],
    cancel: Fetch[Awaitable[Any]],
    *,
    deadline: Deadline | None,
    cancel_on_timeout: bool,
    already_waited: float = 0.0,
    on_update: OnUpdate | None = None,
) -> Any:
    """Async :func:`wait_sync`; ``on_update`` may be a plain or an async callable."""
    import anyio

    requests_end = with_grace(deadline)
    if isinstance(current, str):
        try:
            current = await get(current, requests_end)
        except (Exception, KeyboardInterrupt) as error:
            keep_prediction_id(error, current)
            raise
    state = WaitState(current, timeout=_left(deadline), already_waited=already_waited)
    if on_update is not None:
        await notify(on_update, current)
    while (delay := state.next_delay()) is not None:
        await anyio.sleep(delay)
        try:
            state.update(await get(state.current.id, requests_end))
        except _CUT_SHORT as error:
            state.poll_failed(error)
            continue
        if on_update is not None:
            await notify(on_update, state.current)
    if not state.timed_out:
        return state.current
    cancel_failure = None
    if cancel_on_timeout:
        try:
            state.update(await cancel(state.current.id, requests_end))
        except ReplicateError as error:
            cancel_failure = error
    raise _timed_out(state, cancel_failure)


def _left(deadline: Deadline | None) -> float | None:
    return None if deadline is None else deadline.remaining()


async def notify(on_update: OnUpdate, state: Any) -> None:
    """Call an async client's progress hook, awaiting it when it is a coroutine function."""
    result = on_update(state)
    if inspect.isawaitable(result):
        await result

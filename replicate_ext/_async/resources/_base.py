"""Shared plumbing of the resource classes: the client handle, pages and small helpers."""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from ..._deadline import Deadline, with_grace
from ..._errors import (
    ReplicateError,
    decode_json,
    keep_prediction_id,
)
from ..._io import call_hook_async, sleep_async
from ..._options import RequestOptions
from ..._pagination import AsyncPage
from ..._wait import Followed, PollBudget, WaitState, is_terminal
from ...resources._base import (
    CUT_SHORT,
    OnUpdate,
    Parser,
    T,
    next_request,
    page_items,
    time_left,
    timed_out_error,
    with_options,
)
from ..api_client import AsyncAPIClient


class StateFetcher(Protocol):
    """Fetches (or cancels) a prediction or training by id within a deadline."""

    async def __call__(self, object_id: str, deadline: Deadline | None, /) -> Any: ...


class EventFollower(Protocol):
    """Waits on a prediction by other means than polling until it is over or ``deadline``
    passes. Returns its final state when it learned a complete one, ``Followed.ENDED`` when it
    learned only that it is over, ``Followed.NOTHING`` when it could not follow it."""

    async def __call__(self, current: Any, deadline: Deadline | None, /) -> Any: ...


class AsyncResource:
    """Base of every resource: holds the base client that sends requests."""

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
        items, nxt, prev = page_items(data, parse)

        async def fetch(next_url: str) -> AsyncPage[T]:
            return await self._next_page(next_request(request, next_url), parse)

        return AsyncPage(items, nxt, prev, fetch=fetch)


async def poll_until_done_async(
    current: Any,
    get: StateFetcher,
    cancel: StateFetcher,
    *,
    deadline: Deadline | None,
    cancel_on_timeout: bool,
    already_waited: float = 0.0,
    on_update: OnUpdate | None = None,
    follow: EventFollower | None = None,
    budget: PollBudget | None = None,
    min_interval: float | None = None,
) -> Any:
    """The polling loop over :class:`WaitState` (predictions and trainings alike).

    ``current`` is the last known state or an id; ``get`` and ``cancel`` take an id and the
    deadline their request must meet. The last poll falls on ``deadline`` itself, so a timeout
    reports a fresh state; every request (and the cancel) ends within ``DEADLINE_GRACE`` after
    it, and a poll the deadline cut short ends the wait as a timeout. ``on_update`` sees the
    starting state and then every polled one (the async client's may be a coroutine function).

    ``follow`` (predictions: event stream, shared poller) is awaited first, until it learns
    the prediction is over or ``deadline``; unless it returns the final state, one poll then
    fetches it (or, at the deadline, the latest), and polling goes on only if not terminal.
    Each poll takes its turn in ``budget``, the client's shared one, never waiting past
    ``deadline`` for it. ``min_interval`` raises the schedule's floor (e.g. a gentler CLI).
    """
    requests_end = with_grace(deadline)
    if isinstance(current, str):
        try:
            current = await get(current, requests_end)
        except (Exception, KeyboardInterrupt) as error:
            keep_prediction_id(error, current)
            raise
    state = WaitState(
        current,
        timeout=time_left(deadline),
        already_waited=already_waited,
        min_interval=min_interval,
    )
    if on_update is not None:
        await call_hook_async(on_update, current)
    if follow is not None and not is_terminal(current.status):
        outcome = await follow(current, deadline)
        if outcome is Followed.ENDED:
            state.poll_now()
        elif outcome is not Followed.NOTHING:
            state.update(outcome)
            if on_update is not None:
                await call_hook_async(on_update, outcome)
    while (delay := state.next_delay()) is not None:
        await sleep_async(delay)
        if budget is not None and (turn := budget.reserve()):
            await sleep_async(turn if deadline is None else deadline.clamp(turn))
        try:
            state.update(await get(state.current.id, requests_end))
        except CUT_SHORT as error:
            state.poll_failed(error)
            continue
        if on_update is not None:
            await call_hook_async(on_update, state.current)
    if not state.timed_out:
        return state.current
    cancel_failure = None
    if cancel_on_timeout:
        try:
            state.update(await cancel(state.current.id, requests_end))
        except ReplicateError as error:
            cancel_failure = error
    raise timed_out_error(state, cancel_failure)

"""One poller for many async waits: statuses learned from the predictions list.

When an async client waits on many predictions at once, polling each by id multiplies the
requests, and within the client's poll budget each wait is then polled ever more rarely. A
:class:`StatusBoard` (one per client and event loop) lets those waits share one poller: one
waiting task at a time leads, lists the predictions created since the oldest one waited on
(``GET /predictions?created_after=...``, following pages until every waited id was seen) on
the usual schedule and within the budget, and wakes the others. A wait leaves the board when
the list shows its prediction finished, taking the listed state as final (the list's items are
whole predictions; one without ``logs`` is fetched again by id), and falls back to polling by
id when the list fails (for a minute, then the board is tried again) or keeps missing its
prediction.

Measured in docs/benchmarks.md: with 200 to 500 waits it needs fewer requests and sees
completion sooner than per-id polling; below :data:`BOARD_MIN_WAITS` waits it is not used.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio
import anyio.lowlevel

from ._errors import ReplicateError
from ._io import cancel_at_async, sleep_async
from ._wait import DEFAULT_POLL_SCHEDULE, PollSchedule, is_terminal

if TYPE_CHECKING:
    from ._async.api_client import AsyncAPIClient
    from ._deadline import Deadline
    from .types import Prediction

# Waits in flight in one client from which new ones share the board instead of polling by id.
BOARD_MIN_WAITS = 4
# Lists in a row that do not show a waited prediction before its wait polls by id instead.
MAX_MISSES = 3
# After a failed list (retries included), waits poll by id for this long before the board is
# tried again: a server without the list endpoint costs one request a minute.
RETRY_BOARD_AFTER = 60.0
# Listing starts this long before the oldest waited prediction's creation (clock skew).
_SINCE_MARGIN = dt.timedelta(seconds=1)


class _Entry:
    __slots__ = ("created_at", "final", "misses")

    def __init__(self, created_at: dt.datetime) -> None:
        self.created_at = created_at
        self.final: Prediction | None = None  # its finished state, as listed
        self.misses = 0


class StatusBoard:
    """The shared poller of one async client on one event loop."""

    def __init__(
        self,
        client: AsyncAPIClient,
        *,
        schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._schedule = schedule
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._leading = False
        self._ticked = anyio.Event()
        self._joined = anyio.Event()
        self._last_tick = -float("inf")
        self._newest = clock()
        self._broken_until = -float("inf")

    @property
    def broken(self) -> bool:
        """The list failed lately: every wait polls by id until :data:`RETRY_BOARD_AFTER`."""
        return self._clock() < self._broken_until

    async def wait(self, prediction: Prediction, deadline: Deadline | None) -> Prediction | None:
        """Until the list shows ``prediction`` finished (its listed state) or the wait should
        poll by id instead (None: the list failed or misses it, or ``deadline`` passed)."""
        created_at = prediction.created_at
        if self.broken or created_at is None or prediction.id in self._entries:
            return None
        entry = self._entries[prediction.id] = _Entry(created_at)
        self._newest = self._clock()
        # A new wait sets a faster pace: the leader's sleep is recomputed.
        joined, self._joined = self._joined, anyio.Event()
        joined.set()
        try:
            with cancel_at_async(deadline):
                while not (entry.final is not None or entry.misses >= MAX_MISSES or self.broken):
                    if self._leading:
                        await self._ticked.wait()
                        continue
                    self._leading = True
                    try:
                        await self._tick()
                    finally:
                        self._leading = False
                        ticked, self._ticked = self._ticked, anyio.Event()
                        ticked.set()  # wakes the others; one of them leads next
            return entry.final
        finally:
            del self._entries[prediction.id]

    async def _tick(self) -> None:
        # The youngest wait sets the pace, as if it polled alone.
        while (pause := self._pause()) > 0:
            with anyio.move_on_after(pause):
                await self._joined.wait()
        self._last_tick = self._clock()
        entries = dict(self._entries)
        if not entries:
            return
        unseen = set(entries)
        since = min(entry.created_at for entry in entries.values()) - _SINCE_MARGIN
        try:
            page = await self._list(since)
            while True:
                for item in page.results:
                    entry = entries.get(item.id)
                    if entry is not None:
                        unseen.discard(item.id)
                        if is_terminal(item.status):
                            entry.final = item
                if not unseen or not page.has_next:
                    break
                await sleep_async(self._client.poll_budget.reserve())
                following = await page.next_page()
                if following is None:
                    break
                page = following
        except (ReplicateError, ValueError, TypeError, KeyError):
            # e.g. a server without the list endpoint, or one failing for a while
            self._broken_until = self._clock() + RETRY_BOARD_AFTER
            return
        for prediction_id in unseen:
            entries[prediction_id].misses += 1

    def _pause(self) -> float:
        now = self._clock()
        return self._last_tick + self._schedule.delay(now - self._newest) - now

    async def _list(self, since: dt.datetime) -> Any:
        from ._async.resources.predictions import AsyncPredictions

        await sleep_async(self._client.poll_budget.reserve())
        return await AsyncPredictions(self._client).list(created_after=since)


async def wait_through_board(
    client: AsyncAPIClient, prediction: Prediction, deadline: Deadline | None
) -> Prediction | None:
    """Wait through the client's board when it is busy enough (see module docstring)."""
    if client.waits_in_flight < BOARD_MIN_WAITS:
        return None
    token = anyio.lowlevel.current_token()
    held = client.status_board
    if held is None or held[0] != token:  # a board belongs to one event loop
        held = client.status_board = (token, StatusBoard(client))
    board: StatusBoard = held[1]
    return await board.wait(prediction, deadline)

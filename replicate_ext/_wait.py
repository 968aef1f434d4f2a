"""Pure waiting logic: terminal statuses, the adaptive poll schedule, sync-mode headers.

The schedule polls every 20 ms at first and then proportionally to the time already waited
(3 %), so the delay between a prediction finishing and us seeing it stays a small fraction of
its run time (a 1 s model: 15 ms on average, 30 ms at worst, plus one request) while long
predictions settle at one poll per ``max_interval`` — fewer requests over a five-minute run
than a fixed 0.5 s tick. Polling is the fallback: run() first asks the server to hold the
create (``Prefer: wait``), which reports completion without any lag.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

import attrs

TERMINAL_STATUSES = frozenset({"succeeded", "failed", "canceled", "aborted"})
# The API's sync-mode window: `Prefer: wait=N` with 1 <= N <= 60.
MAX_PREFER_WAIT = 60


def is_terminal(status: str | None) -> bool:
    return status in TERMINAL_STATUSES


@attrs.frozen
class PollSchedule:
    """Delay before the next poll, as a function of the time waited so far.

    ``delay = clamp(growth * elapsed, min_interval, max_interval)``
    """

    min_interval: float = 0.02
    max_interval: float = 1.5
    growth: float = 0.03

    def delay(self, elapsed: float, remaining: float | None = None) -> float:
        """Seconds to sleep before the next poll; never past the deadline (``remaining``)."""
        delay = min(max(self.growth * elapsed, self.min_interval), self.max_interval)
        if remaining is not None:
            delay = min(delay, max(remaining, 0.0))
        return delay


DEFAULT_POLL_SCHEDULE = PollSchedule()


def prefer_wait_seconds(wait: bool | int, timeout: float | None) -> int | None:
    """Seconds to put in ``Prefer: wait=N`` for a create, or None to send no Prefer header.

    ``True`` means the API's maximum window; an int is clamped to the API's 1..60 range. The
    window never outlasts the caller's overall ``timeout`` (below 1 s there is no window and
    the caller just polls).
    """
    if wait is False:
        return None
    if wait is True:
        seconds = MAX_PREFER_WAIT
    elif isinstance(wait, int):
        if wait <= 0:
            return None
        seconds = min(wait, MAX_PREFER_WAIT)
    else:
        raise TypeError(f"wait must be a bool or an int number of seconds, got {wait!r}")
    if timeout is not None:
        seconds = min(seconds, math.floor(timeout))
    return seconds if seconds >= 1 else None


def prefer_header(seconds: int) -> str:
    return f"wait={seconds}"


class _HasStatus(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...


S = TypeVar("S", bound=_HasStatus)


class WaitState(Generic[S]):
    """The sans-I/O core of ``wait()``, shared by the sync and async loops::

        state = WaitState(prediction, timeout=30)
        while (delay := state.next_delay()) is not None:
            sleep(delay)
            state.update(get(state.current.id))
        # state.timed_out tells why the loop ended

    ``already_waited`` is time the caller spent waiting server-side (a ``Prefer: wait``
    create): the schedule continues from there instead of polling fast again.
    """

    def __init__(
        self,
        current: S,
        *,
        timeout: float | None,
        already_waited: float = 0.0,
        schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout must be >= 0 seconds, got {timeout!r}")
        self.current = current
        self.timeout = timeout
        self.timed_out = False
        self._offset = max(already_waited, 0.0)
        self._schedule = schedule
        self._clock = clock
        self._started = clock()

    def update(self, current: S) -> None:
        self.current = current

    @property
    def waited(self) -> float:
        """Seconds waited in total, including ``already_waited``."""
        return self._clock() - self._started + self._offset

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next poll, or None when waiting is over (terminal, or
        the timeout passed — then ``timed_out`` is True)."""
        if self.current.status in TERMINAL_STATUSES:
            return None
        elapsed = self._clock() - self._started
        remaining = None
        if self.timeout is not None:
            remaining = self.timeout - elapsed
            if remaining <= 0:
                self.timed_out = True
                return None
        return self._schedule.delay(elapsed + self._offset, remaining)

"""Pure waiting logic: terminal statuses, the adaptive poll schedule, sync-mode headers.

Polling is the last resort: run() first asks the server to hold the create (``Prefer: wait``),
and a prediction with an event stream is waited on through it (its ``done`` event ends the
wait at once, one request in all). When only polling is left, polls start
``max(50 ms, 12 % of the time waited)`` apart (start to start, so a slow response eats into
the gap rather than adding to it), capped at one poll per 5 s.

That is a request budget: 16 polls in the first second, 36 in the first ten (under 4 a second
on average), 6 in the next ten, and at most 12 a minute from 42 s on, so a client keeps to
the API's 3,000 requests a minute while polling some 250 long predictions at once. The price
is lag: a prediction is seen at most ~12 % of its run time (at least 50 ms) plus one round
trip after it finishes: 50 ms for a 0.2 s model, ~120 ms for a 1 s one, 1.2 s for a 10 s one.
Long holds shrink the fast phase: after a full 60 s ``Prefer: wait`` window polls are 5 s apart.
"""

from __future__ import annotations

import enum
import math
import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

import attrs

TERMINAL_STATUSES = frozenset({"succeeded", "failed", "canceled", "aborted"})
# The API's sync-mode window: `Prefer: wait=N` with 1 <= N <= 60.
MAX_PREFER_WAIT = 60
# How long run()/wait() keep polling unless told otherwise: nothing waits forever by default.
# Pass timeout=None to wait without a limit (e.g. for a model known to run for hours).
DEFAULT_PREDICTION_TIMEOUT = 30 * 60.0
# Trainings routinely run for hours.
DEFAULT_TRAINING_TIMEOUT = 24 * 3600.0
# Seconds between the end of a `Prefer: wait` window and the caller's deadline.
PREFER_WAIT_HEADROOM = 1.0
# Waits that may hold an event stream open at once, per client: half the default connection
# pool (100), so streams never starve creates and polls of connections; further waits poll.
DEFAULT_STREAM_WAITS = 50
# All the polls of one client together, per minute: below the API's 3,000 non-create requests
# a minute, leaving room for the client's other requests.
DEFAULT_POLLS_PER_MINUTE = 2400


class Followed(enum.Enum):
    """What waiting by other means than polling (an event stream, a shared poller) learned,
    when it did not learn the final state itself."""

    NOTHING = "nothing"  # it could not follow the prediction: poll on the schedule
    ENDED = "ended"  # the prediction is over (or the deadline came): poll once, now


def is_terminal(status: str | None) -> bool:
    return status in TERMINAL_STATUSES


@attrs.frozen
class PollSchedule:
    """Gap between poll starts, as a function of the time waited so far.

    ``gap = clamp(growth * elapsed, min_interval, max_interval)``: the gap stays at its
    minimum for the first ``min_interval / growth`` seconds (~0.4 s by default), then the lag
    grows in proportion to the run time while the request rate falls off (see the module
    docstring for the numbers).
    """

    min_interval: float = 0.05
    max_interval: float = 5.0
    growth: float = 0.12

    def delay(self, elapsed: float, remaining: float | None = None) -> float:
        """Seconds from the start of one poll to the next; never past the deadline
        (``remaining``)."""
        delay = min(max(self.growth * elapsed, self.min_interval), self.max_interval)
        if remaining is not None:
            delay = min(delay, max(remaining, 0.0))
        return delay


DEFAULT_POLL_SCHEDULE = PollSchedule()


def prefer_wait_seconds(wait: bool | int, timeout: float | None) -> int | None:
    """Seconds to put in ``Prefer: wait=N`` for a create, or None to send no Prefer header.

    ``True`` means the API's maximum window; an int is clamped to the API's 1..60 range. The
    window ends at least ``PREFER_WAIT_HEADROOM`` before the caller's overall ``timeout``, so
    the held response arrives before the deadline cuts the request (losing the new
    prediction's id); below 1 s there is no window and the caller just polls.
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
        seconds = min(seconds, math.floor(timeout - PREFER_WAIT_HEADROOM))
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
    ``min_interval`` changes the schedule's floor (seconds between poll starts), e.g. for a
    status line a person watches.
    """

    def __init__(
        self,
        current: S,
        *,
        timeout: float | None,
        already_waited: float = 0.0,
        schedule: PollSchedule = DEFAULT_POLL_SCHEDULE,
        min_interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout must be >= 0 seconds, got {timeout!r}")
        if min_interval is not None:
            if not 0 <= min_interval <= schedule.max_interval:  # also rejects NaN
                raise ValueError(
                    f"min_interval must be between 0 and {schedule.max_interval} seconds, "
                    f"got {min_interval!r}"
                )
            schedule = attrs.evolve(schedule, min_interval=min_interval)
        self.current = current
        self.timeout = timeout
        self.timed_out = False
        self.cause: Exception | None = None
        self._offset = max(already_waited, 0.0)
        self._schedule = schedule
        self._clock = clock
        self._started = clock()
        # When the last request about this prediction went out (the create or get that gave
        # us ``current``): the schedule spaces request starts, so a slow response eats into
        # the gap instead of adding to it.
        self._last_poll = self._started
        self._poll_now = False

    def poll_now(self) -> None:
        """Make the next poll go out at once, even at the deadline: the caller waited by other
        means (an event stream) and needs the state that wait ended with."""
        self._poll_now = True

    def update(self, current: S) -> None:
        self.current = current

    def poll_failed(self, error: Exception) -> None:
        """A poll failed with a transient error (the caller's deadline may have cut it short).
        Past the timeout this ends the wait (``timed_out``, ``cause`` is the error); before
        it the error is raised, as waiting did not time out."""
        if self.timeout is None or self._clock() - self._started < self.timeout:
            raise error
        self.timed_out = True
        self.cause = error

    @property
    def waited(self) -> float:
        """Seconds waited in total, including ``already_waited``."""
        return self._clock() - self._started + self._offset

    def next_delay(self) -> float | None:
        """Seconds to sleep before the next poll, or None when waiting is over (terminal, or
        the timeout passed — then ``timed_out`` is True)."""
        if self.timed_out or self.current.status in TERMINAL_STATUSES:
            return None
        now = self._clock()
        if self._poll_now:
            self._poll_now = False
            self._last_poll = now
            return 0.0
        elapsed = now - self._started
        remaining = None
        if self.timeout is not None:
            remaining = self.timeout - elapsed
            if remaining <= 0:
                self.timed_out = True
                return None
        last = self._last_poll
        gap = self._schedule.delay(last - self._started + self._offset)
        delay = max(last + gap - now, 0.0)
        if remaining is not None:
            delay = min(delay, remaining)
        self._last_poll = now + delay
        return delay


class PollBudget:
    """The polls of every wait in one client draw from this budget: ``per_minute`` polls a
    minute, up to a second's worth at once. Each wait keeps its own schedule; when together
    they want more, each poll waits its turn (fairly, first come first served), so a thousand
    waits slow down instead of running into 429s.

    Thread-safe (a lock around arithmetic only); an async client uses it from one event loop.

    >>> budget = PollBudget(60, clock=lambda: 0.0)
    >>> budget.reserve(), budget.reserve()
    (0.0, 1.0)
    """

    def __init__(
        self,
        per_minute: float = DEFAULT_POLLS_PER_MINUTE,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(per_minute, bool) or not per_minute > 0:  # also rejects NaN
            raise ValueError(f"polls per minute must be a positive number, got {per_minute!r}")
        from ._ratelimit import TokenBucket

        self.per_minute = per_minute
        self._clock = clock
        rate = per_minute / 60.0
        self._bucket = TokenBucket(rate, rate, clock())
        self._lock = threading.Lock()

    def reserve(self) -> float:
        """Take a poll's token: seconds to wait before sending it (0 when within budget)."""
        with self._lock:
            return self._bucket.reserve(self._clock())

    def __repr__(self) -> str:
        return f"PollBudget(per_minute={self.per_minute!r})"


class StreamSlots:
    """How many waits of one client may follow an event stream at once: each holds a pooled
    connection for as long as its prediction runs, so beyond ``limit`` waits poll instead.
    Thread-safe.

    >>> slots = StreamSlots(1)
    >>> slots.take(), slots.take()
    (True, False)
    """

    def __init__(self, limit: int = DEFAULT_STREAM_WAITS) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"stream waits must be an int >= 0, got {limit!r}")
        self.limit = limit
        self.in_use = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Take a slot if one is free."""
        with self._lock:
            if self.in_use >= self.limit:
                return False
            self.in_use += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.in_use -= 1

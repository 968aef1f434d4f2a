"""Client-side rate limiting: token buckets for creates and for every other request, and a
whole-client pause after a 429. Pure arithmetic over a caller-supplied clock; the request loop
sleeps what :meth:`RateLimiter.reserve` returns.

The API publishes per-account limits (600 prediction creates a minute, 3,000 other requests a
minute). A bucket refills at ``limit / 60`` tokens a second and holds at most ``burst`` tokens,
so a quiet client may send a short burst and a busy one settles at the limit. A reservation
may drive a bucket below zero: the caller then waits until its token would have arrived, which
keeps concurrent callers in a fair queue without a lock held while sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import attrs

# The API's published limits (requests per minute, per account).
DEFAULT_CREATES_PER_MINUTE = 600
DEFAULT_REQUESTS_PER_MINUTE = 3000
# After a 429 without Retry-After, everyone pauses this long.
DEFAULT_429_PAUSE = 1.0
# Never pause longer than this on one 429, whatever Retry-After says.
MAX_429_PAUSE = 60.0


def _positive(name: str) -> Callable[[Any, Any, Any], None]:
    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if isinstance(value, bool) or not value > 0:  # also rejects NaN
            raise ValueError(f"{name} must be a positive number, got {value!r}")

    return check


@attrs.frozen
class RateLimits:
    """Per-minute request budgets a client keeps to (see docs/batch.md).

    ``burst`` is how many requests of a kind may go out at once after a quiet spell (default:
    a tenth of the minute's budget). Pass to a client to turn pacing on:

    >>> client = replicate_ext.Client(rate_limits=replicate_ext.RateLimits())  # doctest: +SKIP
    """

    creates_per_minute: float = attrs.field(
        default=DEFAULT_CREATES_PER_MINUTE, validator=_positive("creates_per_minute")
    )
    requests_per_minute: float = attrs.field(
        default=DEFAULT_REQUESTS_PER_MINUTE, validator=_positive("requests_per_minute")
    )
    burst_fraction: float = attrs.field(default=0.1, validator=_positive("burst_fraction"))


def is_create(method: str, path: str) -> bool:
    """Whether a request creates a prediction (the API's separately limited operation):
    ``POST /predictions``, ``/models/o/n/predictions``, ``/deployments/o/n/predictions``."""
    return method == "POST" and path.rstrip("/").endswith("/predictions")


class TokenBucket:
    """``rate`` tokens a second, at most ``capacity`` saved up; reservations may go into debt."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.tokens = self.capacity
        self._updated = now

    def reserve(self, now: float) -> float:
        """Take one token; seconds until it is really available (0 when it already is)."""
        self._refill(now)
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def try_take(self, now: float) -> float:
        """Take one token if there is one (0.0); else take nothing and return the seconds
        until there will be one (a server refusing a request, rather than queueing it)."""
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def _refill(self, now: float) -> None:
        if now > self._updated:
            self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.rate)
            self._updated = now


class RateLimiter:
    """One client's pacing: a bucket per kind of request and a shared pause after a 429.

    Thread-safe (a lock around arithmetic only, never held while sleeping); the async client
    uses it from one event loop.

    >>> limiter = RateLimiter(RateLimits(creates_per_minute=60), clock=lambda: 0.0)
    >>> limiter.reserve("POST", "/v1/predictions")
    0.0
    """

    def __init__(self, limits: RateLimits, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        now = clock()
        self._creates = TokenBucket(
            limits.creates_per_minute / 60.0,
            limits.creates_per_minute * limits.burst_fraction,
            now,
        )
        self._others = TokenBucket(
            limits.requests_per_minute / 60.0,
            limits.requests_per_minute * limits.burst_fraction,
            now,
        )
        self._paused_until = now
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        # A lock does not pickle (nor survive fork reliably): limits travel, state restarts.
        return {"limits": self.limits}

    def __setstate__(self, state: dict[str, object]) -> None:
        limits = state["limits"]
        assert isinstance(limits, RateLimits)
        self.__init__(limits)  # type: ignore[misc]

    def reserve(self, method: str, path: str) -> float:
        """Seconds to wait before sending this request (its token is taken now)."""
        bucket = self._creates if is_create(method, path) else self._others
        with self._lock:
            now = self._clock()
            delay = bucket.reserve(now)
            return max(delay, self._paused_until - now)

    def on_429(self, retry_after: float | None) -> None:
        """A 429 arrived: every request of this client waits ``retry_after`` seconds (or
        :data:`DEFAULT_429_PAUSE`), not only the one that got it."""
        pause = DEFAULT_429_PAUSE if retry_after is None else min(retry_after, MAX_429_PAUSE)
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + max(pause, 0.0))

    @property
    def paused_for(self) -> float:
        """Seconds left of the current 429 pause (0 when none)."""
        with self._lock:
            return max(self._paused_until - self._clock(), 0.0)

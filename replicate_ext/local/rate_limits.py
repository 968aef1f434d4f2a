"""Replicate-like request rate limits for the local server, and a count of the requests it saw.

The API limits each account to about 600 prediction creates and 3,000 other requests a minute,
allows short bursts, and answers a request over the limit with 429 and ``Retry-After``. The
server keeps the same rules with a token bucket per kind (the client's :class:`RateLimits`
describes both, so a client paced with the same numbers stays under them); limits are off
unless ``LocalServer(rate_limits=...)`` or ``replicate-ext serve --rate-limits`` turns them on.
Counting is always on: tests and benchmarks read how many requests of each kind arrived.
Pure bookkeeping, no starlette: the engine imports it even where the server extra is absent.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Literal

from .._ratelimit import RateLimits, TokenBucket, is_create

RequestKind = Literal["creates", "others", "unmetered"]
# Stream URLs and signed downloads are separate hosts on Replicate, outside the API's limits.
_UNMETERED = re.compile(r"^/v1/(?:predictions/[^/]+/stream|files/[^/]+/download)$")


def request_kind(method: str, path: str) -> RequestKind | None:
    """Which budget an API request draws from: ``unmetered`` for stream URLs and downloads
    (counted, never limited), None for what is not the API (pages, the admin routes).

    >>> request_kind("POST", "/v1/models/demo/hello/predictions")
    'creates'
    >>> request_kind("GET", "/v1/predictions/abc"), request_kind("GET", "/_admin/faults")
    ('others', None)
    """
    if not path.startswith("/v1/"):
        return None
    if _UNMETERED.match(path):
        return "unmetered"
    return "creates" if is_create(method, path) else "others"


class RequestMeter:
    """Counts metered requests by kind and, with limits, refuses those over them.

    Used from the server's event loop only; readers in other threads get copies.

    >>> meter = RequestMeter(RateLimits(creates_per_minute=60, burst_fraction=0.01))
    >>> meter.admit("creates"), meter.admit("creates") > 0
    (0.0, True)
    """

    def __init__(
        self, limits: RateLimits | None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        if limits is not None:
            now = clock()
            burst = limits.burst_fraction
            self._buckets = {
                "creates": TokenBucket(
                    limits.creates_per_minute / 60.0, limits.creates_per_minute * burst, now
                ),
                "others": TokenBucket(
                    limits.requests_per_minute / 60.0, limits.requests_per_minute * burst, now
                ),
            }
        self._counts: dict[str, int] = {}
        self.reset()

    def reset(self) -> None:
        """Start counting from zero (the buckets keep their state)."""
        self._counts = dict.fromkeys(
            ("creates", "others", "unmetered", "throttled_creates", "throttled_others"), 0
        )

    @property
    def counts(self) -> dict[str, int]:
        """Requests seen by kind (throttled ones included; ``unmetered``: stream URLs and
        downloads), and how many of them got 429."""
        return dict(self._counts)

    def admit(self, kind: RequestKind) -> float:
        """Count a request; 0.0 when it may proceed, else the seconds until it could."""
        self._counts[kind] += 1
        bucket = self._buckets.get(kind)  # none for unmetered requests, or without limits
        if bucket is None:
            return 0.0
        wait = bucket.try_take(self._clock())
        if wait > 0.0:
            self._counts[f"throttled_{kind}"] += 1
        return wait

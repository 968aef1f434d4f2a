"""``Deadline``: the moment by which a whole call (run, wait) must be over.

A wait-style call spends its time in several places: sending requests, reading slow responses,
pausing before retries (a server may ask for 60 s) and sleeping between polls. A deadline
computed once at the start of the call bounds all of them: each request gets at most the time
left as its httpx timeout, a retry pause ends at the deadline, and a request is not sent once
the deadline has passed.

>>> deadline = Deadline.after(2.0)
>>> deadline.clamp(60.0) <= 2.0
True
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import attrs
import httpx

# How far past the caller's timeout the requests of a wait-style call may run: room for one
# last state refresh at the deadline (so a timeout reports a fresh status) and for the cancel
# of ``cancel_on_timeout``. The whole call ends within ``timeout + DEADLINE_GRACE`` seconds
# (plus scheduling delays).
DEADLINE_GRACE = 0.25


@attrs.frozen
class Deadline:
    """A point on the monotonic clock; every method is cheap and free of I/O."""

    at: float
    clock: Callable[[], float] = attrs.field(default=time.monotonic, eq=False, repr=False)

    @classmethod
    def after(
        cls, seconds: float | None, *, clock: Callable[[], float] = time.monotonic
    ) -> Deadline | None:
        """A deadline ``seconds`` from now; None (no deadline) for None or infinity."""
        if seconds is None:
            return None
        if isinstance(seconds, bool) or not seconds >= 0:  # NaN fails every comparison
            raise ValueError(f"timeout must be >= 0 seconds or None, got {seconds!r}")
        if math.isinf(seconds):
            return None
        return cls(clock() + seconds, clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(self.at - self.clock(), 0.0)

    @property
    def expired(self) -> bool:
        return self.clock() >= self.at

    def clamp(self, seconds: float) -> float:
        """``seconds``, cut to the time left."""
        return min(seconds, self.remaining())

    def extended(self, seconds: float) -> Deadline:
        """The same deadline, ``seconds`` later."""
        return attrs.evolve(self, at=self.at + seconds)

    def clamp_timeout(self, timeout: httpx.Timeout) -> httpx.Timeout:
        """``timeout`` with every phase cut to the time left (an unlimited phase included)."""
        left = self.remaining()

        def cut(phase: float | None) -> float:
            return left if phase is None else min(phase, left)

        return httpx.Timeout(
            connect=cut(timeout.connect),
            read=cut(timeout.read),
            write=cut(timeout.write),
            pool=cut(timeout.pool),
        )


def with_grace(deadline: Deadline | None) -> Deadline | None:
    """The deadline the requests of a wait-style call must meet (see ``DEADLINE_GRACE``)."""
    return None if deadline is None else deadline.extended(DEADLINE_GRACE)


def longest_phase(timeout: httpx.Timeout) -> float | None:
    """The largest finite phase of ``timeout`` (None when every phase is unlimited)."""
    phases = [p for p in (timeout.connect, timeout.read, timeout.write, timeout.pool) if p]
    return max(phases) if phases else None

"""Fault injection for reliability tests: make the next N matching requests fail on purpose.

Never on by default. Add faults with ``LocalServer(faults=[...])``, ``server.inject(...)`` or
``POST /_admin/faults`` (a JSON object with the fields of :class:`Fault`).

    >>> Fault.status(429, retry_after=0.2, times=2, path="/v1/predictions*")
    >>> Fault.reset(method="GET")
    >>> Fault.delay(0.5)
    >>> Fault.cut_stream(after_events=2)
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Iterable
from typing import Any, Literal

import attrs

FaultAction = Literal["status", "reset", "delay", "cut_stream"]
_ACTIONS = ("status", "reset", "delay", "cut_stream")
_MAX_SECONDS = 3600


@attrs.frozen
class Fault:
    """One rule: the next ``times`` requests matching ``method`` and ``path`` (a glob on the
    URL path, e.g. ``/v1/predictions*``) get ``action``:

    - ``status``: answer ``status`` (problem+json), with ``Retry-After: retry_after`` if set;
    - ``reset``: drop the TCP connection without a response;
    - ``delay``: sleep ``delay`` seconds, then answer normally;
    - ``cut_stream``: an SSE stream closes its connection after ``after_events`` events.
    """

    action: FaultAction
    times: int = 1
    method: str | None = None
    path: str | None = None
    status_code: int = 503
    retry_after: float | None = None
    delay_seconds: float = 0.0
    after_events: int = 1

    def __attrs_post_init__(self) -> None:
        # checked here, not where a rule is used: a bad rule must fail when it is added, not
        # break every later request
        if self.action not in _ACTIONS:
            raise ValueError(f"action must be one of {_ACTIONS}, got {self.action!r}")
        _check_int("times", self.times, 1, 1_000_000)
        _check_int("status_code", self.status_code, 400, 599)
        _check_int("after_events", self.after_events, 1, 1_000_000)
        for name in ("method", "path"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value.isprintable()):
                raise ValueError(f"{name} must be null or a string")
        _check_seconds("delay_seconds", self.delay_seconds)
        if self.retry_after is not None:
            _check_seconds("retry_after", self.retry_after)

    @classmethod
    def status(
        cls,
        status_code: int = 503,
        *,
        retry_after: float | None = None,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
    ) -> Fault:
        return cls("status", times, method, path, status_code=status_code, retry_after=retry_after)

    @classmethod
    def reset(cls, *, times: int = 1, method: str | None = None, path: str | None = None) -> Fault:
        return cls("reset", times, method, path)

    @classmethod
    def delay(
        cls, seconds: float, *, times: int = 1, method: str | None = None, path: str | None = None
    ) -> Fault:
        return cls("delay", times, method, path, delay_seconds=seconds)

    @classmethod
    def cut_stream(cls, *, after_events: int = 1, times: int = 1, path: str | None = None) -> Fault:
        return cls("cut_stream", times, "GET", path, after_events=after_events)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        known = {f.name for f in attrs.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or fnmatch.fnmatchcase(path, self.path)


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}")


def _check_seconds(name: str, value: Any) -> None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not 0 <= value <= _MAX_SECONDS:  # also false for NaN
        raise ValueError(f"{name} must be a number of seconds from 0 to {_MAX_SECONDS}")


class FaultInjector:
    """Thread-safe: tests add faults from their thread while the server consumes them."""

    def __init__(self, faults: Iterable[Fault] = (), *, wait_cap: float | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[list[Any]] = [[fault, fault.times] for fault in faults]
        self.wait_cap = wait_cap

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._rules.append([fault, fault.times])

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self.wait_cap = None

    def pending(self) -> list[dict[str, Any]]:
        """Rules not used up yet, with how many uses remain."""
        with self._lock:
            return [{**fault.to_json(), "times": left} for fault, left in self._rules]

    def take(self, method: str, path: str, actions: Iterable[str]) -> Fault | None:
        """Consume one use of the first rule for this request, if any."""
        wanted = set(actions)
        with self._lock:
            for rule in self._rules:
                fault: Fault = rule[0]
                if fault.action in wanted and fault.matches(method, path):
                    rule[1] -= 1
                    if rule[1] <= 0:
                        self._rules.remove(rule)
                    return fault
        return None

    def effective_wait(self, requested: float) -> float:
        """How long ``Prefer: wait`` may hold a response: capped (or 0, ignored) on demand."""
        cap = self.wait_cap
        return requested if cap is None else max(0.0, min(requested, cap))

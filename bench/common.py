"""Shared pieces of the benchmarks: result rows, statistics, the report table and a local
server running in its own process.

The server gets a process of its own so that its work never competes with the measured client
for the GIL: on loopback the client then sees a peer that behaves like a remote API.
"""

from __future__ import annotations

import json
import os
import selectors
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent


@dataclass(frozen=True)
class Row:
    """One line of the report. ``passed`` is None for informational numbers."""

    metric: str
    value: str
    goal: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        if self.passed is None:
            return "info"
        return "PASS" if self.passed else "FAIL"


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p90(values: Sequence[float]) -> float:
    """The 90th percentile (nearest rank), so it is always one of the measured values."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(0.9 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB"


def format_table(rows: Sequence[Row]) -> str:
    headers = ("metric", "value", "goal", "result")
    cells = [(row.metric, row.value, row.goal, row.verdict) for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(c) for c in cells)])


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class ServerProcess:
    """A :class:`replicate_ext.local.LocalServer` in a child process (see server_process.py).

    ``options`` are LocalServer keyword arguments (JSON values). The child prints its addresses
    as one JSON line and serves until its stdin closes.

    >>> with ServerProcess(wait_cap=0) as server:   # doctest: +SKIP
    ...     server.base_url
    """

    def __init__(self, start_timeout: float = 30.0, **options: Any) -> None:
        self._options = options
        self._start_timeout = start_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.base_url = ""
        self.token = ""

    def __enter__(self) -> ServerProcess:
        self._process = subprocess.Popen(
            [sys.executable, str(BENCH_DIR / "server_process.py"), json.dumps(self._options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=REPO_DIR,
        )
        assert self._process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._process.stdout, selectors.EVENT_READ)
            if not selector.select(self._start_timeout):
                self.close()
                raise TimeoutError(f"the bench server did not start in {self._start_timeout}s")
        line = self._process.stdout.readline()
        if not line:
            self.close()
            raise RuntimeError("the bench server exited before it was ready")
        info = json.loads(line)
        self.url, self.base_url, self.token = info["url"], info["base_url"], info["token"]
        return self

    def request_counts(self, *, reset: bool = True) -> dict[str, int]:
        """The server's count of API requests by kind (see LocalServer.request_counts) since
        it started or the last reset; resets it again unless told not to."""
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.url}/_admin/requests"
        counts: dict[str, int] = httpx.get(url, headers=headers, timeout=10).json()
        if reset:
            httpx.delete(url, headers=headers, timeout=10).raise_for_status()
        return counts

    def close(self) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def child_env() -> dict[str, str]:
    """Environment for measured child processes: no inherited Replicate settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("REPLICATE_")}


class Deadline:
    """A time budget for one benchmark, so no loop runs unbounded."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self._end

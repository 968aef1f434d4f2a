"""Child process for the benchmarks: runs a LocalServer until stdin closes.

Usage: ``python bench/server_process.py '{"wait_cap": 0}'`` — the JSON object holds LocalServer
keyword arguments. Prints ``{"url": ..., "base_url": ..., "token": ...}`` once it serves.

Besides the demo models it serves ``bench/echo-url`` (returns its ``url`` input), so a run()
can hand back any served file as a FileOutput, and ``bench/sleep-streaming``, which sleeps like
``demo/sleep`` but, being a generator, gets a stream URL. ``rate_limits`` is given as the keyword
arguments of a :class:`replicate_ext.RateLimits`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator

from replicate_ext import RateLimits
from replicate_ext.local import LocalServer


def echo_url(url: str) -> str:
    """Returns the URL it was given."""
    return url


async def sleep_streaming(seconds: float) -> AsyncIterator[str]:
    """Sleeps, then yields one item (a generator, so its predictions offer a stream URL)."""
    await asyncio.sleep(seconds)
    yield f"slept {seconds:g}s"


def main() -> None:
    options = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    if options.get("rate_limits") is not None:
        options["rate_limits"] = RateLimits(**options["rate_limits"])
    models = {"bench/echo-url": echo_url, "bench/sleep-streaming": sleep_streaming}
    with LocalServer(models=models, **options) as server:
        info = {"url": server.url, "base_url": server.base_url, "token": server.token}
        print(json.dumps(info), flush=True)
        sys.stdin.read()  # serve until the parent closes our stdin (or exits)


if __name__ == "__main__":
    main()

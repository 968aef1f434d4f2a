"""The few operations whose sync and async forms differ by more than ``await``.

Async source code calls the ``*_async`` names; tools/generate_sync.py renames them to the
plain ones in the generated sync code.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = [
    "call_hook",
    "call_hook_async",
    "run_blocking",
    "run_blocking_async",
    "sleep",
    "sleep_async",
]

T = TypeVar("T")

sleep = time.sleep


async def sleep_async(seconds: float) -> None:
    # anyio (an httpx dependency) sleeps under asyncio and trio alike.
    import anyio

    await anyio.sleep(seconds)


def call_hook(hook: Callable[[Any], object], value: Any) -> None:
    """Call a user's progress hook."""
    hook(value)


async def call_hook_async(hook: Callable[[Any], object], value: Any) -> None:
    """Call an async client's progress hook, awaiting it when it is a coroutine function."""
    result = hook(value)
    if inspect.isawaitable(result):
        await result


def run_blocking(function: Callable[..., T], *args: Any) -> T:
    """Call a blocking function (disk I/O)."""
    return function(*args)


async def run_blocking_async(function: Callable[..., T], *args: Any) -> T:
    """Call a blocking function in a worker thread, so the event loop keeps running."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(function, *args)

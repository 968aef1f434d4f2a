"""The few operations whose sync and async forms differ by more than ``await``.

Async source code calls the ``*_async`` names; tools/generate_sync.py renames them to the
plain ones in the generated sync code.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

__all__ = ["call_hook", "call_hook_async", "sleep", "sleep_async"]

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

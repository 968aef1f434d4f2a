"""Plain functions served as models in the tests (``local.funcs:...``)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Literal


def add(a: int, b: int = 2) -> int:
    """Adds two integers."""
    return a + b


def shout(text: str, mode: Literal["upper", "lower"] = "upper", times: float = 1.0) -> str:
    return (text.upper() if mode == "upper" else text.lower()) * int(times)


def count(to: int) -> Iterator[str]:
    for i in range(to):
        time.sleep(0.01)  # blocking on purpose: must run off the event loop
        yield f"{i},"


async def acount(to: int) -> AsyncIterator[int]:
    for i in range(to):
        await asyncio.sleep(0.005)
        yield i


def crash(tags: list[str]) -> str:
    raise RuntimeError("crashed with " + ",".join(tags))


def block(seconds: float) -> str:
    time.sleep(seconds)
    return "unblocked"

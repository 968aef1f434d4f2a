"""The few operations whose sync and async forms differ by more than ``await``.

Async source code calls the ``*_async`` names; tools/generate_sync.py renames them to the
plain ones in the generated sync code.
"""

from __future__ import annotations

import contextlib
import inspect
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ._async.api_client import AsyncAPIClient
    from ._deadline import Deadline
    from ._sync.api_client import SyncAPIClient
    from .types import Prediction

__all__ = [
    "call_hook",
    "call_hook_async",
    "cancel_at",
    "cancel_at_async",
    "counting_wait",
    "counting_wait_async",
    "run_blocking",
    "run_blocking_async",
    "sleep",
    "sleep_async",
    "wait_through_board",
    "wait_through_board_async",
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


def cancel_at(deadline: Deadline | None) -> contextlib.AbstractContextManager[object]:
    """Nothing to cancel in blocking code: its reads are bounded by timeouts cut to the
    deadline, and callers check the deadline between reads."""
    return contextlib.nullcontext()


def cancel_at_async(deadline: Deadline | None) -> contextlib.AbstractContextManager[object]:
    """A scope whose body is cancelled at ``deadline`` (execution resumes after the ``with``),
    so an await that keeps receiving data (e.g. heartbeats) still ends in time."""
    import anyio

    return anyio.move_on_after(None if deadline is None else deadline.remaining())


def counting_wait(client: SyncAPIClient) -> contextlib.AbstractContextManager[object]:
    """Threads wait on their own: nothing to count."""
    return contextlib.nullcontext()


@contextlib.contextmanager
def counting_wait_async(client: AsyncAPIClient) -> Iterator[None]:
    """Counts the async client's waits in flight, which decides when they share a poller."""
    client.waits_in_flight += 1
    try:
        yield
    finally:
        client.waits_in_flight -= 1


def wait_through_board(
    client: SyncAPIClient, prediction: Prediction, deadline: Deadline | None
) -> Prediction | None:
    """Threads poll by id (within the client's budget): the shared poller is async."""
    return None


async def wait_through_board_async(
    client: AsyncAPIClient, prediction: Prediction, deadline: Deadline | None
) -> Prediction | None:
    """Wait through the client's shared poller when many waits are in flight (see
    :mod:`._status_board`): the finished state it saw, or None to poll by id."""
    from ._status_board import wait_through_board as board_wait

    return await board_wait(client, prediction, deadline)

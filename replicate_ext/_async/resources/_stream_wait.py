"""Waiting on a prediction's event stream: its ``done`` event ends a wait at once.

One long request replaces a train of polls and reports completion as it happens. Anything
short of a ``done`` (no stream, an error status, drops beyond the resume rules, the deadline)
makes the caller poll instead, so the stream is only ever a faster path, never a new failure.
"""

from __future__ import annotations

from ..._deadline import Deadline
from ..._errors import ReplicateError
from ..._io import cancel_at_async, sleep_async
from ..api_client import AsyncAPIClient

# Reconnections (resuming with Last-Event-ID) before a wait gives up on the stream and polls:
# fewer than a streaming caller allows, since polling is a good fallback here.
STREAM_WAIT_RECONNECTS = 2
# The events after which the prediction is over (``error`` is followed by ``done`` anyway).
_FINAL_EVENTS = frozenset({"done", "error"})


async def await_done_event_async(
    client: AsyncAPIClient, prediction_id: str, url: str, deadline: Deadline | None
) -> bool:
    """Follow the stream at ``url`` until it says the prediction is over: True then; False
    when the stream is unavailable, keeps dropping, or ``deadline`` comes first."""
    # Loaded on first use: `import replicate_ext` stays light.
    from ..._streaming import DROPPED, StreamFollower, StreamUnavailableError

    follower = StreamFollower(prediction_id, url, STREAM_WAIT_RECONNECTS)
    # The cancel scope ends a stream that keeps sending heartbeats; blocking code checks the
    # deadline after each chunk instead, and each read is cut to the time left.
    with cancel_at_async(deadline):
        while deadline is None or not deadline.expired:
            cause: BaseException | None = None
            try:
                response = await client.request(
                    "GET", url, headers=follower.connect(), stream=True, deadline=deadline
                )
                try:
                    async for chunk in response.aiter_bytes():
                        if any(event.event in _FINAL_EVENTS for event in follower.feed(chunk)):
                            return True
                        if deadline is not None and deadline.expired:
                            return False
                finally:
                    await response.aclose()
            except DROPPED as error:
                cause = error
            except ReplicateError:
                return False  # no stream here (404, 405, ...) or the deadline ran out
            try:
                pause = follower.dropped(cause)
            except StreamUnavailableError:
                return False
            await sleep_async(pause if deadline is None else deadline.clamp(pause))
    return False

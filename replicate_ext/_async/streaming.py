"""Following a prediction's event stream, resuming after drops (sync twin generated)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Protocol

import httpx

from .._io import sleep_async
from .._streaming import (
    DEFAULT_MAX_RECONNECTS,
    DROPPED,
    ServerSentEvent,
    failure_of,
    follower_for,
    get_request,
    json_object,
)
from ..types import Prediction


class Requester(Protocol):
    """What a stream is read through: the base client's ``request``."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = ...,
        stream: bool = ...,
    ) -> httpx.Response: ...


async def stream_prediction_events_async(
    client: Requester,
    prediction: Prediction | str,
    *,
    max_reconnects: int = DEFAULT_MAX_RECONNECTS,
) -> AsyncGenerator[ServerSentEvent, None]:
    """Follow a prediction's `urls.stream`: yield its events up to and including `done`.

    An `error` event raises `ModelError` carrying the (refetched) failed prediction. A dropped
    connection is resumed with Last-Event-ID, at most `max_reconnects` times in a row.
    """
    if isinstance(prediction, str):
        prediction = await get_prediction_async(client, prediction)
    follower = follower_for(prediction, max_reconnects)
    while True:
        headers = follower.connect()
        cause: BaseException | None = None
        failure: ServerSentEvent | None = None
        try:
            response = await client.request("GET", follower.url, headers=headers, stream=True)
            try:
                async for chunk in response.aiter_bytes():
                    for event in follower.feed(chunk):
                        if event.event == "error":
                            failure = event
                            break
                        yield event
                        if event.event == "done":
                            return
                    if failure is not None:
                        break
            finally:
                await response.aclose()
        except DROPPED as exc:
            cause = exc
        if failure is not None:
            prediction = await get_prediction_async(client, follower.prediction_id)
            raise failure_of(prediction, failure)
        await sleep_async(follower.dropped(cause))


async def get_prediction_async(client: Requester, prediction_id: str) -> Prediction:
    response = await client.request(**get_request(prediction_id))
    return Prediction.from_dict(json_object(response))

"""Following a prediction's event stream, resuming after drops; ``client.stream()`` (sync
twin generated)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from .._errors import keep_prediction_id
from .._io import call_hook_async, sleep_async
from .._run import RunPlan
from .._streaming import (
    DEFAULT_MAX_RECONNECTS,
    DROPPED,
    ServerSentEvent,
    StreamPlan,
    failure_of,
    follower_for,
    get_request,
    json_object,
)
from .._tracing import PredictionSpan
from ..types import Prediction
from .files import Uploader, encode_inputs_async

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

    from .._files import FileEncoding
    from .resources.predictions import AsyncPredictions


class Requester(Protocol):
    """What a stream is read through: the base client's ``request`` (and its tracer)."""

    @property
    def tracer(self) -> Tracer | None: ...

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


async def follow_stream_async(
    plan: StreamPlan,
    *,
    predictions: AsyncPredictions,
    requester: Requester,
    upload: Uploader,
    input: Mapping[str, Any] | None,
    webhook: str | None,
    webhook_events_filter: Sequence[str] | None,
    file_encoding: FileEncoding,
    on_update: Callable[[Prediction], object] | None,
) -> AsyncIterator[ServerSentEvent]:
    """What ``client.stream()`` runs once iterated (its arguments were checked by then):
    create the prediction (or take the given one) and follow its events."""
    lifecycle = PredictionSpan(requester.tracer, "stream", plan.label)
    created: str | None = None  # the id of a prediction this call creates
    try:
        if isinstance(plan.source, RunPlan):
            encoded = await encode_inputs_async(
                dict(input or {}), strategy=file_encoding, upload=upload
            )
            new = await predictions.create(
                **plan.source.target,
                input=encoded,
                webhook=webhook,
                webhook_events_filter=webhook_events_filter,
                stream=True,
            )
            target: Prediction | str = new
            created = new.id
        else:
            target = plan.source
        if on_update is not None and isinstance(target, str):
            target = await predictions.get(target)  # the hook gets a Prediction
        if not isinstance(target, str):
            lifecycle.update(target)
            if on_update is not None:
                await call_hook_async(on_update, target)
        events = stream_prediction_events_async(
            requester, target, max_reconnects=plan.max_reconnects
        )
        # Closed explicitly: closing this generator early closes the stream's response
        # now, not whenever the generator happens to be finalized.
        async with contextlib.aclosing(events):
            async for event in events:
                yield event
    except (Exception, KeyboardInterrupt, GeneratorExit) as error:
        if created is not None and not isinstance(error, GeneratorExit):
            keep_prediction_id(error, created)
        lifecycle.close(None if isinstance(error, GeneratorExit) else error)
        raise
    lifecycle.close()

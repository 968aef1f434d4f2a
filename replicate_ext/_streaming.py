"""Server-sent events: a pure incremental decoder, and prediction streams with resume.

The decoder follows the WHATWG EventSource parsing rules, fed arbitrary byte chunks (a chunk may
end mid-line or mid-UTF-8-character), so the same code serves sync and async streams.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import attrs
import httpx
from replicate_api.api.predictions import get as _get_operation

from ._errors import (
    APIConnectionError,
    ModelError,
    ReplicateError,
    decode_json,
    keep_prediction_id,
)
from ._refs import DeploymentLike, Ref, validate_id
from .types import Prediction

if TYPE_CHECKING:
    from ._client import AsyncClient, Client, OnUpdate
    from ._files import FileEncoding

__all__ = [
    "DEFAULT_MAX_RECONNECTS",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamUnavailableError",
    "decode_events",
    "stream_prediction_events",
    "stream_prediction_events_async",
    "stream_run",
    "stream_run_async",
]

DEFAULT_MAX_RECONNECTS = 5
"""Consecutive reconnections (without any new event in between) before a stream gives up."""

_LINE_BREAK = re.compile(r"[\r\n]")
_DEFAULT_RECONNECT_DELAY = 0.25
_MAX_RECONNECT_DELAY = 5.0


@attrs.frozen
class ServerSentEvent:
    """One server-sent event.

    `event` is the event name ("output", "logs", "error", "done", or anything else the server
    sends), `data` its text, `id` the id this event carried (None without an id field), `retry`
    the reconnection delay in milliseconds if this event carried one. `str()` of an output event
    is its data, and of any other event the empty string, so printing a stream prints the output:

    >>> for event in replicate_ext.stream("demo/stream", input={"prompt": "hi"}):  # doctest: +SKIP
    ...     print(event, end="")
    """

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def __str__(self) -> str:
        return self.data if self.event == "output" else ""


class SSEDecoder:
    """Incremental SSE decoder: `feed(bytes)` returns the events completed by that chunk.

    An event still pending when the stream ends is discarded (as browsers do), because a stream
    cut mid-event may have lost part of its data; `last_event_id` and `retry` persist across
    events for reconnection.
    """

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending: list[str] = []
        self._skip_lf = False  # the previous chunk ended in CR, which may pair with a leading LF
        self._at_start = True
        self._data: list[str] = []
        self._event = ""
        self._block_retry: int | None = None
        self._block_id: str | None = None
        self._has_fields = False
        self.last_event_id: str | None = None
        self.retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode `chunk` and return the events it completes (possibly none)."""
        text = self._utf8.decode(chunk)
        if self._at_start and text:
            self._at_start = False
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._skip_lf and text:
            self._skip_lf = False
            if text.startswith("\n"):
                text = text[1:]
        events: list[ServerSentEvent] = []
        start = 0
        length = len(text)
        while start < length:
            found = _LINE_BREAK.search(text, start)
            if found is None:
                # An unfinished line: keep its pieces and join them once it completes, so a
                # long line arriving in many chunks costs linear time.
                self._pending.append(text[start:])
                break
            end = found.start()
            if self._pending:
                line = "".join(self._pending) + text[start:end]
                self._pending = []
            else:
                line = text[start:end]
            if text[end] == "\n":
                start = end + 1
            elif end + 1 < length:
                start = end + 2 if text[end + 1] == "\n" else end + 1
            else:
                # CR is the last character: the line is complete, but an LF may follow next time.
                start = end + 1
                self._skip_lf = True
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # comment, used as a heartbeat
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._has_fields = True
        elif name == "event":
            self._event = value
            self._has_fields = True
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = self._block_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry = self._block_retry = int(value)
        # Other field names are ignored, as the spec requires.
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        # The spec only dispatches events with data; an event with a name but no data lines
        # (e.g. a bare "event: done") is still delivered, since it carries meaning here.
        event = None
        if self._has_fields:
            event = ServerSentEvent(
                event=self._event or "message",
                data="\n".join(self._data),
                id=self._block_id,
                retry=self._block_retry,
            )
        self._data = []
        self._event = ""
        self._block_retry = None
        self._block_id = None
        self._has_fields = False
        return event


def decode_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Decode a whole stream of byte chunks into events."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)


# --------------------------------------------------------------------------------------------
# Following a prediction's stream


class StreamUnavailableError(ReplicateError):
    """The prediction has no stream URL (the model does not stream), or the stream kept dropping
    more often than allowed. `prediction_id` is kept so the prediction can still be waited on."""

    def __init__(self, message: str, prediction_id: str) -> None:
        super().__init__(message)
        self.prediction_id = prediction_id


class _SyncRequester(Protocol):
    def request(
        self, method: str, url: str, *, headers: Mapping[str, str] | None = ..., stream: bool = ...
    ) -> httpx.Response: ...


class _AsyncRequester(Protocol):
    async def request(
        self, method: str, url: str, *, headers: Mapping[str, str] | None = ..., stream: bool = ...
    ) -> httpx.Response: ...


# A stream that breaks mid-body raises httpx errors directly from the body iterator; the base
# client turns failures to connect into APIConnectionError.
_DROPPED = (httpx.TransportError, APIConnectionError)


class _StreamFollower:
    """The I/O-free state of one prediction stream across reconnections.

    Resumes from the id of the last event *delivered* (not merely parsed: an id line of an event
    cut in half must not be acknowledged), and drops events whose id was already delivered, so a
    server that replays from the start cannot duplicate output.
    """

    def __init__(self, prediction_id: str, url: str, max_reconnects: int) -> None:
        self.prediction_id = prediction_id
        self.url = url
        self.max_reconnects = max_reconnects
        self.last_id: str | None = None
        self.failures = 0
        self._retry_ms: int | None = None
        self._delivered_ids: set[str] = set()
        self._decoder = SSEDecoder()

    def connect(self) -> dict[str, str]:
        """Start a new connection; returns its request headers."""
        self._decoder = SSEDecoder()
        self._decoder.last_event_id = self.last_id
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-store"}
        if self.last_id:
            headers["Last-Event-ID"] = self.last_id
        return headers

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        fresh: list[ServerSentEvent] = []
        for event in self._decoder.feed(chunk):
            if event.id:
                if event.id in self._delivered_ids:
                    continue
                self._delivered_ids.add(event.id)
                self.last_id = event.id
            fresh.append(event)
        if self._decoder.retry is not None:
            self._retry_ms = self._decoder.retry
        if fresh:
            self.failures = 0
        return fresh

    def dropped(self, cause: BaseException | None) -> float:
        """The stream ended without `done`: seconds to wait before reconnecting, or raise."""
        self.failures += 1
        if self.failures > self.max_reconnects:
            reason = f": {cause}" if cause is not None and str(cause) else ""
            raise StreamUnavailableError(
                f"stream of prediction {self.prediction_id} dropped {self.failures} times in a "
                f"row{reason}; the prediction may still be running (wait on its id)",
                self.prediction_id,
            ) from cause
        base = _DEFAULT_RECONNECT_DELAY if self._retry_ms is None else self._retry_ms / 1000
        # Back off a little on repeated failures, never beyond the cap.
        return float(min(base * (2 ** (self.failures - 1)), _MAX_RECONNECT_DELAY))


def _follower_for(prediction: Prediction, max_reconnects: int) -> _StreamFollower:
    url = prediction.urls.stream
    if not url:
        raise StreamUnavailableError(
            f"prediction {prediction.id} has no stream URL: the model does not support streaming",
            prediction.id,
        )
    return _StreamFollower(prediction.id, url, max_reconnects)


def _failed(prediction: Prediction, event: ServerSentEvent) -> ModelError:
    if prediction.error is None or prediction.status != "failed":
        # The stream reported the failure before the prediction record caught up.
        prediction = attrs.evolve(prediction, status="failed", error=_error_text(event.data))
    return ModelError(prediction)


def _error_text(data: str) -> str:
    try:
        parsed = json.loads(data)
    except ValueError:
        return data
    if isinstance(parsed, dict):
        for key in ("detail", "error", "message"):
            if isinstance(parsed.get(key), str):
                return str(parsed[key])
    return data


def stream_prediction_events(
    client: _SyncRequester,
    prediction: Prediction | str,
    *,
    max_reconnects: int = DEFAULT_MAX_RECONNECTS,
) -> Iterator[ServerSentEvent]:
    """Follow a prediction's `urls.stream`: yield its events up to and including `done`.

    An `error` event raises `ModelError` carrying the (refetched) failed prediction. A dropped
    connection is resumed with Last-Event-ID, at most `max_reconnects` times in a row.
    """
    if isinstance(prediction, str):
        prediction = _get_prediction(client, prediction)
    follower = _follower_for(prediction, max_reconnects)
    while True:
        headers = follower.connect()
        cause: BaseException | None = None
        failure: ServerSentEvent | None = None
        try:
            response = client.request("GET", follower.url, headers=headers, stream=True)
            try:
                for chunk in response.iter_bytes():
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
                response.close()
        except _DROPPED as exc:
            cause = exc
        if failure is not None:
            raise _failed(_get_prediction(client, follower.prediction_id), failure)
        time.sleep(follower.dropped(cause))


async def stream_prediction_events_async(
    client: _AsyncRequester,
    prediction: Prediction | str,
    *,
    max_reconnects: int = DEFAULT_MAX_RECONNECTS,
) -> AsyncGenerator[ServerSentEvent, None]:
    """Async twin of `stream_prediction_events`."""
    if isinstance(prediction, str):
        prediction = await _get_prediction_async(client, prediction)
    follower = _follower_for(prediction, max_reconnects)
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
        except _DROPPED as exc:
            cause = exc
        if failure is not None:
            prediction = await _get_prediction_async(client, follower.prediction_id)
            raise _failed(prediction, failure)
        await anyio.sleep(follower.dropped(cause))


def _get_request(prediction_id: str) -> dict[str, Any]:
    return _get_operation.build_request(validate_id(prediction_id, "prediction id"))


def _get_prediction(client: _SyncRequester, prediction_id: str) -> Prediction:
    response = client.request(**_get_request(prediction_id))
    return Prediction.from_dict(_json_object(response))


async def _get_prediction_async(client: _AsyncRequester, prediction_id: str) -> Prediction:
    response = await client.request(**_get_request(prediction_id))
    return Prediction.from_dict(_json_object(response))


def _json_object(response: httpx.Response) -> dict[str, Any]:
    data = decode_json(response)
    if not isinstance(data, dict):
        raise ReplicateError(f"expected a JSON object from {response.url}, got {type(data)}")
    return data


# --------------------------------------------------------------------------------------------
# client.stream(): create a streaming prediction (or take an existing one) and follow it


@attrs.frozen
class _StreamPlan:
    existing: Prediction | str | None
    version: str | None = None
    model: str | None = None
    deployment: str | None = None


def _plan_stream(
    ref: Ref | None,
    input: Mapping[str, Any] | None,
    deployment: DeploymentLike | None,
    prediction: Prediction | str | None,
    file_encoding: str,
    webhook_events_filter: Sequence[str] | None,
    max_reconnects: int,
) -> _StreamPlan:
    """Validate `stream()`'s arguments before any request."""
    if isinstance(max_reconnects, bool) or not isinstance(max_reconnects, int):
        raise TypeError(f"max_reconnects must be an int, got {max_reconnects!r}")
    if max_reconnects < 0:
        raise ValueError(f"max_reconnects must be >= 0, got {max_reconnects}")
    if prediction is not None:
        if ref is not None or deployment is not None or input is not None:
            raise ValueError("pass either prediction=... or a model/deployment with input")
        if isinstance(prediction, str):
            validate_id(prediction, "prediction id")
        elif not isinstance(prediction, Prediction):
            raise TypeError(f"prediction must be a Prediction or an id, got {prediction!r}")
        return _StreamPlan(existing=prediction)
    from ._run import plan_run

    plan = plan_run(
        ref,
        deployment,
        input,
        wait=False,
        timeout=None,
        file_encoding=file_encoding,
        webhook_events_filter=webhook_events_filter,
    )
    return _StreamPlan(None, plan.version, plan.model, plan.deployment)


def stream_run(
    client: Client,
    ref: Ref | None = None,
    input: Mapping[str, Any] | None = None,
    *,
    deployment: DeploymentLike | None = None,
    prediction: Prediction | str | None = None,
    webhook: str | None = None,
    webhook_events_filter: Sequence[str] | None = None,
    file_encoding: FileEncoding = "auto",
    max_reconnects: int = DEFAULT_MAX_RECONNECTS,
    on_update: OnUpdate | None = None,
) -> Iterator[ServerSentEvent]:
    """What `Client.stream` does; arguments are checked now, requests start on iteration."""
    plan = _plan_stream(
        ref, input, deployment, prediction, file_encoding, webhook_events_filter, max_reconnects
    )
    return _stream_run(
        client,
        plan,
        input,
        webhook,
        webhook_events_filter,
        file_encoding,
        max_reconnects,
        on_update,
    )


def _stream_run(
    client: Client,
    plan: _StreamPlan,
    input: Mapping[str, Any] | None,
    webhook: str | None,
    webhook_events_filter: Sequence[str] | None,
    file_encoding: FileEncoding,
    max_reconnects: int,
    on_update: OnUpdate | None,
) -> Iterator[ServerSentEvent]:
    target = plan.existing
    created: str | None = None  # the id of a prediction this call creates
    if target is None:
        from ._files import encode_inputs

        encoded = encode_inputs(dict(input or {}), strategy=file_encoding, upload=client._upload)
        target = client.predictions.create(
            version=plan.version,
            model=plan.model,
            deployment=plan.deployment,
            input=encoded,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            stream=True,
        )
        created = target.id
    if on_update is not None:
        if isinstance(target, str):  # the hook gets a Prediction, not an id
            target = client.predictions.get(target)
        on_update(target)
    try:
        yield from stream_prediction_events(client._client, target, max_reconnects=max_reconnects)
    except (Exception, KeyboardInterrupt) as error:
        if created is not None:
            keep_prediction_id(error, created)
        raise


def stream_run_async(
    client: AsyncClient,
    ref: Ref | None = None,
    input: Mapping[str, Any] | None = None,
    *,
    deployment: DeploymentLike | None = None,
    prediction: Prediction | str | None = None,
    webhook: str | None = None,
    webhook_events_filter: Sequence[str] | None = None,
    file_encoding: FileEncoding = "auto",
    max_reconnects: int = DEFAULT_MAX_RECONNECTS,
    on_update: OnUpdate | None = None,
) -> AsyncIterator[ServerSentEvent]:
    """What `AsyncClient.stream` does: checks arguments now, returns an async iterator."""
    plan = _plan_stream(
        ref, input, deployment, prediction, file_encoding, webhook_events_filter, max_reconnects
    )
    return _stream_run_async(
        client,
        plan,
        input,
        webhook,
        webhook_events_filter,
        file_encoding,
        max_reconnects,
        on_update,
    )


async def _stream_run_async(
    client: AsyncClient,
    plan: _StreamPlan,
    input: Mapping[str, Any] | None,
    webhook: str | None,
    webhook_events_filter: Sequence[str] | None,
    file_encoding: FileEncoding,
    max_reconnects: int,
    on_update: OnUpdate | None,
) -> AsyncIterator[ServerSentEvent]:
    target = plan.existing
    created: str | None = None  # the id of a prediction this call creates
    if target is None:
        from ._files import encode_inputs_async

        encoded = await encode_inputs_async(
            dict(input or {}), strategy=file_encoding, upload=client._upload
        )
        target = await client.predictions.create(
            version=plan.version,
            model=plan.model,
            deployment=plan.deployment,
            input=encoded,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            stream=True,
        )
        created = target.id
    if on_update is not None:
        from ._io import call_hook_async

        if isinstance(target, str):  # the hook gets a Prediction, not an id
            target = await client.predictions.get(target)
        await call_hook_async(on_update, target)
    events = stream_prediction_events_async(client._client, target, max_reconnects=max_reconnects)
    # Closed explicitly: closing this generator early must close the stream's response now, as
    # `yield from` does in the sync twin, not whenever the event loop finalizes `events`.
    async with contextlib.aclosing(events):
        try:
            async for event in events:
                yield event
        except (Exception, KeyboardInterrupt) as error:
            if created is not None:
                keep_prediction_id(error, created)
            raise

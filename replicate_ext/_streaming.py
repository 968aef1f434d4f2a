"""Server-sent events, decided without I/O: an incremental decoder, the resume state of a
prediction's stream, and the checks ``stream()`` makes before any request.

The decoder follows the WHATWG EventSource parsing rules, fed arbitrary byte chunks (a chunk may
end mid-line or mid-UTF-8-character), so the same code serves sync and async streams. The loops
that read streams are written once in ``_async/streaming.py`` (sync generated).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import httpx
from replicate_api.api.predictions import get as _get_operation

from ._errors import (
    APIConnectionError,
    ModelError,
    ReplicateError,
    decode_json,
)
from ._refs import DeploymentLike, Ref, validate_id
from ._run import RunPlan, plan_run
from .types import Prediction

if TYPE_CHECKING:
    pass

__all__ = [
    "DEFAULT_MAX_RECONNECTS",
    "SSEDecoder",
    "ServerSentEvent",
    "StreamUnavailableError",
    "decode_events",
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


# A stream that breaks mid-body raises httpx errors directly from the body iterator; the base
# client turns failures to connect into APIConnectionError.
DROPPED = (httpx.TransportError, APIConnectionError)


class StreamFollower:
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


def follower_for(prediction: Prediction, max_reconnects: int) -> StreamFollower:
    url = prediction.urls.stream
    if not url:
        raise StreamUnavailableError(
            f"prediction {prediction.id} has no stream URL: the model does not support streaming",
            prediction.id,
        )
    return StreamFollower(prediction.id, url, max_reconnects)


def failure_of(prediction: Prediction, event: ServerSentEvent) -> ModelError:
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


def get_request(prediction_id: str) -> dict[str, Any]:
    return _get_operation.build_request(validate_id(prediction_id, "prediction id"))


def json_object(response: httpx.Response) -> dict[str, Any]:
    data = decode_json(response)
    if not isinstance(data, dict):
        raise ReplicateError(f"expected a JSON object from {response.url}, got {type(data)}")
    return data


# --------------------------------------------------------------------------------------------
# client.stream(): create a streaming prediction (or take an existing one) and follow it


@attrs.frozen
class StreamPlan:
    """What ``stream()`` will do, decided before any request: follow an existing prediction
    (``source`` is it or its id), or create one as ``run()`` would (``source`` is that plan)."""

    source: Prediction | str | RunPlan
    max_reconnects: int

    @property
    def label(self) -> str | None:
        """What runs, for logs and traces (no input values)."""
        return self.source.label if isinstance(self.source, RunPlan) else None


def plan_stream(
    ref: Ref | None,
    input: Mapping[str, Any] | None,
    deployment: DeploymentLike | None,
    prediction: Prediction | str | None,
    file_encoding: str,
    webhook_events_filter: Sequence[str] | None,
    max_reconnects: int,
) -> StreamPlan:
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
        return StreamPlan(prediction, max_reconnects)
    plan = plan_run(
        ref,
        deployment,
        input,
        wait=False,
        timeout=None,
        file_encoding=file_encoding,
        webhook_events_filter=webhook_events_filter,
    )
    return StreamPlan(plan, max_reconnects)

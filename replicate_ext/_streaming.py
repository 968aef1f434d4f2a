"""Server-sent events: a pure incremental decoder, and prediction streams with resume.

The decoder follows the WHATWG EventSource parsing rules, fed arbitrary byte chunks (a chunk may
end mid-line or mid-UTF-8-character), so the same code serves sync and async streams.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator

import attrs

__all__ = ["SSEDecoder", "ServerSentEvent", "decode_events"]


@attrs.frozen
class ServerSentEvent:
    """One server-sent event.

    `event` is the event name ("output", "logs", "error", "done", or anything else the server
    sends), `data` its text, `id` the last event id seen so far on the stream, `retry` the
    reconnection delay in milliseconds if this event carried one. `str()` of an output event is its
    data, and of any other event the empty string, so printing a stream prints just the output:

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
        self._buffer = ""
        self._skip_lf = False  # the previous chunk ended in CR, which may pair with a leading LF
        self._at_start = True
        self._data: list[str] = []
        self._event = ""
        self._block_retry: int | None = None
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
        buffer = self._buffer + text
        start = 0
        length = len(buffer)
        while True:
            cr = buffer.find("\r", start)
            lf = buffer.find("\n", start)
            if cr == -1 and lf == -1:
                break
            if cr == -1 or (lf != -1 and lf < cr):
                end, next_start = lf, lf + 1
            elif cr + 1 < length:
                end = cr
                next_start = cr + 2 if buffer[cr + 1] == "\n" else cr + 1
            else:
                # CR is the last character: the line is complete, but an LF may follow next time.
                end, next_start = cr, cr + 1
                self._skip_lf = True
            event = self._line(buffer[start:end])
            if event is not None:
                events.append(event)
            start = next_start
        self._buffer = buffer[start:]
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
                self.last_event_id = value
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
                id=self.last_event_id,
                retry=self._block_retry,
            )
        self._data = []
        self._event = ""
        self._block_retry = None
        self._has_fields = False
        return event


def decode_events(chunks: Iterable[bytes]) -> Iterator[ServerSentEvent]:
    """Decode a whole stream of byte chunks into events."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)

"""Optional OpenTelemetry tracing: a span per HTTP attempt and one per prediction's lifecycle.

Install the ``otel`` extra (``opentelemetry-api`` only) and configure any OpenTelemetry SDK in
your application; spans then show up under the ``replicate_ext`` tracer. Without the package
every hook here is a no-op that costs one ``is None`` check.

Attributes name the model, the prediction id and status, the HTTP method, URL path, status code
and attempt number. They never carry the API token, request bodies or input values.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from ._version import __version__

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

__all__ = ["PredictionSpan", "end_attempt", "load_tracer", "start_attempt"]

TRACER_NAME = "replicate_ext"


def load_tracer() -> Tracer | None:
    """The ``replicate_ext`` tracer, or None when opentelemetry-api is not installed.

    OpenTelemetry's tracer follows whatever provider the application sets, even later, so a
    client resolves it once when it is created.
    """
    try:
        from opentelemetry import trace
    except ImportError:
        return None
    return trace.get_tracer(TRACER_NAME, __version__)


def start_attempt(tracer: Tracer, request: httpx.Request, attempt: int) -> Span:
    """Open the span of one HTTP attempt (``attempt`` counts from 1)."""
    from opentelemetry.trace import SpanKind

    url = request.url
    return tracer.start_span(
        f"{request.method} {url.path}",
        kind=SpanKind.CLIENT,
        attributes={
            "http.request.method": request.method,
            "url.scheme": url.scheme,
            "url.path": url.path,
            "server.address": url.host,
            "server.port": url.port or (443 if url.scheme == "https" else 80),
            "http.request.resend_count": attempt - 1,
        },
    )


def end_attempt(
    span: Span, response: httpx.Response | None = None, error: BaseException | None = None
) -> None:
    """Close an attempt's span with its outcome: a status code, or the error that ended it."""
    from opentelemetry.trace import Status, StatusCode

    if response is not None:
        span.set_attribute("http.response.status_code", response.status_code)
        if response.status_code >= 400:
            span.set_attribute("error.type", str(response.status_code))
            span.set_status(Status(StatusCode.ERROR))
    if error is not None:
        span.set_attribute("error.type", type(error).__name__)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__))
    span.end()


class PredictionSpan:
    """The span around one prediction's life in ``run``, ``wait`` or ``stream``.

    A no-op without a tracer. ``update`` records what the latest state says; ``close`` ends
    the span, marking it failed when an exception ended the call.
    """

    def __init__(self, tracer: Tracer | None, operation: str, model: str | None) -> None:
        self._span: Span | None = None
        self._activation: contextlib.AbstractContextManager[Any] | None = None
        self.polls = 0
        if tracer is not None:
            attributes: dict[str, Any] = {"replicate.operation": operation}
            if model:
                attributes["replicate.model"] = model
            self._span = tracer.start_span(f"replicate.{operation}", attributes=attributes)

    def __enter__(self) -> PredictionSpan:
        """Make this span the current one while the block runs (each HTTP attempt's span is
        then its child), and close it when the block ends."""
        if self._span is not None:
            from opentelemetry import trace

            self._activation = trace.use_span(self._span, end_on_exit=False)
            self._activation.__enter__()
        return self

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        if self._activation is not None:
            self._activation.__exit__(None, None, None)
            self._activation = None
        self.close(error)

    def watching(self, hook: Callable[[Any], object] | None) -> Callable[[Any], object]:
        """A progress hook that records each state here, then calls ``hook`` (its result is
        returned, so an async client's coroutine hook is still awaited)."""

        def record(prediction: Any) -> object:
            self.update(prediction)
            return None if hook is None else hook(prediction)

        return record

    def update(self, prediction: Any) -> None:
        self.polls += 1
        if self._span is None:
            return
        self._span.set_attribute("replicate.prediction.id", str(prediction.id))
        self._span.set_attribute("replicate.prediction.status", str(prediction.status))
        for name in ("model", "version"):
            value = getattr(prediction, name, None)
            if isinstance(value, str) and value:
                self._span.set_attribute(f"replicate.{name}", value)

    def close(self, error: BaseException | None = None) -> None:
        if self._span is None:
            return
        from opentelemetry.trace import Status, StatusCode

        self._span.set_attribute("replicate.prediction.states_seen", self.polls)
        if error is not None:
            self._span.set_attribute("error.type", type(error).__name__)
            self._span.set_status(Status(StatusCode.ERROR, type(error).__name__))
        self._span.end()
        self._span = None

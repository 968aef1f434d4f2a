"""Optional OpenTelemetry tracing: spans per HTTP attempt and per prediction, never secrets."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from replicate_ext import APIConnectionError, _tracing

from .conftest import TOKEN, mock_async_client, mock_client, prediction_json

_EXPORTER = InMemorySpanExporter()
_WATCHED: list[TracerProvider] = []


@pytest.fixture
def spans(sleeps: list[float]) -> Iterator[InMemorySpanExporter]:
    """The spans finished during the test (the global provider can be set only once)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    if provider not in _WATCHED:  # another test may have set the provider first
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        _WATCHED.append(provider)
    _EXPORTER.clear()
    yield _EXPORTER
    _EXPORTER.clear()


def _flaky_then(body: dict[str, Any]) -> Any:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(503, json={"detail": "busy"})
        return httpx.Response(200, json=body)

    return handler


def _all_attribute_values(finished: tuple[ReadableSpan, ...]) -> list[str]:
    return [str(value) for span in finished for value in (span.attributes or {}).values()]


def _attempts(finished: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    return [span for span in finished if span.kind == trace.SpanKind.CLIENT]


def test_a_span_per_http_attempt_with_its_outcome(spans: InMemorySpanExporter) -> None:
    with mock_client(_flaky_then(prediction_json(status="succeeded"))) as client:
        client.predictions.get("p1")
    attempts = _attempts(spans.get_finished_spans())
    assert [span.name for span in attempts] == ["GET /v1/predictions/p1"] * 2
    first, second = (dict(span.attributes or {}) for span in attempts)
    assert first["http.response.status_code"] == 503 and first["error.type"] == "503"
    assert second["http.response.status_code"] == 200 and "error.type" not in second
    assert [a["http.request.resend_count"] for a in (first, second)] == [0, 1]
    assert second["server.address"] == "api.test" and second["http.request.method"] == "GET"


async def test_async_attempts_are_traced_too(spans: InMemorySpanExporter) -> None:
    async with mock_async_client(_flaky_then(prediction_json(status="succeeded"))) as client:
        await client.predictions.get("p1")
    assert len(_attempts(spans.get_finished_spans())) == 2


def test_a_transport_error_ends_its_attempt_span(spans: InMemorySpanExporter) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with mock_client(handler, max_retries=1) as client, pytest.raises(APIConnectionError):
        client.account.get()
    attempts = _attempts(spans.get_finished_spans())
    assert len(attempts) == 2
    assert all((span.attributes or {})["error.type"] == "ConnectError" for span in attempts)


def _polled_run_handler() -> Any:
    states = iter(["starting", "processing", "succeeded"])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(states)
        output = "hello Ada" if status == "succeeded" else None
        return httpx.Response(200, json=prediction_json(status=status, output=output))

    return handler


def test_run_has_one_prediction_span_around_its_attempts(spans: InMemorySpanExporter) -> None:
    with mock_client(_polled_run_handler()) as client:
        assert client.run("demo/hello", input={"name": "Ada"}, wait=False) == "hello Ada"
    finished = spans.get_finished_spans()
    (lifecycle,) = [span for span in finished if span.name == "replicate.run"]
    attributes = dict(lifecycle.attributes or {})
    assert attributes["replicate.model"] == "demo/hello"
    assert attributes["replicate.prediction.id"] == "p1"
    assert attributes["replicate.prediction.status"] == "succeeded"
    assert attributes["replicate.prediction.states_seen"] == 3
    attempts = _attempts(finished)
    assert len(attempts) == 3
    assert all(span.parent is not None for span in attempts)
    assert {span.parent.span_id for span in attempts if span.parent} == {lifecycle.context.span_id}
    # Neither the token nor any input value is ever an attribute.
    values = _all_attribute_values(finished)
    assert not any(TOKEN in value or "Ada" in value for value in values)


def test_stream_has_a_prediction_span(spans: InMemorySpanExporter) -> None:
    body = prediction_json(status="starting")
    body["urls"]["stream"] = "http://api.test/v1/stream/p1"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/stream/p1":
            events = b"event: output\nid: 1\ndata: hi\n\nevent: done\nid: 2\ndata: {}\n\n"
            return httpx.Response(
                200, content=events, headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(201, json=body)

    with mock_client(handler) as client:
        shown = [str(event) for event in client.stream("demo/hello", {"name": "Ada"})]
    assert shown[0] == "hi"
    (lifecycle,) = [s for s in spans.get_finished_spans() if s.name == "replicate.stream"]
    assert dict(lifecycle.attributes or {})["replicate.prediction.id"] == "p1"
    assert lifecycle.status.status_code != trace.StatusCode.ERROR


async def test_async_wait_span_records_a_timeout(spans: InMemorySpanExporter) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=prediction_json(status="processing"))

    async with mock_async_client(handler) as client:
        with pytest.raises(Exception) as caught:
            await client.wait("p1", timeout=0.05)
    (lifecycle,) = [s for s in spans.get_finished_spans() if s.name == "replicate.wait"]
    assert dict(lifecycle.attributes or {})["error.type"] == type(caught.value).__name__
    assert lifecycle.status.status_code == trace.StatusCode.ERROR


def test_without_opentelemetry_every_hook_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry", None)  # import now fails
    assert _tracing.load_tracer() is None
    span = _tracing.PredictionSpan(None, "run", "demo/hello")
    span.update(type("P", (), {"id": "p1", "status": "succeeded"})())
    span.close()
    with mock_client(lambda request: httpx.Response(200, json={"username": "u"})) as client:
        assert client._client._tracer is None
        assert client.account.get().username == "u"

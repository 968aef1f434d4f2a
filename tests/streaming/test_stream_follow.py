"""Following a prediction stream over a real socket: resume without duplicates or losses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from replicate_ext._async.api_client import AsyncAPIClient
from replicate_ext._async.streaming import stream_prediction_events_async
from replicate_ext._errors import ModelError
from replicate_ext._streaming import ServerSentEvent, StreamUnavailableError
from replicate_ext._sync.api_client import SyncAPIClient
from replicate_ext._sync.streaming import stream_prediction_events
from replicate_ext.types import Prediction

from .conftest import Event, SSEServer, StreamScript

WORDS = [f"word-{n:02d}-{'x' * 12} " for n in range(8)]
FULL_TEXT = "".join(WORDS)


def script(**options: object) -> StreamScript:
    events = [Event(str(n + 1), "output", word) for n, word in enumerate(WORDS)]
    events.insert(3, Event("3a", "logs", "halfway there"))
    events.append(Event("done-id", "done", '{"reason": "completed"}'))
    options.setdefault("retry_ms", 10)  # the server's reconnection hint keeps these tests fast
    return StreamScript(events=events, **options)  # type: ignore[arg-type]


def prediction_for(server: SSEServer) -> Prediction:
    return Prediction.from_dict(
        {"id": "p1", "status": "processing", "urls": {"stream": server.stream_url}}
    )


@pytest.fixture
def client(sse_server: SSEServer) -> Iterator[SyncAPIClient]:
    client = SyncAPIClient(api_token="t", base_url=sse_server.url + "/v1", max_retries=0)
    yield client
    client.close()


def output_text(events: list[ServerSentEvent]) -> str:
    return "".join(str(event) for event in events)


def test_clean_stream_yields_everything_then_done(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    sse_server.script = script()
    events = list(stream_prediction_events(client, prediction_for(sse_server)))
    assert output_text(events) == FULL_TEXT
    assert [e.event for e in events].count("logs") == 1
    assert events[-1] == ServerSentEvent("done", '{"reason": "completed"}', "done-id")
    assert sse_server.last_event_ids == [None]


def test_cut_mid_event_resumes_from_last_complete_event(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    # The cut lands after the "id: 3" line of the third event: that id must not be resumed from.
    sse_server.script = script(cuts=[2])
    events = list(stream_prediction_events(client, prediction_for(sse_server)))
    assert output_text(events) == FULL_TEXT
    assert sse_server.last_event_ids == [None, "2"]
    ids = [e.id for e in events]
    assert len(ids) == len(set(ids))


def test_several_cuts_and_broken_chunked_bodies(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    sse_server.script = script(cuts=[1, 0, 3, 1], chunked=True)
    events = list(stream_prediction_events(client, prediction_for(sse_server)))
    assert output_text(events) == FULL_TEXT
    assert sse_server.last_event_ids == [None, "1", "1", "3a", "4"]


def test_server_that_replays_from_start_does_not_duplicate(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    sse_server.script = script(cuts=[3, 5], ignore_last_event_id=True)
    events = list(stream_prediction_events(client, prediction_for(sse_server)))
    assert output_text(events) == FULL_TEXT
    assert sse_server.connections == 3


def test_gives_up_after_bounded_reconnects_keeping_the_id(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    sse_server.script = script(cuts=[0] * 10)
    with pytest.raises(StreamUnavailableError) as caught:
        list(stream_prediction_events(client, prediction_for(sse_server), max_reconnects=2))
    assert caught.value.prediction_id == "p1"
    assert "p1" in str(caught.value)
    assert sse_server.connections == 3


def test_progress_resets_the_reconnect_budget(sse_server: SSEServer, client: SyncAPIClient) -> None:
    # Every connection delivers one new event before dropping: more drops than the budget, but
    # never two in a row without progress.
    sse_server.script = script(cuts=[1] * 9)
    events = list(stream_prediction_events(client, prediction_for(sse_server), max_reconnects=1))
    assert output_text(events) == FULL_TEXT
    assert sse_server.connections == 10


def test_unknown_event_names_pass_through(sse_server: SSEServer, client: SyncAPIClient) -> None:
    sse_server.script = script()
    sse_server.script.events.insert(1, Event("m", "metrics", '{"tokens": 3}'))
    events = list(stream_prediction_events(client, prediction_for(sse_server)))
    assert ServerSentEvent("metrics", '{"tokens": 3}', "m") in events
    assert output_text(events) == FULL_TEXT


def test_error_event_raises_model_error_with_prediction(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    sse_server.script = StreamScript(
        events=[
            Event("1", "output", "partial "),
            Event("2", "error", '{"detail": "out of memory"}'),
            Event("3", "done", "{}"),
        ],
        prediction={"id": "p1", "status": "failed", "error": "CUDA out of memory"},
    )
    received: list[ServerSentEvent] = []
    with pytest.raises(ModelError) as caught:
        for event in stream_prediction_events(client, prediction_for(sse_server)):
            received.append(event)
    assert [str(e) for e in received] == ["partial "]
    assert caught.value.prediction.id == "p1"
    assert caught.value.prediction.status == "failed"
    assert caught.value.prediction.error == "CUDA out of memory"


def test_error_event_before_record_updates_uses_event_detail(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    sse_server.script = StreamScript(
        events=[Event("1", "error", '{"detail": "boom"}')],
        prediction={"id": "p1", "status": "processing"},
    )
    with pytest.raises(ModelError) as caught:
        list(stream_prediction_events(client, prediction_for(sse_server)))
    assert caught.value.prediction.status == "failed"
    assert caught.value.prediction.error == "boom"


def test_stream_by_id_fetches_the_prediction(sse_server: SSEServer, client: SyncAPIClient) -> None:
    sse_server.script = script(
        prediction={"id": "p1", "status": "processing", "urls": {"stream": sse_server.stream_url}}
    )
    assert output_text(list(stream_prediction_events(client, "p1"))) == FULL_TEXT


def test_no_stream_url_fails_before_any_request(
    sse_server: SSEServer, client: SyncAPIClient
) -> None:
    prediction = Prediction.from_dict({"id": "p9", "status": "starting", "urls": {}})
    with pytest.raises(StreamUnavailableError, match="p9"):
        next(stream_prediction_events(client, prediction))
    assert sse_server.connections == 0


async def test_async_resume_without_duplicates(sse_server: SSEServer) -> None:
    sse_server.script = script(cuts=[2, 0, 4], chunked=True)
    client = AsyncAPIClient(api_token="t", base_url=sse_server.url + "/v1", max_retries=0)
    try:
        events = [
            event
            async for event in stream_prediction_events_async(client, prediction_for(sse_server))
        ]
    finally:
        await client.close()
    assert output_text(events) == FULL_TEXT
    assert sse_server.last_event_ids == [None, "2", "2", "5"]
    assert events[-1].event == "done"


async def test_async_error_event_raises_model_error(sse_server: SSEServer) -> None:
    sse_server.script = StreamScript(
        events=[Event("1", "error", "plain text failure")],
        prediction={"id": "p1", "status": "processing"},
    )
    sse_server.script.prediction["urls"] = {"stream": sse_server.stream_url}
    client = AsyncAPIClient(api_token="t", base_url=sse_server.url + "/v1", max_retries=0)
    try:
        with pytest.raises(ModelError) as caught:
            async for _ in stream_prediction_events_async(client, "p1"):
                pass
    finally:
        await client.close()
    assert caught.value.prediction.error == "plain text failure"

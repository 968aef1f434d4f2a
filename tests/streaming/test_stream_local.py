"""client.stream / AsyncClient.stream / replicate_ext.stream against the local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import replicate_ext
from replicate_ext import AsyncClient, Client, ModelError, ServerSentEvent
from replicate_ext._streaming import StreamUnavailableError
from replicate_ext.local import LocalServer
from replicate_ext.local.faults import Fault
from replicate_ext.local.pytest_plugin import LocalServerFactory

PROMPT = "the quick brown fox jumps over the lazy dog"


@pytest.fixture
def client(local_server: LocalServer) -> Iterator[Client]:
    with Client(api_token="test", base_url=local_server.base_url) as client:
        yield client


def text_of(events: list[ServerSentEvent]) -> str:
    return "".join(str(event) for event in events)


def test_stream_yields_output_as_text_and_ends_with_done(client: Client) -> None:
    events = list(client.stream("demo/stream", input={"prompt": PROMPT}))
    assert text_of(events) == PROMPT
    assert [e.data for e in events if e.event == "output"] == [
        word + " " for word in PROMPT.split()[:-1]
    ] + [PROMPT.split()[-1]]
    assert events[-1].event == "done"


def test_cut_stream_resumes_without_duplicates_or_losses(
    local_server_factory: LocalServerFactory,
) -> None:
    server = local_server_factory(
        faults=[Fault.cut_stream(after_events=2, times=3, path="/v1/predictions/*/stream")]
    )
    with Client(api_token="test", base_url=server.base_url) as client:
        events = list(client.stream("demo/stream", input={"prompt": PROMPT}))
    assert text_of(events) == PROMPT
    ids = [e.id for e in events]
    assert len(ids) == len(set(ids))
    assert server.faults.pending() == []  # all three cuts really happened


def test_stream_existing_prediction_by_object_and_by_id(client: Client) -> None:
    prediction = client.predictions.create(
        model="demo/stream", input={"prompt": "a b c"}, stream=True
    )
    assert text_of(list(client.stream(prediction=prediction))) == "a b c"
    # The server replays a finished prediction's stream from the start.
    assert text_of(list(client.stream(prediction=prediction.id))) == "a b c"


def test_error_event_raises_model_error_with_failed_prediction(client: Client) -> None:
    with pytest.raises(ModelError) as caught:
        list(client.stream("demo/fail", input={}))
    assert caught.value.prediction.status == "failed"
    assert caught.value.prediction.error


def test_bad_arguments_fail_before_any_request(client: Client) -> None:
    with pytest.raises(ValueError):
        client.stream("demo/stream", input={}, prediction="abc")
    with pytest.raises(ValueError):
        client.stream()
    with pytest.raises(ValueError):
        client.stream("not a ref!")
    with pytest.raises(ValueError):
        client.stream(prediction="p", max_reconnects=-1)
    assert client.predictions.list().results == []


def test_non_streaming_prediction_is_a_clear_error_keeping_the_id(client: Client) -> None:
    prediction = client.predictions.create(model="demo/hello", input={"name": "x"})
    if prediction.urls.stream is not None:
        pytest.fail("demo/hello unexpectedly streams; pick another non-streaming model")
    with pytest.raises(StreamUnavailableError) as caught:
        list(client.stream(prediction=prediction))
    assert caught.value.prediction_id == prediction.id


def test_module_stream_uses_default_client(
    local_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLICATE_API_TOKEN", "test")
    monkeypatch.setenv("REPLICATE_BASE_URL", local_server.base_url)
    monkeypatch.setattr(replicate_ext._client, "_default", None)
    events = list(replicate_ext.stream("demo/stream", input={"prompt": "one two"}))
    assert text_of(events) == "one two"


async def test_async_stream_with_cut(local_server_factory: LocalServerFactory) -> None:
    server = local_server_factory(
        faults=[Fault.cut_stream(after_events=1, times=2, path="/v1/predictions/*/stream")]
    )
    async with AsyncClient(api_token="test", base_url=server.base_url) as client:
        events = [e async for e in client.stream("demo/stream", input={"prompt": PROMPT})]
        assert text_of(events) == PROMPT
        prediction = await client.predictions.create(
            model="demo/stream", input={"prompt": "x y"}, stream=True
        )
        again = [e async for e in client.stream(prediction=prediction.id)]
        assert text_of(again) == "x y"
        with pytest.raises(ModelError):
            async for _ in client.stream("demo/fail", input={}):
                pass

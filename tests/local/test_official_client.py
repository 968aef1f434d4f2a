"""Fidelity: the official ``replicate`` client 1.0.7, pointed at the local server's root URL,
runs, streams and paginates."""

from __future__ import annotations

import io

import pytest
import replicate
from replicate.client import Client
from replicate.exceptions import ModelError, ReplicateError
from replicate.stream import ServerSentEvent

from replicate_ext.local import LocalServer


@pytest.fixture
def client(server: LocalServer) -> Client:
    return Client(api_token=server.token, base_url=server.url)


def test_run_greeter(client: Client) -> None:
    assert client.run("demo/hello", input={"name": "Ada"}) == "hello Ada"
    version = client.models.get("demo/hello").latest_version
    assert version is not None
    assert client.run(f"demo/hello:{version.id}", input={"name": "Bo"}) == "hello Bo"


def test_run_failing_model_raises_model_error(client: Client) -> None:
    with pytest.raises(ModelError) as caught:
        client.run("demo/fail", input={"message": "bad luck"})
    assert caught.value.prediction.error == "bad luck"


def test_invalid_input_raises_with_the_field(client: Client) -> None:
    with pytest.raises(ReplicateError) as caught:
        client.run("demo/hello", input={"nom": "x"})
    assert caught.value.status == 422
    assert "input.nom" in str(caught.value.detail)


def test_stream_token_model(client: Client) -> None:
    events = list(client.stream("demo/stream", input={"prompt": "hi there you", "delay": 0.01}))
    output = ServerSentEvent.EventType.OUTPUT
    text = "".join(str(e) for e in events if e.event == output)
    assert text == "hi there you"
    assert events[-1].event == ServerSentEvent.EventType.DONE


def test_paginate_predictions(client: Client) -> None:
    created = [
        client.predictions.create(model="demo/hello", input={"name": str(i)}).id for i in range(7)
    ]
    pages = []
    for page in replicate.paginate(client.predictions.list):
        pages.append(page)
        assert len(pages) < 10
    assert len(pages) == 3
    ids = [p.id for page in pages for p in page.results]
    assert ids == list(reversed(created))


def test_models_files_and_hardware(client: Client) -> None:
    model = client.models.get("demo/image")
    assert model.owner == "demo"
    assert any(h.sku == "cpu" for h in client.hardware.list())
    uploaded = client.files.create(io.BytesIO(b"hello file"), metadata={"k": "v"})
    assert uploaded.size == 10
    assert client.files.get(uploaded.id).checksums["sha256"]
    prediction = client.predictions.create(model="demo/sleep", input={"seconds": 10})
    canceled = client.predictions.cancel(prediction.id)
    assert canceled.status == "canceled"


def test_configured_through_environment(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPLICATE_BASE_URL", server.url)
    monkeypatch.setenv("REPLICATE_API_TOKEN", server.token)
    assert Client().run("demo/hello", input={"name": "env"}) == "hello env"


def test_run_falls_back_to_polling_when_prefer_wait_is_capped(
    server: LocalServer, client: Client
) -> None:
    server.set_wait_cap(0.1)
    assert client.run("demo/sleep", input={"seconds": 0.5}) == "slept 0.5s"
    server.set_wait_cap(0)
    assert client.run("demo/hello", input={"name": "poll"}) == "hello poll"


def test_module_level_replicate_run(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLICATE_BASE_URL", server.url)
    monkeypatch.setenv("REPLICATE_API_TOKEN", server.token)
    # the module's default client builds its HTTP client on first use: start from scratch
    monkeypatch.setattr(replicate.default_client, "_Client__client", None)
    assert replicate.run("demo/hello", input={"name": "module"}) == "hello module"
    events = list(replicate.stream("demo/stream", input={"prompt": "x y"}))
    words = [str(e) for e in events if e.event == ServerSentEvent.EventType.OUTPUT]
    assert words == ["x ", "y"]

"""A prediction created by run() or stream() keeps its id on every error raised afterwards."""

from __future__ import annotations

import httpx
import pytest

import replicate_ext

from .conftest import BASE_URL, mock_async_client, mock_client, prediction_json


def _created_then_failing(request: httpx.Request) -> httpx.Response:
    """Creates answer with a running prediction; everything after that fails."""
    if request.method == "POST":
        stream_url = f"{BASE_URL}/streams/p1"
        return httpx.Response(
            201,
            json=prediction_json(
                status="processing",
                urls={"get": f"{BASE_URL}/predictions/p1", "stream": stream_url},
            ),
        )
    if request.url.path.startswith("/v1/streams/"):
        return httpx.Response(404, json={"title": "Not found", "detail": "no such stream"})
    return httpx.Response(500, json={"title": "Internal Server Error"})


def _assert_keeps_id(error: replicate_ext.ReplicateError) -> None:
    assert error.prediction_id == "p1"
    assert any("p1" in note for note in getattr(error, "__notes__", []))


def test_run_keeps_the_id_when_polling_fails(sleeps: list[float]) -> None:
    with (
        mock_client(_created_then_failing) as client,
        pytest.raises(replicate_ext.InternalServerError) as caught,
    ):
        client.run("demo/hello", input={"name": "Ada"}, wait=False)
    _assert_keeps_id(caught.value)


async def test_async_run_keeps_the_id_when_polling_fails(sleeps: list[float]) -> None:
    async with mock_async_client(_created_then_failing) as client:
        with pytest.raises(replicate_ext.InternalServerError) as caught:
            await client.run("demo/hello", input={"name": "Ada"}, wait=False)
    _assert_keeps_id(caught.value)


def test_stream_keeps_the_id_when_the_stream_request_fails() -> None:
    with (
        mock_client(_created_then_failing) as client,
        pytest.raises(replicate_ext.NotFoundError) as caught,
    ):
        list(client.stream("demo/stream", input={"prompt": "hi"}))
    _assert_keeps_id(caught.value)


async def test_async_stream_keeps_the_id_when_the_stream_request_fails() -> None:
    async with mock_async_client(_created_then_failing) as client:
        with pytest.raises(replicate_ext.NotFoundError) as caught:
            async for _ in client.stream("demo/stream", input={"prompt": "hi"}):
                pass
    _assert_keeps_id(caught.value)


def test_errors_that_carry_the_prediction_expose_its_id() -> None:
    prediction = replicate_ext.Prediction.from_dict({"id": "p9", "status": "failed"})
    assert replicate_ext.ModelError(prediction).prediction_id == "p9"
    assert replicate_ext.WaitTimeoutError(prediction, 1.0).prediction_id == "p9"
    assert replicate_ext.ReplicateError("unrelated").prediction_id is None

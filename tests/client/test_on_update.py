"""The public progress hook ``on_update`` of run / wait / stream, predictions.wait and
trainings.wait: called with each state seen, for the sync and the async client."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext.types import Prediction, Training

from .conftest import mock_async_client, mock_client, prediction_json

AnyClient = replicate_ext.Client | replicate_ext.AsyncClient
STATES = ["starting", "processing", "processing", "succeeded"]


def _polled(states: list[str], *, training: bool = False) -> Callable[..., Any]:
    """A server whose create answers the first state and each poll the next one."""
    remaining = list(states)

    def handler(request: httpx.Request) -> httpx.Response:
        status = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        body = prediction_json(status=status, output="done" if status == "succeeded" else None)
        if training:
            body["id"] = "t1"
        return httpx.Response(201 if request.method == "POST" else 200, json=body)

    return handler


async def _run(call: Callable[[AnyClient], Any], client: AnyClient) -> Any:
    result = call(client)
    return await result if inspect.isawaitable(result) else result


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("call", "served"),
    [
        (lambda c, hook: c.run("demo/hello", input={}, wait=False, on_update=hook), STATES),
        # the starting state is the object passed in: the server answers the polls only
        (lambda c, hook: c.wait(Prediction(id="p1", status="starting"), on_update=hook),
         STATES[1:]),
        (lambda c, hook: c.predictions.wait("p1", on_update=hook), STATES),
    ],
    ids=["run", "wait", "predictions.wait"],
)  # fmt: skip
async def test_the_hook_sees_every_state_in_order(
    call: Callable[..., Any], served: list[str], is_async: bool
) -> None:
    seen: list[str] = []
    handler = _polled(served)
    client = mock_async_client(handler) if is_async else mock_client(handler)
    await _run(lambda c: call(c, lambda p: seen.append(p.status)), client)
    assert seen == STATES


async def test_the_async_client_awaits_an_async_hook() -> None:
    seen: list[str] = []

    async def hook(prediction: Prediction) -> None:
        seen.append(prediction.status)

    async with mock_async_client(_polled(STATES)) as client:
        assert await client.run("demo/hello", input={}, wait=False, on_update=hook) == "done"
    assert seen == STATES


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_trainings_wait_reports_trainings(is_async: bool) -> None:
    seen: list[Training] = []
    handler = _polled(["processing", "succeeded"], training=True)
    client = mock_async_client(handler) if is_async else mock_client(handler)
    await _run(lambda c: c.trainings.wait("t1", on_update=seen.append), client)
    assert [(t.id, t.status) for t in seen] == [("t1", "processing"), ("t1", "succeeded")]
    assert all(isinstance(t, Training) for t in seen)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_run_reports_a_prediction_finished_at_once(is_async: bool) -> None:
    seen: list[Prediction] = []
    handler = _polled(["succeeded"])
    client = mock_async_client(handler) if is_async else mock_client(handler)
    assert await _run(lambda c: c.run("demo/hello", input={}, on_update=seen.append), client)
    assert [p.status for p in seen] == ["succeeded"]


def test_the_hook_does_not_change_the_wait_schedule(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: dict[bool, list[float]] = {}
    for with_hook in (False, True):
        delays: list[float] = []
        monkeypatch.setattr("replicate_ext._sync.resources._base.sleep", delays.append)
        with mock_client(_polled(STATES)) as client:
            client.predictions.wait("p1", on_update=(lambda p: None) if with_hook else None)
        slept[with_hook] = delays
    assert len(slept[False]) == 3
    assert slept[True] == pytest.approx(slept[False], abs=0.005)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_stream_reports_the_prediction_it_follows(is_async: bool) -> None:
    # No stream URL: the stream cannot start, but the hook has seen the prediction by then.
    seen: list[Prediction] = []
    handler = _polled(["starting"])
    client = mock_async_client(handler) if is_async else mock_client(handler)
    with pytest.raises(replicate_ext.StreamUnavailableError):
        if is_async:
            assert isinstance(client, replicate_ext.AsyncClient)
            async for _ in client.stream(prediction="p1", on_update=seen.append):
                pass
        else:
            assert isinstance(client, replicate_ext.Client)
            for _ in client.stream(prediction="p1", on_update=seen.append):
                pass
    assert [(p.id, p.status) for p in seen] == [("p1", "starting")]

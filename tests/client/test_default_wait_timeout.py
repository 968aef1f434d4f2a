"""Nothing waits forever by default: every public wait entry point has a finite timeout."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext import _wait
from replicate_ext._async.resources.predictions import AsyncPredictions
from replicate_ext._async.resources.trainings import AsyncTrainings
from replicate_ext._deadline import Deadline
from replicate_ext._sync.resources.predictions import Predictions
from replicate_ext._sync.resources.trainings import Trainings

PREDICTION_WAITS: list[Callable[..., Any]] = [
    replicate_ext.Client.run,
    replicate_ext.Client.wait,
    replicate_ext.AsyncClient.run,
    replicate_ext.AsyncClient.wait,
    replicate_ext.run,
    Predictions.wait,
    AsyncPredictions.wait,
]
TRAINING_WAITS: list[Callable[..., Any]] = [Trainings.wait, AsyncTrainings.wait]


def _default_timeout(function: Callable[..., Any]) -> Any:
    return inspect.signature(function).parameters["timeout"].default


@pytest.mark.parametrize("function", PREDICTION_WAITS, ids=lambda f: f.__qualname__)
def test_prediction_waits_have_a_finite_default(function: Callable[..., Any]) -> None:
    default = _default_timeout(function)
    assert default == _wait.DEFAULT_PREDICTION_TIMEOUT
    assert math.isfinite(default) and default > 0


@pytest.mark.parametrize("function", TRAINING_WAITS, ids=lambda f: f.__qualname__)
def test_training_waits_have_a_finite_default(function: Callable[..., Any]) -> None:
    default = _default_timeout(function)
    assert default == _wait.DEFAULT_TRAINING_TIMEOUT
    assert math.isfinite(default) and default >= _wait.DEFAULT_PREDICTION_TIMEOUT


def test_the_default_reaches_the_wait_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float | None] = []

    def fake_poll(current: Any, *args: Any, deadline: Deadline | None, **kwargs: Any) -> Any:
        seen.append(None if deadline is None else deadline.remaining())
        return current

    monkeypatch.setattr("replicate_ext._sync.resources.predictions.poll_until_done", fake_poll)
    body = {"id": "p1", "status": "processing"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with replicate_ext.Client(api_token="t", base_url="http://test/v1", transport=transport) as c:
        c.wait("p1")
        c.wait("p1", timeout=None)
    assert seen[1] is None
    assert seen[0] is not None
    assert _wait.DEFAULT_PREDICTION_TIMEOUT - 5 < seen[0] <= _wait.DEFAULT_PREDICTION_TIMEOUT

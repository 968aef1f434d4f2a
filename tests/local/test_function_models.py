"""Python functions as models: typed parameters become the input schema, generators stream."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from replicate_ext.local import LocalServer, function_model
from replicate_ext.local.models import parse_model_spec

from . import funcs
from .conftest import api_client, wait_done
from .test_streaming import read_stream

SPECS = [
    "me/add=local.funcs:add",
    "me/shout=local.funcs:shout",
    "me/count=local.funcs:count",
    "me/acount=local.funcs:acount",
    "me/crash=local.funcs:crash",
    "me/block=local.funcs:block",
]


@pytest.fixture
def fn_api(make_server: Callable[..., LocalServer]) -> Iterator[httpx.Client]:
    with api_client(make_server(models=SPECS)) as client:
        yield client


def run(api: httpx.Client, ref: str, inputs: dict[str, object]) -> dict[str, object]:
    response = api.post(
        f"/models/{ref}/predictions", json={"input": inputs}, headers={"Prefer": "wait=10"}
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_schema_from_type_hints() -> None:
    model = function_model("me/shout", funcs.shout)
    schema = model.input_schema
    assert schema["required"] == ["text"]
    assert schema["properties"]["text"]["type"] == "string"
    assert schema["properties"]["mode"]["enum"] == ["upper", "lower"]
    assert schema["properties"]["mode"]["default"] == "upper"
    assert schema["properties"]["times"]["type"] == "number"
    assert model.output_schema["type"] == "string"
    counting = function_model("me/count", funcs.count)
    assert counting.iterator
    assert counting.output_schema["x-cog-array-type"] == "iterator"
    assert function_model("me/crash", funcs.crash).input_schema["properties"]["tags"] == {
        "title": "Tags",
        "x-order": 0,
        "type": "array",
        "items": {"type": "string"},
    }


def test_functions_run_and_validate(fn_api: httpx.Client) -> None:
    assert run(fn_api, "me/add", {"a": 40})["output"] == 42
    assert run(fn_api, "me/shout", {"text": "Hi", "mode": "lower", "times": 2})["output"] == "hihi"
    wrong = fn_api.post("/models/me/add/predictions", json={"input": {"a": "x"}})
    assert wrong.status_code == 422 and "input.a" in wrong.json()["detail"]
    bad_choice = fn_api.post(
        "/models/me/shout/predictions", json={"input": {"text": "x", "mode": "loud"}}
    )
    assert "input.mode" in bad_choice.json()["detail"]
    failed = run(fn_api, "me/crash", {"tags": ["a", "b"]})
    assert failed["status"] == "failed"
    assert failed["error"] == "RuntimeError: crashed with a,b"
    assert "Traceback" in str(failed["logs"])
    model = fn_api.get("/models/me/add").json()
    assert model["description"] == "Adds two integers."
    collection = fn_api.get("/collections/local").json()
    assert {m["name"] for m in collection["models"]} == {
        "add",
        "shout",
        "count",
        "acount",
        "crash",
        "block",
    }


def test_generators_stream(fn_api: httpx.Client) -> None:
    assert run(fn_api, "me/count", {"to": 3})["output"] == ["0,", "1,", "2,"]
    assert run(fn_api, "me/acount", {"to": 3})["output"] == [0, 1, 2]
    prediction = fn_api.post("/models/me/count/predictions", json={"input": {"to": 4}}).json()
    _, events = read_stream(prediction["urls"]["stream"])
    assert [e["data"] for e in events if e["event"] == "output"] == ["0,", "1,", "2,", "3,"]
    numbers = fn_api.post("/models/me/acount/predictions", json={"input": {"to": 2}}).json()
    _, events = read_stream(numbers["urls"]["stream"])
    assert [e["data"] for e in events if e["event"] == "output"] == ["0", "1"]


def test_blocking_functions_do_not_block_the_server(fn_api: httpx.Client) -> None:
    slow = fn_api.post("/models/me/block/predictions", json={"input": {"seconds": 1.0}}).json()
    started = time.monotonic()
    assert fn_api.get("/account").status_code == 200
    assert run(fn_api, "me/add", {"a": 1})["output"] == 3
    assert time.monotonic() - started < 0.5
    assert wait_done(fn_api, slow)["output"] == "unblocked"


def test_bad_model_specs() -> None:
    for spec in ["noslash=local.funcs:add", "me/x=local.funcs", "me/x=local.funcs:missing", "me/x"]:
        with pytest.raises((ValueError, AttributeError)):
            parse_model_spec(spec)
    assert parse_model_spec("me/x=local.funcs:add") == ("me/x", funcs.add)


def test_mapping_of_functions(make_server: Callable[..., LocalServer]) -> None:
    server = make_server(models={"me/twice": lambda n: n * 2})
    with api_client(server) as api:
        assert run(api, "me/twice", {"n": 21})["output"] == 42


def test_stop_does_not_wait_for_a_blocked_function(make_server: Callable[..., LocalServer]) -> None:
    server = make_server(models=["me/block=local.funcs:block"])
    with api_client(server) as api:
        running = api.post("/models/me/block/predictions", json={"input": {"seconds": 3}}).json()
        assert running["status"] in ("starting", "processing")
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2


def test_prediction_input_is_what_was_sent(fn_api: httpx.Client) -> None:
    body = run(fn_api, "me/add", {"a": 1})
    assert body["input"] == {"a": 1}  # the default b=2 is applied when running, not echoed
    assert body["output"] == 3

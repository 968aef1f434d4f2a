"""Cog predictors (``predict.py:Predictor``) served like functions, through Cog's public API:
``Input(...)`` metadata becomes the input schema, ``Path`` inputs get local files, ``Path``
outputs are served as URLs, ``ConcatenateIterator`` streams."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from replicate_ext.local import LocalServer

from .conftest import api_client
from .test_streaming import read_stream

PREDICT = Path(__file__).parent / "cog_predictor" / "predict.py"


@pytest.fixture
def cog_api(make_server: Callable[..., LocalServer]) -> Iterator[httpx.Client]:
    server = make_server(
        models=[
            f"cog/reverse={PREDICT}:Predictor",
            f"cog/stream={PREDICT}:Streamer",
            f"cog/flip={PREDICT}:Flipper",
        ]
    )
    with api_client(server) as client:
        yield client


def run(api: httpx.Client, ref: str, inputs: dict[str, object]) -> dict[str, object]:
    response = api.post(
        f"/models/{ref}/predictions", json={"input": inputs}, headers={"Prefer": "wait=10"}
    )
    body: dict[str, object] = response.json()
    return body


def test_input_metadata_becomes_the_schema(cog_api: httpx.Client) -> None:
    model = cog_api.get("/models/cog/reverse").json()
    assert model["description"] == "Reverses text, optionally prefixing the size of a given file."
    schema = model["latest_version"]["openapi_schema"]["components"]["schemas"]["Input"]
    assert schema["required"] == ["text"]
    props = schema["properties"]
    assert props["text"]["description"] == "Text to reverse"
    assert props["text"]["minLength"] == 1
    assert (props["times"]["minimum"], props["times"]["maximum"], props["times"]["default"]) == (
        1,
        3,
        1,
    )
    assert props["mode"]["enum"] == ["plain", "shout"]
    assert props["attachment"]["format"] == "uri"


def test_predictor_runs_and_validates(cog_api: httpx.Client) -> None:
    assert run(cog_api, "cog/reverse", {"text": "abc", "times": 2})["output"] == "cbacba"
    assert run(cog_api, "cog/reverse", {"text": "abc", "mode": "shout"})["output"] == "CBA"
    for bad, field in [
        ({"text": ""}, "input.text"),
        ({"text": "a", "times": 9}, "input.times"),
        ({"text": "a", "mode": "whisper"}, "input.mode"),
    ]:
        response = cog_api.post("/models/cog/reverse/predictions", json={"input": bad})
        assert response.status_code == 422
        assert field in response.json()["detail"]


def test_path_inputs_from_data_uri_and_uploaded_file(cog_api: httpx.Client) -> None:
    data_uri = "data:application/octet-stream;base64," + base64.b64encode(b"12345").decode()
    assert run(cog_api, "cog/reverse", {"text": "ab", "attachment": data_uri})["output"] == "5:ba"
    uploaded = cog_api.post("/files", files={"content": ("f.bin", b"x" * 42)}).json()
    with_url = run(cog_api, "cog/reverse", {"text": "ab", "attachment": uploaded["urls"]["get"]})
    assert with_url["output"] == "42:ba"


def test_path_output_is_served(cog_api: httpx.Client) -> None:
    data_uri = "data:application/octet-stream;base64," + base64.b64encode(b"abc").decode()
    body = run(cog_api, "cog/flip", {"image": data_uri})
    assert body["status"] == "succeeded", body
    assert httpx.get(str(body["output"])).content == b"cba"


def test_concatenate_iterator_streams(cog_api: httpx.Client) -> None:
    version = cog_api.get("/models/cog/stream").json()["latest_version"]
    output = version["openapi_schema"]["components"]["schemas"]["Output"]
    assert output["x-cog-array-type"] == "iterator"
    assert output["x-cog-array-display"] == "concatenate"
    prediction = cog_api.post("/models/cog/stream/predictions", json={"input": {"words": 2}}).json()
    _, events = read_stream(prediction["urls"]["stream"])
    assert [e["data"] for e in events if e["event"] == "output"] == ["w0 ", "w1 "]

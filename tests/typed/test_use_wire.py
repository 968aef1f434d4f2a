"""use() on the wire (httpx.MockTransport): the exact request sent, and outputs shaped by the
output schema or, when the version does not describe its output, by recognising URLs."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext import FileOutput, ReplicateError

VERSION = "c" * 64


def version_json(output: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": VERSION,
        "openapi_schema": {
            "components": {
                "schemas": {
                    "Input": {
                        "type": "object",
                        "required": ["prompt"],
                        "properties": {
                            "prompt": {"type": "string"},
                            "steps": {"type": "integer", "default": 20},
                            "seed": {"type": "integer"},
                        },
                    },
                    "Output": output,
                }
            }
        },
    }


def fake_api(output_schema: dict[str, Any], output: Any) -> tuple[replicate_ext.Client, list[Any]]:
    sent: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.method == "GET" and request.url.path == "/v1/models/me/m":
            model = {"owner": "me", "name": "m", "latest_version": version_json(output_schema)}
            return httpx.Response(200, json=model)
        if request.method == "GET":
            return httpx.Response(200, json=version_json(output_schema))
        prediction = {"id": "p1", "status": "succeeded", "output": output}
        return httpx.Response(201, json=prediction)

    client = replicate_ext.Client(
        api_token="t", base_url="http://api.test/v1", transport=httpx.MockTransport(handler)
    )
    return client, sent


def test_the_request_carries_the_checked_input_with_defaults() -> None:
    client, sent = fake_api({"type": "string"}, "ok")
    assert client.use("me/m")(prompt="hi", seed=None) == "ok"
    create = sent[-1]
    assert (create.method, create.url.path) == ("POST", "/v1/models/me/m/predictions")
    assert json.loads(create.content) == {"input": {"prompt": "hi", "steps": 20}}
    pinned = client.use(f"me/m:{VERSION}")
    pinned(prompt="x", steps=3)
    body = json.loads(sent[-1].content)
    assert sent[-1].url.path == "/v1/predictions"
    assert body == {"version": VERSION, "input": {"prompt": "x", "steps": 3}}


def test_a_url_is_a_file_only_when_the_schema_says_so() -> None:
    text, _ = fake_api({"type": "string"}, "https://example.com/page")
    assert text.use("me/m")(prompt="p") == "https://example.com/page"
    files, _ = fake_api({"type": "string", "format": "uri"}, "https://example.com/a.png")
    assert isinstance(files.use("me/m")(prompt="p"), FileOutput)
    unknown, _ = fake_api({"title": "Output"}, ["https://example.com/b.png", 3])
    shaped = unknown.use("me/m")(prompt="p")  # no description: URLs are recognised
    assert isinstance(shaped[0], FileOutput) and shaped[1] == 3


def test_a_version_without_a_schema_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"owner": "me", "name": "m", "latest_version": {"id": "v"}})

    client = replicate_ext.Client(
        api_token="t", base_url="http://api.test/v1", transport=httpx.MockTransport(handler)
    )
    with pytest.raises(ReplicateError, match="publishes no input schema"):
        client.use("me/m")

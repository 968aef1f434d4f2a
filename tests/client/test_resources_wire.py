"""Every resource method on the wire: method, path, query and body (MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

import replicate_ext
from replicate_ext.types import (
    Account,
    Collection,
    Deployment,
    Hardware,
    Model,
    Prediction,
    SearchResult,
    Training,
    Version,
)

from .conftest import mock_async_client, mock_client, prediction_json

HEX = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.method == "DELETE":
        return httpx.Response(204)
    if path.endswith("/readme"):
        return httpx.Response(200, text="# Hello")
    if path == "/v1/hardware":
        return httpx.Response(200, json=[{"sku": "cpu", "name": "CPU"}])
    if path == "/v1/account":
        return httpx.Response(200, json={"type": "user", "username": "ada"})
    if path == "/v1/search":
        return httpx.Response(200, json={"query": "q", "models": [], "collections": [],
                                         "pages": []})  # fmt: skip
    if path.startswith("/v1/trainings") or path.endswith("/trainings"):
        if path == "/v1/trainings" and request.method == "GET":
            return httpx.Response(200, json={"results": [{"id": "t1", "status": "starting"}]})
        return httpx.Response(200, json={"id": "t1", "status": "starting"})
    if "/versions" in path:
        if path.endswith("/versions"):
            return httpx.Response(200, json={"results": [{"id": HEX}], "next": None})
        return httpx.Response(200, json={"id": HEX})
    if path.startswith("/v1/collections"):
        if path == "/v1/collections":
            return httpx.Response(200, json={"results": [{"slug": "s", "name": "S"}]})
        return httpx.Response(200, json={"slug": "s", "name": "S", "models": []})
    if path.startswith("/v1/deployments") and not path.endswith("/predictions"):
        if path == "/v1/deployments" and request.method == "GET":
            return httpx.Response(200, json={"results": [{"owner": "acme", "name": "prod"}]})
        return httpx.Response(200, json={"owner": "acme", "name": "prod"})
    if path.endswith("/examples") or (path == "/v1/predictions" and request.method == "GET"):
        return httpx.Response(200, json={"results": [prediction_json()], "next": None})
    if path.startswith("/v1/models") and "predictions" not in path:
        if path == "/v1/models":
            return httpx.Response(200, json={"results": [{"owner": "a", "name": "b"}]})
        return httpx.Response(
            200, json={"owner": "demo", "name": "hello", "latest_version": {"id": HEX}}
        )
    return httpx.Response(201, json=prediction_json())


Call = Callable[[replicate_ext.Client], Any]

CASES: list[tuple[str, Call, str, str, Any, type | None]] = [
    # (name, call, method, path?query, json body or text, result type)
    ("predictions.get", lambda c: c.predictions.get("p1"), "GET", "/v1/predictions/p1", None,
     Prediction),
    ("predictions.list", lambda c: c.predictions.list(source="web").results[0], "GET",
     "/v1/predictions?source=web", None, Prediction),
    ("predictions.cancel", lambda c: c.predictions.cancel("p1"), "POST",
     "/v1/predictions/p1/cancel", None, Prediction),
    ("predictions.create version", lambda c: c.predictions.create(
        version=HEX, input={"a": 1}, webhook="https://hook", webhook_events_filter=["completed"]),
     "POST", "/v1/predictions",
     {"input": {"a": 1}, "version": HEX, "webhook": "https://hook",
      "webhook_events_filter": ["completed"]}, Prediction),
    ("predictions.create model", lambda c: c.predictions.create(
        model="demo/hello", input={"a": 1}, stream=True), "POST",
     "/v1/models/demo/hello/predictions", {"input": {"a": 1}, "stream": True}, Prediction),
    ("predictions.create model:version", lambda c: c.predictions.create(
        model=f"demo/hello:{HEX}", input={}), "POST", "/v1/predictions",
     {"input": {}, "version": HEX}, Prediction),
    ("predictions.create deployment", lambda c: c.predictions.create(
        deployment="acme/prod", input={"x": "y"}), "POST",
     "/v1/deployments/acme/prod/predictions", {"input": {"x": "y"}}, Prediction),
    ("deployments.predictions.create", lambda c: c.deployments.predictions.create(
        "acme/prod", input={"x": "y"}), "POST", "/v1/deployments/acme/prod/predictions",
     {"input": {"x": "y"}}, Prediction),
    ("models.get", lambda c: c.models.get("demo/hello"), "GET", "/v1/models/demo/hello", None,
     Model),
    ("models.list", lambda c: c.models.list(sort_by="model_created_at",
                                            sort_direction="asc").results[0],
     "GET", "/v1/models?sort_by=model_created_at&sort_direction=asc", None, Model),
    ("models.create", lambda c: c.models.create("ada", "m", visibility="private",
                                                hardware="cpu", description="d"),
     "POST", "/v1/models",
     {"owner": "ada", "name": "m", "visibility": "private", "hardware": "cpu",
      "description": "d"}, Model),
    ("models.update", lambda c: c.models.update("ada/m", readme="# r"), "PATCH",
     "/v1/models/ada/m", {"readme": "# r"}, Model),
    ("models.delete", lambda c: c.models.delete("ada/m"), "DELETE", "/v1/models/ada/m", None,
     None),
    ("models.search", lambda c: c.models.search("upscale images").results[0], "QUERY",
     "/v1/models", "upscale images", Model),
    ("models.examples", lambda c: c.models.examples("demo/hello").results[0], "GET",
     "/v1/models/demo/hello/examples", None, Prediction),
    ("models.readme", lambda c: c.models.readme("demo/hello"), "GET",
     "/v1/models/demo/hello/readme", None, str),
    ("models.get_latest_version", lambda c: c.models.get_latest_version("demo/hello"), "GET",
     "/v1/models/demo/hello", None, Version),
    ("models.get_version", lambda c: c.models.get_version("demo/hello", HEX), "GET",
     f"/v1/models/demo/hello/versions/{HEX}", None, Version),
    ("models.versions.list", lambda c: c.models.versions.list("demo/hello").results[0], "GET",
     "/v1/models/demo/hello/versions", None, Version),
    ("models.versions.delete", lambda c: c.models.versions.delete("demo/hello", HEX), "DELETE",
     f"/v1/models/demo/hello/versions/{HEX}", None, None),
    ("deployments.list", lambda c: c.deployments.list().results[0], "GET", "/v1/deployments",
     None, Deployment),
    ("deployments.get", lambda c: c.deployments.get("acme/prod"), "GET",
     "/v1/deployments/acme/prod", None, Deployment),
    ("deployments.create", lambda c: c.deployments.create(
        name="prod", model="acme/m", version=HEX, hardware="cpu", min_instances=0,
        max_instances=2), "POST", "/v1/deployments",
     {"name": "prod", "model": "acme/m", "version": HEX, "hardware": "cpu",
      "min_instances": 0, "max_instances": 2}, Deployment),
    ("deployments.update", lambda c: c.deployments.update("acme/prod", max_instances=3),
     "PATCH", "/v1/deployments/acme/prod", {"max_instances": 3}, Deployment),
    ("deployments.delete", lambda c: c.deployments.delete("acme/prod"), "DELETE",
     "/v1/deployments/acme/prod", None, None),
    ("trainings.create", lambda c: c.trainings.create(
        f"acme/trainer:{HEX}", destination="ada/tuned", input={"steps": 3},
        webhook="https://hook"), "POST",
     f"/v1/models/acme/trainer/versions/{HEX}/trainings",
     {"destination": "ada/tuned", "input": {"steps": 3}, "webhook": "https://hook"}, Training),
    ("trainings.create model=", lambda c: c.trainings.create(
        HEX, model="acme/trainer", destination="ada/tuned", input={}), "POST",
     f"/v1/models/acme/trainer/versions/{HEX}/trainings",
     {"destination": "ada/tuned", "input": {}}, Training),
    ("trainings.get", lambda c: c.trainings.get("t1"), "GET", "/v1/trainings/t1", None,
     Training),
    ("trainings.list", lambda c: c.trainings.list().results[0], "GET", "/v1/trainings", None,
     Training),
    ("trainings.cancel", lambda c: c.trainings.cancel("t1"), "POST", "/v1/trainings/t1/cancel",
     None, Training),
    ("hardware.list", lambda c: c.hardware.list()[0], "GET", "/v1/hardware", None, Hardware),
    ("collections.list", lambda c: c.collections.list().results[0], "GET", "/v1/collections",
     None, Collection),
    ("collections.get", lambda c: c.collections.get("s"), "GET", "/v1/collections/s", None,
     Collection),
    ("account.get", lambda c: c.account.get(), "GET", "/v1/account", None, Account),
    ("search", lambda c: c.search("nano banana", limit=5), "GET",
     "/v1/search?query=nano+banana&limit=5", None, SearchResult),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "method", "target", "body", "result_type"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_resource_call_on_the_wire(
    call: Call, method: str, target: str, body: Any, result_type: type | None
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _answer(request)

    with mock_client(handler) as client:
        result = call(client)
    assert len(seen) == 1
    request = seen[0]
    assert request.method == method
    query = request.url.query.decode()
    assert request.url.path + (f"?{query}" if query else "") == target
    if body is None:
        assert request.content == b""
    elif isinstance(body, str):
        assert request.content.decode() == body
        assert request.headers["content-type"].startswith("text/plain")
    else:
        assert json.loads(request.content) == body
        assert request.headers["content-type"] == "application/json"
    if result_type is None:
        assert result is None
    else:
        assert isinstance(result, result_type)


def test_prefer_and_cancel_after_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json=prediction_json())

    with mock_client(handler) as client:
        client.predictions.create(model="demo/hello", input={}, wait=10, cancel_after="5m")
        client.predictions.create(model="demo/hello", input={}, wait=True)
        client.predictions.create(model="demo/hello", input={})
    assert seen[0].headers["prefer"] == "wait=10"
    assert seen[0].headers["cancel-after"] == "5m"
    assert seen[1].headers["prefer"] == "wait=60"
    assert "prefer" not in seen[2].headers and "cancel-after" not in seen[2].headers


def test_path_parameters_are_escaped() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler) as client:
        client.predictions.get("a b?c")
    assert seen[0].url.raw_path == b"/v1/predictions/a%20b%3Fc"


async def test_async_resources_match_the_sync_wire_format() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _answer(request)

    async with mock_async_client(handler) as client:
        assert isinstance(await client.predictions.get("p1"), Prediction)
        await client.predictions.create(deployment="acme/prod", input={"x": 1}, wait=2)
        assert isinstance(await client.models.get_latest_version("demo/hello"), Version)
        assert (await client.models.readme("demo/hello")) == "# Hello"
        assert isinstance((await client.models.versions.list("demo/hello")).results[0], Version)
        await client.models.update("ada/m", description="x")
        await client.models.delete("ada/m")
        assert isinstance(await client.deployments.get("acme/prod"), Deployment)
        await client.deployments.predictions.create("acme/prod", input={})
        assert isinstance(
            await client.trainings.create(f"acme/t:{HEX}", destination="a/b", input={}),
            Training,
        )
        assert isinstance((await client.hardware.list())[0], Hardware)
        assert isinstance(await client.collections.get("s"), Collection)
        assert isinstance(await client.account.get(), Account)
        assert isinstance(await client.search("x"), SearchResult)
        assert isinstance((await client.models.search("x")).results[0], Model)
    assert [(r.method, r.url.path) for r in seen] == [
        ("GET", "/v1/predictions/p1"),
        ("POST", "/v1/deployments/acme/prod/predictions"),
        ("GET", "/v1/models/demo/hello"),
        ("GET", "/v1/models/demo/hello/readme"),
        ("GET", "/v1/models/demo/hello/versions"),
        ("PATCH", "/v1/models/ada/m"),
        ("DELETE", "/v1/models/ada/m"),
        ("GET", "/v1/deployments/acme/prod"),
        ("POST", "/v1/deployments/acme/prod/predictions"),
        ("POST", f"/v1/models/acme/t/versions/{HEX}/trainings"),
        ("GET", "/v1/hardware"),
        ("GET", "/v1/collections/s"),
        ("GET", "/v1/account"),
        ("GET", "/v1/search"),
        ("QUERY", "/v1/models"),
    ]
    assert seen[1].headers["prefer"] == "wait=2"

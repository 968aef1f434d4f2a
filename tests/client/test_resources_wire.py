"""Every resource method on the wire, from ONE table run for the sync and the async client:
method, path, query and body; every method also takes SDK objects where ids are expected and
the per-call request options (MockTransport)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import attrs
import httpx
import pytest

import replicate_ext
from replicate_ext.types import (
    Account,
    Collection,
    Deployment,
    File,
    Hardware,
    Model,
    Prediction,
    SearchResult,
    Training,
    Version,
)

from .conftest import mock_async_client, mock_client, prediction_json

HEX = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"
MULTIPART = object()  # the body is an upload: only its content type is checked here

# Objects as the SDK returns them, passed where ids and references are expected.
PREDICTION = Prediction(id="p1", status="processing")
TRAINING = Training(id="t1", status="processing")
MODEL = Model(owner="demo", name="hello")
VERSION = Version(id=HEX)
DEPLOYMENT = Deployment(owner="acme", name="prod")
FILE = File(id="f1")


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
    if path == "/v1/webhooks/default/secret":
        return httpx.Response(200, json={"key": "whsec_abc"})
    if path.startswith("/v1/files"):
        if path.endswith("/download"):
            return httpx.Response(200, content=b"bytes")
        if path == "/v1/files" and request.method == "GET":
            return httpx.Response(200, json={"results": [{"id": "f1"}], "next": None})
        return httpx.Response(200, json={"id": "f1", "size": 5})
    if path == "/v1/search":
        return httpx.Response(200, json={"query": "q", "models": [], "collections": [],
                                         "pages": []})  # fmt: skip
    if path.startswith("/v1/trainings") or path.endswith("/trainings"):
        if path == "/v1/trainings" and request.method == "GET":
            return httpx.Response(200, json={"results": [{"id": "t1", "status": "starting"}]})
        return httpx.Response(200, json={"id": "t1", "status": "succeeded"})
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
    if request.method == "GET":  # a poll: the prediction has finished
        return httpx.Response(200, json=prediction_json(status="succeeded"))
    return httpx.Response(201, json=prediction_json())


def first(result: Any) -> Any:
    return result[0] if isinstance(result, list) else result.results[0]


@attrs.frozen
class Row:
    """One resource call: ``call(client, **options)`` and the one request it must send."""

    name: str
    call: Callable[..., Any]
    method: str
    target: str  # path?query
    body: Any = None  # JSON body, text body (str) or MULTIPART
    result: type | None = None
    pick: Callable[[Any], Any] = lambda result: result


ROWS: list[Row] = [
    Row("predictions.get", lambda c, **o: c.predictions.get("p1", **o), "GET",
        "/v1/predictions/p1", result=Prediction),
    Row("predictions.get(Prediction)", lambda c, **o: c.predictions.get(PREDICTION, **o), "GET",
        "/v1/predictions/p1", result=Prediction),
    Row("predictions.list", lambda c, **o: c.predictions.list(source="web", **o), "GET",
        "/v1/predictions?source=web", result=Prediction, pick=first),
    Row("predictions.cancel", lambda c, **o: c.predictions.cancel("p1", **o), "POST",
        "/v1/predictions/p1/cancel", result=Prediction),
    Row("predictions.cancel(Prediction)", lambda c, **o: c.predictions.cancel(PREDICTION, **o),
        "POST", "/v1/predictions/p1/cancel", result=Prediction),
    Row("predictions.create version", lambda c, **o: c.predictions.create(
        version=HEX, input={"a": 1}, webhook="https://hook", webhook_events_filter=["completed"],
        **o), "POST", "/v1/predictions",
        {"input": {"a": 1}, "version": HEX, "webhook": "https://hook",
         "webhook_events_filter": ["completed"]}, Prediction),
    Row("predictions.create version=<any id>", lambda c, **o: c.predictions.create(
        version="v2", input={}, **o), "POST", "/v1/predictions",
        {"input": {}, "version": "v2"}, Prediction),
    Row("predictions.create version=Version", lambda c, **o: c.predictions.create(
        version=VERSION, input={}, **o), "POST", "/v1/predictions",
        {"input": {}, "version": HEX}, Prediction),
    Row("predictions.create model", lambda c, **o: c.predictions.create(
        model="demo/hello", input={"a": 1}, stream=True, **o), "POST",
        "/v1/models/demo/hello/predictions", {"input": {"a": 1}, "stream": True}, Prediction),
    Row("predictions.create model=Model", lambda c, **o: c.predictions.create(
        model=MODEL, input={}, **o), "POST", "/v1/models/demo/hello/predictions",
        {"input": {}}, Prediction),
    Row("predictions.create model:version", lambda c, **o: c.predictions.create(
        model=f"demo/hello:{HEX}", input={}, **o), "POST", "/v1/predictions",
        {"input": {}, "version": HEX}, Prediction),
    Row("predictions.create model:short version", lambda c, **o: c.predictions.create(
        model="demo/hello:v2", input={}, **o), "POST", "/v1/predictions",
        {"input": {}, "version": "v2"}, Prediction),
    Row("predictions.create deployment", lambda c, **o: c.predictions.create(
        deployment="acme/prod", input={"x": "y"}, **o), "POST",
        "/v1/deployments/acme/prod/predictions", {"input": {"x": "y"}}, Prediction),
    Row("predictions.create deployment=Deployment", lambda c, **o: c.predictions.create(
        deployment=DEPLOYMENT, input={}, **o), "POST",
        "/v1/deployments/acme/prod/predictions", {"input": {}}, Prediction),
    Row("predictions.wait(id)", lambda c, **o: c.predictions.wait("p1"), "GET",
        "/v1/predictions/p1", result=Prediction),
    Row("deployments.predictions.create", lambda c, **o: c.deployments.predictions.create(
        "acme/prod", input={"x": "y"}, **o), "POST", "/v1/deployments/acme/prod/predictions",
        {"input": {"x": "y"}}, Prediction),
    Row("deployments.predictions.create(Deployment)",
        lambda c, **o: c.deployments.predictions.create(DEPLOYMENT, input={}, **o), "POST",
        "/v1/deployments/acme/prod/predictions", {"input": {}}, Prediction),
    Row("models.get", lambda c, **o: c.models.get("demo/hello", **o), "GET",
        "/v1/models/demo/hello", result=Model),
    Row("models.get(Model)", lambda c, **o: c.models.get(MODEL, **o), "GET",
        "/v1/models/demo/hello", result=Model),
    Row("models.list", lambda c, **o: c.models.list(sort_by="model_created_at",
                                                    sort_direction="asc", **o),
        "GET", "/v1/models?sort_by=model_created_at&sort_direction=asc", result=Model,
        pick=first),
    Row("models.create", lambda c, **o: c.models.create("ada", "m", visibility="private",
                                                        hardware="cpu", description="d", **o),
        "POST", "/v1/models",
        {"owner": "ada", "name": "m", "visibility": "private", "hardware": "cpu",
         "description": "d"}, Model),
    Row("models.update", lambda c, **o: c.models.update("ada/m", readme="# r", **o), "PATCH",
        "/v1/models/ada/m", {"readme": "# r"}, Model),
    Row("models.update(Model)", lambda c, **o: c.models.update(MODEL, readme="# r", **o),
        "PATCH", "/v1/models/demo/hello", {"readme": "# r"}, Model),
    Row("models.delete", lambda c, **o: c.models.delete("ada/m", **o), "DELETE",
        "/v1/models/ada/m"),
    Row("models.search", lambda c, **o: c.models.search("upscale images", **o), "QUERY",
        "/v1/models", "upscale images", Model, first),
    Row("models.examples", lambda c, **o: c.models.examples(MODEL, **o), "GET",
        "/v1/models/demo/hello/examples", result=Prediction, pick=first),
    Row("models.readme", lambda c, **o: c.models.readme("demo/hello", **o), "GET",
        "/v1/models/demo/hello/readme", result=str),
    Row("models.get_latest_version", lambda c, **o: c.models.get_latest_version(
        "demo/hello", **o), "GET", "/v1/models/demo/hello", result=Version),
    Row("models.get_version", lambda c, **o: c.models.get_version("demo/hello", HEX, **o),
        "GET", f"/v1/models/demo/hello/versions/{HEX}", result=Version),
    Row("models.versions.get(Model, Version)", lambda c, **o: c.models.versions.get(
        MODEL, VERSION, **o), "GET", f"/v1/models/demo/hello/versions/{HEX}", result=Version),
    Row("models.versions.get short id", lambda c, **o: c.models.versions.get(
        "demo/hello", "v2", **o), "GET", "/v1/models/demo/hello/versions/v2", result=Version),
    Row("models.versions.list", lambda c, **o: c.models.versions.list("demo/hello", **o), "GET",
        "/v1/models/demo/hello/versions", result=Version, pick=first),
    Row("models.versions.delete", lambda c, **o: c.models.versions.delete(
        "demo/hello", HEX, **o), "DELETE", f"/v1/models/demo/hello/versions/{HEX}"),
    Row("deployments.list", lambda c, **o: c.deployments.list(**o), "GET", "/v1/deployments",
        result=Deployment, pick=first),
    Row("deployments.get", lambda c, **o: c.deployments.get("acme/prod", **o), "GET",
        "/v1/deployments/acme/prod", result=Deployment),
    Row("deployments.get(Deployment)", lambda c, **o: c.deployments.get(DEPLOYMENT, **o), "GET",
        "/v1/deployments/acme/prod", result=Deployment),
    Row("deployments.create", lambda c, **o: c.deployments.create(
        name="prod", model="acme/m", version=HEX, hardware="cpu", min_instances=0,
        max_instances=2, **o), "POST", "/v1/deployments",
        {"name": "prod", "model": "acme/m", "version": HEX, "hardware": "cpu",
         "min_instances": 0, "max_instances": 2}, Deployment),
    Row("deployments.update", lambda c, **o: c.deployments.update(
        "acme/prod", max_instances=3, **o), "PATCH", "/v1/deployments/acme/prod",
        {"max_instances": 3}, Deployment),
    Row("deployments.delete", lambda c, **o: c.deployments.delete(DEPLOYMENT, **o), "DELETE",
        "/v1/deployments/acme/prod"),
    Row("trainings.create", lambda c, **o: c.trainings.create(
        f"acme/trainer:{HEX}", destination="ada/tuned", input={"steps": 3},
        webhook="https://hook", **o), "POST",
        f"/v1/models/acme/trainer/versions/{HEX}/trainings",
        {"destination": "ada/tuned", "input": {"steps": 3}, "webhook": "https://hook"}, Training),
    Row("trainings.create model=", lambda c, **o: c.trainings.create(
        HEX, model="acme/trainer", destination="ada/tuned", input={}, **o), "POST",
        f"/v1/models/acme/trainer/versions/{HEX}/trainings",
        {"destination": "ada/tuned", "input": {}}, Training),
    Row("trainings.create objects", lambda c, **o: c.trainings.create(
        VERSION, model=MODEL, destination="ada/tuned", input={}, **o), "POST",
        f"/v1/models/demo/hello/versions/{HEX}/trainings",
        {"destination": "ada/tuned", "input": {}}, Training),
    Row("trainings.get", lambda c, **o: c.trainings.get("t1", **o), "GET", "/v1/trainings/t1",
        result=Training),
    Row("trainings.get(Training)", lambda c, **o: c.trainings.get(TRAINING, **o), "GET",
        "/v1/trainings/t1", result=Training),
    Row("trainings.list", lambda c, **o: c.trainings.list(**o), "GET", "/v1/trainings",
        result=Training, pick=first),
    Row("trainings.cancel", lambda c, **o: c.trainings.cancel(TRAINING, **o), "POST",
        "/v1/trainings/t1/cancel", result=Training),
    Row("trainings.wait(id)", lambda c, **o: c.trainings.wait("t1"), "GET", "/v1/trainings/t1",
        result=Training),
    Row("hardware.list", lambda c, **o: c.hardware.list(**o), "GET", "/v1/hardware",
        result=Hardware, pick=first),
    Row("collections.list", lambda c, **o: c.collections.list(**o), "GET", "/v1/collections",
        result=Collection, pick=first),
    Row("collections.get", lambda c, **o: c.collections.get("s", **o), "GET",
        "/v1/collections/s", result=Collection),
    Row("account.get", lambda c, **o: c.account.get(**o), "GET", "/v1/account", result=Account),
    Row("search", lambda c, **o: c.search("nano banana", limit=5, **o), "GET",
        "/v1/search?query=nano+banana&limit=5", result=SearchResult),
    Row("files.create", lambda c, **o: c.files.create(b"bytes", filename="a.txt", **o), "POST",
        "/v1/files", MULTIPART, File),
    Row("files.get", lambda c, **o: c.files.get("f1", **o), "GET", "/v1/files/f1", result=File),
    Row("files.get(File)", lambda c, **o: c.files.get(FILE, **o), "GET", "/v1/files/f1",
        result=File),
    Row("files.list", lambda c, **o: c.files.list(**o), "GET", "/v1/files", result=File,
        pick=first),
    Row("files.delete", lambda c, **o: c.files.delete(FILE, **o), "DELETE", "/v1/files/f1"),
    Row("webhooks.default_secret", lambda c, **o: c.webhooks.default_secret(**o), "GET",
        "/v1/webhooks/default/secret", result=str),
]  # fmt: skip

# Methods that are loops over other calls rather than one operation: no request options.
WITHOUT_OPTIONS = {"predictions.wait(id)", "trainings.wait(id)"}

AnyClient = replicate_ext.Client | replicate_ext.AsyncClient


def _client(is_async: bool, seen: list[httpx.Request]) -> AnyClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _answer(request)

    return mock_async_client(handler) if is_async else mock_client(handler)


async def _run(call: Callable[..., Any], client: AnyClient, *args: Any, **options: Any) -> Any:
    result = call(client, *args, **options)
    if inspect.isawaitable(result):
        result = await result
    return result


def _target(request: httpx.Request) -> str:
    query = request.url.query.decode()
    return request.url.path + (f"?{query}" if query else "")


BOTH = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


@BOTH
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
async def test_resource_call_on_the_wire(row: Row, is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(is_async, seen)
    result = row.pick(await _run(row.call, client))
    assert len(seen) == 1
    request = seen[0]
    assert (request.method, _target(request)) == (row.method, row.target)
    if row.body is None:
        assert request.content == b""
    elif row.body is MULTIPART:
        assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    elif isinstance(row.body, str):
        assert request.content.decode() == row.body
        assert request.headers["content-type"].startswith("text/plain")
    else:
        assert json.loads(request.content) == row.body
        assert request.headers["content-type"] == "application/json"
    if row.result is None:
        assert result is None
    else:
        assert isinstance(result, row.result)


OPTION_ROWS = [row for row in ROWS if row.name not in WITHOUT_OPTIONS]


@BOTH
@pytest.mark.parametrize("row", OPTION_ROWS, ids=[row.name for row in OPTION_ROWS])
async def test_every_method_takes_the_request_options(row: Row, is_async: bool) -> None:
    # What a new optional parameter or field needs before its wrapper learns it.
    seen: list[httpx.Request] = []
    client = _client(is_async, seen)
    extra_body = None if isinstance(row.body, str) else {"new_field": [1, 2]}
    await _run(
        row.call,
        client,
        extra_headers={"X-New-Header": "yes"},
        extra_query={"new_param": "q"},
        timeout=7.5,
        **({"extra_body": extra_body} if extra_body else {}),
    )
    request = seen[0]
    assert request.method == row.method
    assert request.headers["x-new-header"] == "yes"
    assert request.headers["authorization"].startswith("Bearer ")
    expected_query = dict(httpx.URL(row.target).params) | {"new_param": "q"}
    assert dict(request.url.params) == expected_query
    assert request.extensions["timeout"] == httpx.Timeout(7.5).as_dict()
    if row.body is MULTIPART:
        assert b'name="new_field"\r\nContent-Type: application/json\r\n\r\n[1, 2]' in (
            request.content
        )
    elif extra_body is not None:  # merged into the JSON body, or the body of a bodiless call
        assert json.loads(request.content) == (row.body or {}) | extra_body


async def test_extra_body_on_a_text_body_and_unknown_options_are_type_errors() -> None:
    seen: list[httpx.Request] = []
    for is_async in (False, True):
        client = _client(is_async, seen)
        with pytest.raises(TypeError, match="extra_body needs a JSON object body"):
            await _run(lambda c: c.models.search("x", extra_body={"a": 1}), client)
        with pytest.raises(TypeError, match="tiemout"):
            await _run(lambda c: c.predictions.get("p1", tiemout=3), client)
    assert seen == []


# -- ids: one rule, on every method that takes one ------------------------------------------

ODD_ID = "a?b#c%d"
ESCAPED = "a%3Fb%23c%25d"

ID_CALLS: list[tuple[str, Callable[..., Any], str]] = [
    ("predictions.get", lambda c, x, tmp: c.predictions.get(x), "/v1/predictions/{}"),
    ("predictions.cancel", lambda c, x, tmp: c.predictions.cancel(x),
     "/v1/predictions/{}/cancel"),
    ("predictions.wait", lambda c, x, tmp: c.predictions.wait(x), "/v1/predictions/{}"),
    ("wait", lambda c, x, tmp: c.wait(x), "/v1/predictions/{}"),
    ("trainings.get", lambda c, x, tmp: c.trainings.get(x), "/v1/trainings/{}"),
    ("trainings.cancel", lambda c, x, tmp: c.trainings.cancel(x), "/v1/trainings/{}/cancel"),
    ("trainings.wait", lambda c, x, tmp: c.trainings.wait(x), "/v1/trainings/{}"),
    ("trainings.create", lambda c, x, tmp: c.trainings.create(
        x, model="acme/t", destination="a/b", input={}), "/v1/models/acme/t/versions/{}/trainings"),
    ("files.get", lambda c, x, tmp: c.files.get(x), "/v1/files/{}"),
    ("files.delete", lambda c, x, tmp: c.files.delete(x), "/v1/files/{}"),
    ("files.download", lambda c, x, tmp: c.files.download(x, tmp / "out"),
     "/v1/files/{}/download"),
    ("collections.get", lambda c, x, tmp: c.collections.get(x), "/v1/collections/{}"),
    ("models.versions.get", lambda c, x, tmp: c.models.versions.get("demo/hello", x),
     "/v1/models/demo/hello/versions/{}"),
    ("models.versions.delete", lambda c, x, tmp: c.models.versions.delete("demo/hello", x),
     "/v1/models/demo/hello/versions/{}"),
    ("models.get_version", lambda c, x, tmp: c.models.get_version("demo/hello", x),
     "/v1/models/demo/hello/versions/{}"),
]  # fmt: skip


@BOTH
@pytest.mark.parametrize(("call", "path"), [c[1:] for c in ID_CALLS], ids=[c[0] for c in ID_CALLS])
async def test_ids_are_one_escaped_path_segment_everywhere(
    call: Callable[..., Any], path: str, is_async: bool, tmp_path: Any
) -> None:
    seen: list[httpx.Request] = []
    client = _client(is_async, seen)
    await _run(call, client, ODD_ID, tmp_path)
    assert seen[0].url.raw_path == path.format(ESCAPED).encode()  # no query, no fragment
    for bad in ("a/b", "", " a", ".."):
        with pytest.raises(ValueError):
            await _run(call, client, bad, tmp_path)
    assert len(seen) == 1


async def test_objects_of_the_wrong_kind_are_type_errors() -> None:
    seen: list[httpx.Request] = []
    for is_async in (False, True):
        client = _client(is_async, seen)
        for call in (
            lambda c: c.predictions.get(TRAINING),
            lambda c: c.trainings.cancel(PREDICTION),
            lambda c: c.files.get(PREDICTION),
            lambda c: c.models.get(DEPLOYMENT),
            lambda c: c.deployments.get(MODEL),
            lambda c: c.models.versions.get(MODEL, PREDICTION),
            lambda c: c.predictions.create(version=MODEL, input={}),
        ):
            with pytest.raises(TypeError):
                await _run(call, client)
    assert seen == []


@BOTH
async def test_run_takes_a_model_or_a_version_object(is_async: bool) -> None:
    seen: list[httpx.Request] = []
    client = _client(is_async, seen)
    await _run(lambda c: c.run(MODEL, input={}, wait=False), client)
    await _run(lambda c: c.run(VERSION, input={}, wait=False), client)
    await _run(lambda c: c.run("demo/hello:v2", input={}, wait=False), client)
    await _run(lambda c: c.run(deployment=DEPLOYMENT, input={}, wait=False), client)
    creates = [r for r in seen if r.method == "POST"]
    assert [(r.url.path, json.loads(r.content).get("version")) for r in creates] == [
        ("/v1/models/demo/hello/predictions", None),
        ("/v1/predictions", HEX),
        ("/v1/predictions", "v2"),
        ("/v1/deployments/acme/prod/predictions", None),
    ]


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


def _deployment_create(client: AnyClient, **keywords: Any) -> Any:
    return client.deployments.predictions.create("acme/prod", **keywords)


@BOTH
async def test_deployment_creates_take_every_create_field_and_request_option(
    is_async: bool,
) -> None:
    seen: list[httpx.Request] = []
    client = _client(is_async, seen)
    await _run(
        _deployment_create,
        client,
        input={"x": 1},
        webhook="https://hooks.test/in",
        webhook_events_filter=["completed"],
        stream=True,
        cancel_after="5m",
        wait=7,
        extra_headers={"X-Trace": "t1"},
        timeout=99,
    )
    (request,) = seen
    assert json.loads(request.content) == {
        "input": {"x": 1},
        "webhook": "https://hooks.test/in",
        "webhook_events_filter": ["completed"],
        "stream": True,
    }
    assert request.headers["cancel-after"] == "5m" and request.headers["prefer"] == "wait=7"
    assert request.headers["x-trace"] == "t1"
    with pytest.raises(TypeError, match="webhok"):
        await _run(_deployment_create, client, input={}, webhok="x")
    assert len(seen) == 1  # a misspelt keyword is refused before any request


def test_path_parameters_are_escaped() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=prediction_json())

    with mock_client(handler) as client:
        client.predictions.get("a b?c")
    assert seen[0].url.raw_path == b"/v1/predictions/a%20b%3Fc"

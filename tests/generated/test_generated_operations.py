"""Every generated operation: the wire request it builds, and the response it parses.

Each case is checked three ways: `build_request()` sent through our own httpx client (how the
hand-written layer uses it), and the generated `sync_detailed` / `asyncio_detailed` functions
(which must send the same request and parse the fixture into the right model, which then
round-trips through to_dict/from_dict without losing null, absent or unknown fields).
"""

from __future__ import annotations

import datetime
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from types import ModuleType
from typing import Any

import httpx
import pytest
from replicate_api import Client as GeneratedClient
from replicate_api.models import (
    Account,
    Collection,
    CollectionPage,
    Deployment,
    DeploymentCreateRequest,
    DeploymentPage,
    DeploymentUpdateRequest,
    File,
    FileCreateRequest,
    FilePage,
    Hardware,
    Model,
    ModelCreateRequest,
    ModelInput,
    ModelPage,
    ModelUpdateRequest,
    Prediction,
    PredictionPage,
    PredictionRequest,
    SearchResponse,
    Training,
    TrainingPage,
    TrainingRequest,
    Version,
    VersionPage,
    VersionPredictionRequest,
    WebhookSecret,
)
from replicate_api.types import File as Upload

from .helpers import BASE_URL, Recorder, fixture_json, normalized

VERSION_ID = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"
JSON = "application/json"


@dataclass(frozen=True)
class Case:
    operation: str  # "<resource>.<module>" under replicate_api.api
    args: Callable[[], dict[str, Any]]
    method: str
    path: str  # relative to the base URL's /v1
    params: dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    fixture: str | None = None
    response_type: type | None = None
    # Extra wire checks for bodies that are not JSON.
    check: Callable[[httpx.Request], None] | None = None

    @property
    def id(self) -> str:
        return self.operation


def _check_multipart(request: httpx.Request) -> None:
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1]
    assert boundary != "+++"
    body = request.content
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert b'name="content"; filename="hello.txt"' in body
    assert b"hello world" in body
    assert b'name="type"' in body and b"text/plain" in body
    assert b'name="metadata"' in body and b'{"purpose": "greeting"}' in body


def _check_query_body(request: httpx.Request) -> None:
    assert request.content == b"upscale images"
    assert request.headers["content-type"] == "text/plain; charset=utf-8"


PREDICTION_INPUT = {"name": "Ada", "count": 2, "nested": {"list": [1, None]}}
CASES = [
    Case("account.get", dict, "GET", "/account", fixture="account", response_type=Account),
    Case(
        "collections.list",
        dict,
        "GET",
        "/collections",
        fixture="collection_page",
        response_type=CollectionPage,
    ),
    Case(
        "collections.get",
        lambda: {"collection_slug": "super-resolution"},
        "GET",
        "/collections/super-resolution",
        fixture="collection",
        response_type=Collection,
    ),
    Case(
        "deployments.list",
        dict,
        "GET",
        "/deployments",
        fixture="deployment_page",
        response_type=DeploymentPage,
    ),
    Case(
        "deployments.create",
        lambda: {
            "body": DeploymentCreateRequest(
                name="upscaler-prod",
                model="acme/upscaler",
                version=VERSION_ID,
                hardware="gpu-l40s",
                min_instances=0,
                max_instances=4,
            )
        },
        "POST",
        "/deployments",
        json_body={
            "name": "upscaler-prod",
            "model": "acme/upscaler",
            "version": VERSION_ID,
            "hardware": "gpu-l40s",
            "min_instances": 0,
            "max_instances": 4,
        },
        headers={"content-type": JSON},
        fixture="deployment",
        response_type=Deployment,
    ),
    Case(
        "deployments.get",
        lambda: {"deployment_owner": "acme", "deployment_name": "upscaler-prod"},
        "GET",
        "/deployments/acme/upscaler-prod",
        fixture="deployment",
        response_type=Deployment,
    ),
    Case(
        "deployments.update",
        lambda: {
            "deployment_owner": "acme",
            "deployment_name": "upscaler-prod",
            "body": DeploymentUpdateRequest(max_instances=8),
        },
        "PATCH",
        "/deployments/acme/upscaler-prod",
        json_body={"max_instances": 8},
        headers={"content-type": JSON},
        fixture="deployment",
        response_type=Deployment,
    ),
    Case(
        "deployments.delete",
        lambda: {"deployment_owner": "acme", "deployment_name": "old"},
        "DELETE",
        "/deployments/acme/old",
        status=204,
    ),
    Case(
        "deployments.predictions_create",
        lambda: {
            "deployment_owner": "acme",
            "deployment_name": "upscaler-prod",
            "body": PredictionRequest(
                input_=ModelInput.from_dict(PREDICTION_INPUT),
                webhook="https://example.com/hook",
                webhook_events_filter=["start", "completed"],
            ),
            "prefer": "wait=10",
            "cancel_after": "90s",
        },
        "POST",
        "/deployments/acme/upscaler-prod/predictions",
        json_body={
            "input": PREDICTION_INPUT,
            "webhook": "https://example.com/hook",
            "webhook_events_filter": ["start", "completed"],
        },
        headers={"prefer": "wait=10", "cancel-after": "90s", "content-type": JSON},
        status=201,
        fixture="prediction_succeeded",
        response_type=Prediction,
    ),
    Case("files.list", dict, "GET", "/files", fixture="file_page", response_type=FilePage),
    Case(
        "files.create",
        lambda: {
            "body": FileCreateRequest(
                content=Upload(
                    payload=BytesIO(b"hello world"), file_name="hello.txt", mime_type="text/plain"
                ),
                filename="hello.txt",
                type_="text/plain",
                metadata=_json_object({"purpose": "greeting"}),
            )
        },
        "POST",
        "/files",
        status=201,
        fixture="file",
        response_type=File,
        check=_check_multipart,
    ),
    Case(
        "files.get",
        lambda: {"file_id": "f1"},
        "GET",
        "/files/f1",
        fixture="file",
        response_type=File,
    ),
    Case("files.delete", lambda: {"file_id": "f1"}, "DELETE", "/files/f1", status=204),
    Case(
        "files.download",
        lambda: {"file_id": "f1", "owner": "ada", "expiry": 1735689600, "signature": "c2ln"},
        "GET",
        "/files/f1/download",
        params={"owner": "ada", "expiry": "1735689600", "signature": "c2ln"},
    ),
    Case("hardware.list", dict, "GET", "/hardware", fixture="hardware", response_type=list),
    Case(
        "models.list",
        lambda: {"sort_by": "model_created_at", "sort_direction": "asc"},
        "GET",
        "/models",
        params={"sort_by": "model_created_at", "sort_direction": "asc"},
        fixture="model_page",
        response_type=ModelPage,
    ),
    Case(
        "models.create",
        lambda: {
            "body": ModelCreateRequest(
                owner="ada", name="hello", visibility="private", hardware="cpu", description="Hi"
            )
        },
        "POST",
        "/models",
        json_body={
            "owner": "ada",
            "name": "hello",
            "visibility": "private",
            "hardware": "cpu",
            "description": "Hi",
        },
        headers={"content-type": JSON},
        status=201,
        fixture="model",
        response_type=Model,
    ),
    Case(
        "models.search",
        lambda: {"body": "upscale images"},
        "QUERY",
        "/models",
        fixture="model_page",
        response_type=ModelPage,
        check=_check_query_body,
    ),
    Case(
        "models.get",
        lambda: {"model_owner": "acme", "model_name": "upscaler"},
        "GET",
        "/models/acme/upscaler",
        fixture="model",
        response_type=Model,
    ),
    Case(
        "models.update",
        lambda: {
            "model_owner": "acme",
            "model_name": "upscaler",
            "body": ModelUpdateRequest(description="Sharper", readme="# Upscaler"),
        },
        "PATCH",
        "/models/acme/upscaler",
        json_body={"description": "Sharper", "readme": "# Upscaler"},
        headers={"content-type": JSON},
        fixture="model",
        response_type=Model,
    ),
    Case(
        "models.delete",
        lambda: {"model_owner": "ada", "model_name": "hello"},
        "DELETE",
        "/models/ada/hello",
        status=204,
    ),
    Case(
        "models.examples_list",
        lambda: {"model_owner": "acme", "model_name": "upscaler"},
        "GET",
        "/models/acme/upscaler/examples",
        fixture="prediction_page",
        response_type=PredictionPage,
    ),
    Case(
        "models.predictions_create",
        lambda: {
            "model_owner": "demo",
            "model_name": "hello",
            "body": PredictionRequest(input_=ModelInput.from_dict({"name": "Ada"}), stream=True),
            "prefer": "wait",
        },
        "POST",
        "/models/demo/hello/predictions",
        json_body={"input": {"name": "Ada"}, "stream": True},
        headers={"prefer": "wait", "content-type": JSON},
        status=201,
        fixture="prediction_starting",
        response_type=Prediction,
    ),
    Case(
        "models.readme_get",
        lambda: {"model_owner": "acme", "model_name": "upscaler"},
        "GET",
        "/models/acme/upscaler/readme",
        response_type=str,
    ),
    Case(
        "models.versions_list",
        lambda: {"model_owner": "acme", "model_name": "upscaler"},
        "GET",
        "/models/acme/upscaler/versions",
        fixture="version_page",
        response_type=VersionPage,
    ),
    Case(
        "models.versions_get",
        lambda: {"model_owner": "acme", "model_name": "upscaler", "version_id": "dp-1f0e"},
        "GET",
        "/models/acme/upscaler/versions/dp-1f0e",
        fixture="version",
        response_type=Version,
    ),
    Case(
        "models.versions_delete",
        lambda: {"model_owner": "acme", "model_name": "upscaler", "version_id": VERSION_ID},
        "DELETE",
        f"/models/acme/upscaler/versions/{VERSION_ID}",
        status=202,
    ),
    Case(
        "trainings.create",
        lambda: {
            "model_owner": "stability-ai",
            "model_name": "sdxl",
            "version_id": VERSION_ID,
            "body": TrainingRequest(
                destination="ada/sdxl-faces",
                input_=ModelInput.from_dict({"max_train_steps": 500}),
                webhook="https://example.com/t",
                webhook_events_filter=["completed"],
            ),
        },
        "POST",
        f"/models/stability-ai/sdxl/versions/{VERSION_ID}/trainings",
        json_body={
            "destination": "ada/sdxl-faces",
            "input": {"max_train_steps": 500},
            "webhook": "https://example.com/t",
            "webhook_events_filter": ["completed"],
        },
        headers={"content-type": JSON},
        status=201,
        fixture="training",
        response_type=Training,
    ),
    Case(
        "trainings.list",
        dict,
        "GET",
        "/trainings",
        fixture="training_page",
        response_type=TrainingPage,
    ),
    Case(
        "trainings.get",
        lambda: {"training_id": "zz4ibbonubfz7carwiefibzgga"},
        "GET",
        "/trainings/zz4ibbonubfz7carwiefibzgga",
        fixture="training",
        response_type=Training,
    ),
    Case(
        "trainings.cancel",
        lambda: {"training_id": "zz4ibbonubfz7carwiefibzgga"},
        "POST",
        "/trainings/zz4ibbonubfz7carwiefibzgga/cancel",
        fixture="training",
        response_type=Training,
    ),
    Case(
        "predictions.list",
        lambda: {
            "created_after": datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            "created_before": datetime.datetime(2025, 2, 1, 12, 30, tzinfo=datetime.UTC),
            "source": "web",
        },
        "GET",
        "/predictions",
        params={
            "created_after": "2025-01-01T00:00:00+00:00",
            "created_before": "2025-02-01T12:30:00+00:00",
            "source": "web",
        },
        fixture="prediction_page",
        response_type=PredictionPage,
    ),
    Case(
        "predictions.create",
        lambda: {
            "body": VersionPredictionRequest(
                version="dp-4f1c9e0a7b2d46c8a3e5", input_=ModelInput.from_dict(PREDICTION_INPUT)
            ),
            "prefer": "wait=60",
        },
        "POST",
        "/predictions",
        json_body={"version": "dp-4f1c9e0a7b2d46c8a3e5", "input": PREDICTION_INPUT},
        headers={"prefer": "wait=60", "content-type": JSON},
        status=201,
        fixture="prediction_starting",
        response_type=Prediction,
    ),
    Case(
        "predictions.get",
        lambda: {"prediction_id": "t3v9k2c1qdrmc0cg2k7rz4xw1a"},
        "GET",
        "/predictions/t3v9k2c1qdrmc0cg2k7rz4xw1a",
        fixture="prediction_succeeded",
        response_type=Prediction,
    ),
    Case(
        "predictions.cancel",
        lambda: {"prediction_id": "q8w2m4hbnxrj40cg2k1s7v3d5e"},
        "POST",
        "/predictions/q8w2m4hbnxrj40cg2k1s7v3d5e/cancel",
        fixture="prediction_starting",
        response_type=Prediction,
    ),
    Case(
        "search.search",
        lambda: {"query": "upscale", "limit": 5},
        "GET",
        "/search",
        params={"query": "upscale", "limit": "5"},
        fixture="search",
        response_type=SearchResponse,
    ),
    Case(
        "webhooks.default_secret_get",
        dict,
        "GET",
        "/webhooks/default/secret",
        fixture="webhook_secret",
        response_type=WebhookSecret,
    ),
]

README = "# Upscaler\n\nMakes images *bigger*.\n"
DOWNLOAD = bytes(range(256)) * 4


def _json_object(value: dict[str, Any]) -> Any:
    from replicate_api.models import JsonObject

    return JsonObject.from_dict(value)


def operation_module(case: Case) -> ModuleType:
    return importlib.import_module(f"replicate_api.api.{case.operation}")


def canned_response(case: Case) -> httpx.Response:
    if case.fixture is not None:
        content_type = JSON
        body = json.dumps(fixture_json(case.fixture)).encode()
    elif case.operation == "models.readme_get":
        content_type, body = "text/plain; charset=utf-8", README.encode()
    elif case.operation == "files.download":
        content_type, body = "application/octet-stream", DOWNLOAD
    else:
        # What the real API sends for 202/204: an empty text/plain body.
        content_type, body = "text/plain; charset=utf-8", b""
    return httpx.Response(case.status, headers={"content-type": content_type}, content=body)


def check_wire(case: Case, request: httpx.Request) -> None:
    assert request.method == case.method
    assert request.url.host == "api.replicate.test"
    assert request.url.path == "/v1" + case.path
    assert dict(request.url.params) == case.params
    for name, value in case.headers.items():
        assert request.headers.get(name) == value, name
    if case.json_body is not None:
        assert json.loads(request.content) == case.json_body
    elif case.check is not None:
        case.check(request)
    else:
        assert request.content == b""


def check_parsed(case: Case, parsed: Any) -> None:
    if case.response_type is None:
        if case.operation == "files.download":
            assert parsed.payload.read() == DOWNLOAD
        else:
            assert parsed is None
        return
    if case.response_type is str:
        assert parsed == README
        return
    raw = fixture_json(case.fixture) if case.fixture else None
    if case.response_type is list:
        assert isinstance(parsed, list)
        assert all(isinstance(item, Hardware) for item in parsed)
        assert normalized([item.to_dict() for item in parsed]) == normalized(raw)
        return
    assert isinstance(parsed, case.response_type)
    dumped = parsed.to_dict()  # type: ignore[attr-defined]
    # Nothing lost or invented: absent stays absent, null stays null, unknown fields are kept.
    assert normalized(dumped) == normalized(raw)
    assert type(parsed).from_dict(dumped) == parsed  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_build_request_on_the_wire(case: Case, http: Any) -> None:
    client, recorder = http(canned_response(case))
    kwargs = operation_module(case).build_request(**case.args())
    assert kwargs["method"] == case.method
    assert kwargs["url"] == case.path
    response = client.request(**kwargs)
    check_wire(case, recorder.last)
    assert response.status_code == case.status


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_sync_detailed_sends_and_parses(case: Case) -> None:
    recorder = Recorder(lambda _request: canned_response(case))
    client = GeneratedClient(base_url=BASE_URL, httpx_args={"transport": recorder.transport})
    with client:
        response = operation_module(case).sync_detailed(client=client, **case.args())
    check_wire(case, recorder.last)
    assert response.status_code == case.status
    check_parsed(case, response.parsed)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_asyncio_detailed_sends_and_parses(case: Case) -> None:
    recorder = Recorder(lambda _request: canned_response(case))
    client = GeneratedClient(base_url=BASE_URL, httpx_args={"transport": recorder.transport})
    async with client:
        response = await operation_module(case).asyncio_detailed(client=client, **case.args())
    check_wire(case, recorder.last)
    check_parsed(case, response.parsed)


def test_every_operation_of_the_contract_is_covered() -> None:
    import pkgutil

    import replicate_api.api

    found = set()
    for resource in pkgutil.iter_modules(replicate_api.api.__path__):
        package = importlib.import_module(f"replicate_api.api.{resource.name}")
        found |= {f"{resource.name}.{m.name}" for m in pkgutil.iter_modules(package.__path__)}
    contract = {case.operation for case in CASES}
    # Additions (a new operation in openapi.yaml, as in the API-change drill) are allowed.
    assert len(contract) >= 37
    assert found >= contract
    for name in found:
        module = importlib.import_module(f"replicate_api.api.{name}")
        assert callable(module.build_request), name
        assert not hasattr(module, "_get_kwargs"), name

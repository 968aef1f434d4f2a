"""What the real API sends that a naive client chokes on, and what the generated code does."""

from __future__ import annotations

import datetime
import email.parser
import json
import subprocess
import sys
import textwrap
from io import BytesIO
from typing import Any

import httpx
import pytest
from replicate_api import Client as GeneratedClient
from replicate_api.api.files import create as files_create
from replicate_api.api.files import get as files_get
from replicate_api.api.models import search as models_search
from replicate_api.api.predictions import get as predictions_get
from replicate_api.models import (
    Deployment,
    FileCreateRequest,
    JsonObject,
    Model,
    ModelPage,
    Prediction,
    PredictionPage,
    Problem,
    Version,
)
from replicate_api.types import UNSET, Unset
from replicate_api.types import File as Upload

from .helpers import BASE_URL, Recorder, fixture_json, normalized

UTC = datetime.UTC


def test_prediction_while_starting_has_absent_and_null_fields() -> None:
    prediction = Prediction.from_dict(fixture_json("prediction_starting"))
    assert prediction.status == "starting"
    assert prediction.output is UNSET  # absent, not null
    assert prediction.logs is None and prediction.error is None and prediction.started_at is None
    assert isinstance(prediction.completed_at, Unset) and isinstance(prediction.metrics, Unset)
    assert isinstance(prediction.data_removed, Unset) and isinstance(prediction.deployment, Unset)
    assert prediction.version == "dp-4f1c9e0a7b2d46c8a3e5"
    assert not isinstance(prediction.urls, Unset | None)
    assert prediction.urls.get == (
        "https://api.replicate.com/v1/predictions/q8w2m4hbnxrj40cg2k1s7v3d5e"
    )
    assert isinstance(prediction.urls.web, Unset) and isinstance(prediction.urls.stream, Unset)
    assert prediction.additional_properties == {"queue_position": 3}


def test_timestamps_with_two_to_nine_fractional_digits() -> None:
    prediction = Prediction.from_dict(fixture_json("prediction_succeeded"))
    assert prediction.created_at == datetime.datetime(2025, 3, 14, 9, 26, 53, 581234, UTC)
    assert prediction.started_at == datetime.datetime(2025, 3, 14, 9, 26, 54, 123400, UTC)
    assert prediction.completed_at == datetime.datetime(2025, 3, 14, 9, 26, 55, 735046, UTC)
    starting = Prediction.from_dict(fixture_json("prediction_starting"))
    assert starting.created_at == datetime.datetime(2025, 3, 14, 9, 26, 53, 580000, UTC)


def test_unknown_and_new_statuses_never_raise() -> None:
    page = PredictionPage.from_dict(fixture_json("prediction_page"))
    assert page.next_ is None and page.previous is None
    assert not isinstance(page.results, Unset)
    old, future = page.results
    assert old.status == "aborted"
    assert old.version == "hidden" and isinstance(old.model, Unset)
    assert old.metrics is None and old.output is None
    assert future.status == "quantum_superposition"
    assert not isinstance(future.urls, Unset | None) and future.urls.to_dict() == {}


def test_unknown_fields_are_kept_at_every_level() -> None:
    prediction = Prediction.from_dict(fixture_json("prediction_succeeded"))
    assert not isinstance(prediction.metrics, Unset | None)
    assert prediction.metrics.predict_time == pytest.approx(1.618034)
    assert prediction.metrics.additional_properties == {"image_count": 1}
    deployment = Deployment.from_dict(fixture_json("deployment"))
    release = deployment.current_release
    assert release is not None and not isinstance(release, Unset)
    assert not isinstance(release.configuration, Unset | None)
    assert release.configuration.additional_properties == {"scale_down_delay": 300}
    assert normalized(deployment.to_dict()) == normalized(fixture_json("deployment"))


def test_model_with_null_latest_version_and_one_with_a_version() -> None:
    bare = Model.from_dict(fixture_json("model"))
    assert bare.latest_version is None and bare.default_example is None
    assert bare.additional_properties == {"featured": True}
    page = ModelPage.from_dict(fixture_json("model_page"))
    assert not isinstance(page.results, Unset)
    full, minimal = page.results
    assert isinstance(full.latest_version, Version)
    assert full.latest_version.id == "dp-hello-001"
    assert full.visibility == "semi-private"  # a value outside the documented two
    assert isinstance(full.default_example, JsonObject)
    assert full.default_example.to_dict()["output"] == "hello Ada"
    assert minimal.owner == "demo" and isinstance(minimal.latest_version, Unset)


def _problem_response(status: int, name: str) -> httpx.Response:
    body = json.dumps(fixture_json(name)).encode()
    return httpx.Response(
        status, headers={"content-type": "application/problem+json"}, content=body
    )


def test_problem_json_error_bodies_parse_with_integer_status() -> None:
    recorder = Recorder(lambda _request: _problem_response(404, "problem"))
    with GeneratedClient(base_url=BASE_URL, httpx_args={"transport": recorder.transport}) as c:
        response = files_get.sync_detailed("missing", client=c)
    assert isinstance(response.parsed, Problem)
    assert response.parsed.status == 404 and isinstance(response.parsed.status, int)
    assert response.parsed.title == "Not found"

    recorder = Recorder(lambda _request: _problem_response(413, "problem_too_large"))
    upload = FileCreateRequest(content=Upload(payload=BytesIO(b"x")))
    with GeneratedClient(base_url=BASE_URL, httpx_args={"transport": recorder.transport}) as c:
        too_large = files_create.sync_detailed(client=c, body=upload)
    assert isinstance(too_large.parsed, Problem) and too_large.parsed.status == 413


def test_query_method_reaches_the_wire() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"next": None, "previous": None, "results": []})

    with httpx.Client(base_url=BASE_URL, transport=httpx.MockTransport(answer)) as client:
        kwargs = models_search.build_request(body="fast image models")
        client.request(**kwargs)
    (request,) = seen
    assert request.method == "QUERY"
    assert request.url == f"{BASE_URL}/models"
    assert request.content == b"fast image models"
    assert request.headers["content-type"] == "text/plain; charset=utf-8"


def _multipart_parts(request: httpx.Request) -> dict[str, bytes]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = email.parser.BytesParser().parsebytes(head + request.read())
    assert message.is_multipart()
    parts: dict[str, bytes] = {}
    for part in message.get_payload():
        assert not isinstance(part, str)
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str) and isinstance(payload, bytes)
        parts[name] = payload
    return parts


def test_multipart_upload_uses_a_random_boundary_that_survives_any_bytes() -> None:
    # The generator hard-codes `boundary=+++`; bytes containing it would corrupt the upload.
    tricky = b"line one\r\n--+++\r\nnot a part\r\n--+++--\r\n\x00\xff"
    requests = []
    for _ in range(2):
        body = FileCreateRequest(
            content=Upload(payload=BytesIO(tricky), file_name="t.bin", mime_type="x/y"),
            type_="x/y",
        )
        requests.append(httpx.Request("POST", BASE_URL + "/files", **_no_url(body)))
    boundaries = {r.headers["content-type"].split("boundary=")[1] for r in requests}
    assert len(boundaries) == 2 and "+++" not in boundaries
    parts = _multipart_parts(requests[0])
    assert parts["content"] == tricky
    assert parts["type"] == b"x/y"


def _no_url(body: FileCreateRequest) -> dict[str, Any]:
    kwargs: dict[str, Any] = files_create.build_request(body=body)
    assert kwargs.pop("method") == "POST" and kwargs.pop("url") == "/files"
    return kwargs


def test_path_parameters_are_percent_encoded() -> None:
    kwargs = predictions_get.build_request(prediction_id="a/b c")
    assert kwargs["url"] == "/predictions/a%2Fb%20c"


def test_generated_client_defaults_that_our_layer_must_override() -> None:
    # The README tells our layer to always set these; this fails when the generator changes them.
    client = GeneratedClient(base_url=BASE_URL)
    assert client.raise_on_unexpected_status is False
    assert client.get_httpx_client().timeout == httpx.Timeout(None)
    client.get_httpx_client().close()


def test_generated_build_response_rejects_nonstandard_status_codes() -> None:
    # Why sync_detailed is not on our hot path: HTTPStatus(520) raises ValueError.
    recorder = Recorder(lambda _request: httpx.Response(520, content=b"origin error"))
    client = GeneratedClient(base_url=BASE_URL, httpx_args={"transport": recorder.transport})
    with client, pytest.raises(ValueError):
        predictions_get.sync_detailed("p1", client=client)


def _run_python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_package_and_models_import_lazily() -> None:
    output = _run_python(
        """
        import sys
        import replicate_api
        import replicate_api.models as models
        print("client" if "replicate_api.client" in sys.modules else "-")
        print("httpx" if "httpx" in sys.modules else "-")
        print("prediction" if "replicate_api.models.prediction" in sys.modules else "-")
        assert "Prediction" in dir(models) and "Client" in dir(replicate_api)
        cls = models.Prediction
        print(cls.__module__)
        try:
            models.NoSuchModel
        except AttributeError:
            print("missing ok")
        """
    )
    assert output.split() == ["-", "-", "-", "replicate_api.models.prediction", "missing", "ok"]


def test_unknown_account_types_and_sources_are_kept_as_strings() -> None:
    from replicate_api.models import Account

    account = Account.from_dict({"username": "r2d2", "type": "robot", "plan": None})
    assert account.type_ == "robot" and account.additional_properties == {"plan": None}
    raw = {**fixture_json("prediction_starting"), "source": "cli"}
    assert Prediction.from_dict(raw).source == "cli"

"""Model references → routes; malformed ones fail before any request."""

from __future__ import annotations

import httpx
import pytest

import replicate_ext
from replicate_ext._refs import (
    DeploymentRef,
    ModelRef,
    VersionRef,
    id_of,
    parse_deployment,
    parse_model_name,
    parse_ref,
    parse_version,
    parse_versioned_model,
    version_id_of,
)
from replicate_ext.types import Deployment, Model, Prediction, Training, Version

from .conftest import mock_client

HEX = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"


def test_owner_name_is_the_official_model_route() -> None:
    expected = ModelRef("black-forest-labs", "flux-schnell")
    assert parse_ref("black-forest-labs/flux-schnell") == expected
    assert parse_ref("demo/hello.v2_x") == ModelRef("demo", "hello.v2_x")


def test_owner_name_version() -> None:
    assert parse_ref(f"replicate/hello-world:{HEX}") == VersionRef(HEX, "replicate", "hello-world")
    assert str(parse_ref(f"replicate/hello-world:{HEX}")) == f"replicate/hello-world:{HEX}"


@pytest.mark.parametrize(
    "version", [HEX, "dp-8f4a2c9e1b7d4e3f9a0b1c2d3e4f5a6b", "abcdef0123456789abcd"]
)
def test_bare_version_ids(version: str) -> None:
    assert parse_ref(version) == VersionRef(version)


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "flux",
        "flux-schnell",
        "owner/",
        "/name",
        "a/b/c",
        "owner/name:",
        ":abc",
        "owner /name",
        " owner/name",
        "owner/name:ver sion",
        "owner/name@latest",
        "-owner/name",
    ],
)
def test_malformed_refs_raise_value_error(ref: str) -> None:
    with pytest.raises(ValueError, match="invalid model reference"):
        parse_ref(ref)


def test_non_string_refs_raise_type_error() -> None:
    with pytest.raises(TypeError):
        parse_ref(123)  # type: ignore[arg-type]


def test_deployments_and_model_names() -> None:
    assert parse_deployment("acme/prod") == DeploymentRef("acme", "prod")
    assert parse_model_name("acme/model") == ("acme", "model")
    assert parse_versioned_model(f"acme/m:{HEX}") == VersionRef(HEX, "acme", "m")
    for bad in ("acme", "acme/prod:v1", "a/b/c"):
        with pytest.raises(ValueError):
            parse_deployment(bad)
    with pytest.raises(ValueError):
        parse_versioned_model("acme/m")


def test_bad_refs_fail_before_any_request() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    with mock_client(handler) as client:
        for call in (
            lambda: client.run("not a ref", input={}),
            lambda: client.run("a/b/c", input={}),
            lambda: client.run(deployment="nodeployment", input={}),
            lambda: client.run("demo/hello", input={}, deployment="acme/prod"),
            lambda: client.run(input={}),
            lambda: client.predictions.create(model="bad", input={}),
            lambda: client.predictions.create(input={}),
            lambda: client.predictions.create(model="demo/hello", version=HEX, input={}),
            lambda: client.models.get("no-slash"),
            lambda: client.models.versions.get("demo/hello", "bad id"),
            lambda: client.deployments.get("x"),
            lambda: client.trainings.create("demo/hello", destination="me/m", input={}),
            lambda: client.predictions.get(""),
        ):
            with pytest.raises(ValueError):
                call()
        with pytest.raises(TypeError):
            client.run("demo/hello", input="name=Ada")  # type: ignore[arg-type]
    assert requests == []


def test_routes_on_the_wire() -> None:
    seen: list[tuple[str, str, bytes]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, request.content))
        return httpx.Response(201, json={"id": "p1", "status": "succeeded", "output": "ok"})

    with mock_client(handler) as client:
        assert client.run("demo/hello", input={"name": "A"}) == "ok"
        assert client.run(f"demo/hello:{HEX}", input={"name": "B"}) == "ok"
        assert client.run(HEX, input={"name": "C"}) == "ok"
        assert client.run(deployment="acme/prod", input={"name": "D"}) == "ok"
    assert [(m, p) for m, p, _ in seen] == [
        ("POST", "/v1/models/demo/hello/predictions"),
        ("POST", "/v1/predictions"),
        ("POST", "/v1/predictions"),
        ("POST", "/v1/deployments/acme/prod/predictions"),
    ]
    assert seen[0][2] == b'{"input":{"name":"A"}}'
    assert seen[1][2] == b'{"input":{"name":"B"},"version":"' + HEX.encode() + b'"}'
    assert seen[3][2] == b'{"input":{"name":"D"}}'


def test_replicate_ext_reexports_value_error_path() -> None:
    # ValueError is the documented type; nothing replicate-specific is needed to catch it.
    with pytest.raises(ValueError):
        replicate_ext.Client(api_token="t", base_url="ftp://nope")


@pytest.mark.parametrize("version", ["v2", "1.0.0", "abc", "dp-1", HEX])
def test_the_version_part_is_any_id_not_judged_by_its_looks(version: str) -> None:
    assert parse_ref(f"acme/m:{version}") == VersionRef(version, "acme", "m")
    assert parse_versioned_model(f"acme/m:{version}") == VersionRef(version, "acme", "m")
    assert parse_version(version) == VersionRef(version)  # an explicit version=
    if version != HEX:
        with pytest.raises(ValueError, match="invalid model reference"):
            parse_ref(version)  # a bare ref without "/" is still judged


def test_objects_the_sdk_returned_resolve_like_their_ids() -> None:
    assert parse_ref(Model(owner="acme", name="m")) == ModelRef("acme", "m")
    assert parse_ref(Version(id="v2")) == VersionRef("v2")
    assert parse_version(Version(id="v2")) == VersionRef("v2")
    assert parse_model_name(Model(owner="acme", name="m")) == ("acme", "m")
    assert parse_deployment(Deployment(owner="acme", name="prod")) == DeploymentRef("acme", "prod")
    assert id_of(Prediction(id="p1", status="starting"), Prediction, "prediction id") == "p1"
    assert id_of("p1", Prediction, "prediction id") == "p1"
    assert version_id_of(Version(id="v2")) == "v2"
    with pytest.raises(TypeError, match="Prediction"):
        id_of(Training(id="t1", status="starting"), Prediction, "prediction id")
    with pytest.raises(TypeError):
        parse_deployment(Model(owner="acme", name="m"))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        id_of(Prediction(id="a/b", status="x"), Prediction, "prediction id")


def test_predictions_create_takes_any_version_string_run_judges_bare_refs() -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(201, json={"id": "p1", "status": "succeeded", "output": "ok"})

    with mock_client(handler) as client:
        client.predictions.create(version="flux", input={})
        assert client.run("acme/m:flux", input={}) == "ok"
        with pytest.raises(ValueError, match="invalid model reference"):
            client.run("flux", input={})
        with pytest.raises(ValueError, match="invalid version id"):
            client.predictions.create(version="my version", input={})
    assert seen == [b'{"input":{},"version":"flux"}'] * 2

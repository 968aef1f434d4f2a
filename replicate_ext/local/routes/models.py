"""``/v1/models`` and their versions: list, create, get, update, delete, README, examples."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..engine import Engine, new_model_record
from ..http import engine_of, json_body, ok, origin_of
from ..http_urls import http_url_problem
from ..models import JSON
from ..pagination import paginate
from ..problems import Problem, invalid_field, reject_unknown, require_fields
from ..render import model_json, version_json
from .hardware import SKUS

MODEL_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_CREATE_FIELDS = {
    "owner",
    "name",
    "description",
    "visibility",
    "hardware",
    "github_url",
    "paper_url",
    "license_url",
    "cover_image_url",
}
_URL_FIELDS = {"github_url", "paper_url", "license_url", "cover_image_url", "weights_url"}
_UPDATE_FIELDS = {"description", "readme", "github_url", "paper_url", "weights_url", "license_url"}


def _check_urls(body: JSON) -> None:
    """The spec's ``format: uri`` fields: absolute http(s) URLs."""
    for field in sorted(_URL_FIELDS & set(body)):
        if body[field] is not None:
            problem = http_url_problem(body[field])
            if problem is not None:
                raise invalid_field(field, problem)


def require_model(engine: Engine, owner: str, name: str) -> JSON:
    record = engine.store.get_model(owner, name)
    if record is None:
        raise Problem(404, f"model {owner}/{name} not found")
    return record


def _path_model(request: Request) -> JSON:
    return require_model(
        engine_of(request), request.path_params["owner"], request.path_params["name"]
    )


async def list_all(request: Request) -> Response:
    engine = engine_of(request)
    sort_by = request.query_params.get("sort_by", "latest_version_created_at")
    direction = request.query_params.get("sort_direction", "desc")
    if sort_by not in ("model_created_at", "latest_version_created_at"):
        raise invalid_field("sort_by", "must be model_created_at or latest_version_created_at")
    if direction not in ("asc", "desc"):
        raise invalid_field("sort_direction", "must be asc or desc")
    origin = origin_of(request)
    records = engine.store.list_models()
    created = {(r["owner"], r["name"]): str(r.get("_created_at", "")) for r in records}
    models = [model_json(engine, m, origin) for m in records]

    def key(model: JSON) -> str:
        if sort_by == "latest_version_created_at" and model["latest_version"]:
            return str(model["latest_version"]["created_at"])
        return created[(model["owner"], model["name"])]

    models.sort(key=key, reverse=direction == "desc")
    return ok(paginate(request, models))


async def create(request: Request) -> Response:
    engine = engine_of(request)
    body = await json_body(request)
    reject_unknown(body, _CREATE_FIELDS)
    require_fields(body, ["owner", "name", "visibility", "hardware"])
    for field in body:
        if body[field] is not None and not isinstance(body[field], str):
            raise invalid_field(field, "must be a string")
    _check_urls(body)
    if body["visibility"] not in ("public", "private"):
        raise invalid_field("visibility", "must be public or private")
    if body["hardware"] not in SKUS:
        raise invalid_field("hardware", "is not a hardware SKU listed by GET /v1/hardware")
    if not MODEL_NAME.fullmatch(body["name"]):
        raise invalid_field("name", "may contain lowercase letters, digits, '.', '_' and '-'")
    if not _OWNER.fullmatch(body["owner"]):
        raise invalid_field("owner", "may contain letters, digits, '.', '_' and '-'")
    owner, name = body["owner"], body["name"]
    if engine.store.get_model(owner, name) is not None:
        raise Problem(409, f"model {owner}/{name} already exists")
    fields = {k: v for k, v in body.items() if k not in ("owner", "name", "hardware")}
    record = new_model_record(owner, name, _hardware=body["hardware"], **fields)
    engine.store.upsert_model(record)
    return ok(model_json(engine, record, origin_of(request)), 201)


async def get(request: Request) -> Response:
    return ok(model_json(engine_of(request), _path_model(request), origin_of(request)))


async def update(request: Request) -> Response:
    engine = engine_of(request)
    record = _path_model(request)
    body = await json_body(request, required=False)
    reject_unknown(body, _UPDATE_FIELDS)
    for field, value in body.items():
        if not isinstance(value, str):
            raise invalid_field(field, "must be a string")
    _check_urls(body)
    for field, value in body.items():
        record["_readme" if field == "readme" else field] = value
    engine.store.upsert_model(record)
    return ok(model_json(engine, record, origin_of(request)))


async def delete(request: Request) -> Response:
    store = engine_of(request).store
    record = _path_model(request)
    owner, name = record["owner"], record["name"]
    if store.versions(owner, name):
        raise Problem(409, f"delete the versions of {owner}/{name} before the model")
    store.delete_model(owner, name)
    return Response(status_code=204)


async def readme(request: Request) -> Response:
    text = _path_model(request).get("_readme") or ""
    if not text:
        raise Problem(404, "this model has no README")
    return PlainTextResponse(text, media_type="text/plain; charset=utf-8")


async def examples(request: Request) -> Response:
    _path_model(request)
    # the local server keeps no curated example predictions
    return ok(paginate(request, []))


# --- versions -------------------------------------------------------------------------------


async def list_versions(request: Request) -> Response:
    record = _path_model(request)
    versions = engine_of(request).store.versions(record["owner"], record["name"])
    return ok(paginate(request, [version_json(v) for v in versions]))


def _path_version(request: Request) -> JSON:
    record = _path_model(request)
    version_id = request.path_params["version"]
    version = engine_of(request).store.get_version(record["owner"], record["name"], version_id)
    if version is None:
        raise Problem(404, f"version {version_id} not found")
    return version


async def get_version(request: Request) -> Response:
    return ok(version_json(_path_version(request)))


async def delete_version(request: Request) -> Response:
    store = engine_of(request).store
    version = _path_version(request)
    for deployment in store.list_deployments():
        if deployment["current_release"]["version"] == version["id"]:
            raise Problem(409, "a deployment uses this version")
    p = request.path_params
    store.delete_version(p["owner"], p["name"], version["id"])
    return Response(status_code=202)

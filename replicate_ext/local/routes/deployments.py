"""``/v1/deployments``: a named, versioned release of a model, and predictions through it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..engine import Engine
from ..http import engine_of, json_body, ok, split_ref
from ..models import JSON
from ..pagination import paginate
from ..problems import Problem, invalid_field, reject_unknown, require_fields
from ..store import ACCOUNT_USERNAME, iso, now
from .account import ACCOUNT
from .hardware import SKUS
from .models import MODEL_NAME
from .predictions import CREATE_FIELDS, start

_FIELDS = ["name", "model", "version", "hardware", "min_instances", "max_instances"]
_INSTANCE_LIMITS = (("min_instances", 5), ("max_instances", 20))


def _release(number: int, model: str, version: str, config: JSON) -> JSON:
    return {
        "number": number,
        "model": model,
        "version": version,
        "created_at": iso(now()),
        "created_by": dict(ACCOUNT),
        "configuration": config,
    }


def _check_config(body: JSON, config: JSON) -> JSON:
    config = dict(config)
    if "hardware" in body:
        if body["hardware"] not in SKUS:
            raise invalid_field("hardware", "is not a hardware SKU listed by GET /v1/hardware")
        config["hardware"] = body["hardware"]
    for field, top in _INSTANCE_LIMITS:
        if field in body:
            value = body[field]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
                raise invalid_field(field, f"must be an integer from 0 to {top}")
            config[field] = value
    if config.get("min_instances", 0) > config.get("max_instances", 0):
        raise invalid_field("min_instances", "must not exceed max_instances")
    return config


def _check_version(engine: Engine, model: str, version: Any) -> None:
    ref = split_ref(model)
    if ref is None or engine.store.get_model(*ref) is None:
        raise invalid_field("model", f"model {model} does not exist")
    if not isinstance(version, str) or engine.store.get_version(*ref, version) is None:
        raise invalid_field("version", f"version {version} of {model} does not exist")


def _path_deployment(request: Request) -> JSON:
    owner, name = request.path_params["owner"], request.path_params["name"]
    record = engine_of(request).store.get_deployment(owner, name)
    if record is None:
        raise Problem(404, f"deployment {owner}/{name} not found")
    return record


async def create(request: Request) -> Response:
    engine = engine_of(request)
    body = await json_body(request)
    reject_unknown(body, set(_FIELDS))
    require_fields(body, _FIELDS)
    name = body["name"]
    if not isinstance(name, str) or not MODEL_NAME.fullmatch(name):
        raise invalid_field("name", "may contain lowercase letters, digits, '.', '_' and '-'")
    if not isinstance(body["model"], str):
        raise invalid_field("model", "must be a string")
    _check_version(engine, body["model"], body["version"])
    config = _check_config(body, {})
    if engine.store.get_deployment(ACCOUNT_USERNAME, name) is not None:
        raise Problem(409, f"deployment {ACCOUNT_USERNAME}/{name} already exists")
    record = {
        "owner": ACCOUNT_USERNAME,
        "name": name,
        "current_release": _release(1, body["model"], body["version"], config),
    }
    engine.store.save_deployment(record)
    return ok(record)  # Replicate answers 200 here, not 201


async def list_all(request: Request) -> Response:
    return ok(paginate(request, engine_of(request).store.list_deployments()))


async def get(request: Request) -> Response:
    return ok(_path_deployment(request))


async def update(request: Request) -> Response:
    engine = engine_of(request)
    record = _path_deployment(request)
    body = await json_body(request, required=False)
    reject_unknown(body, {"version", "hardware", "min_instances", "max_instances"})
    release = record["current_release"]
    if "version" in body:
        _check_version(engine, release["model"], body["version"])
    config = _check_config(body, release["configuration"])
    record["current_release"] = _release(
        release["number"] + 1, release["model"], body.get("version", release["version"]), config
    )
    engine.store.save_deployment(record)
    return ok(record)


async def delete(request: Request) -> Response:
    record = _path_deployment(request)
    engine_of(request).store.delete_deployment(record["owner"], record["name"])
    return Response(status_code=204)


async def create_prediction(request: Request) -> Response:
    body = await json_body(request)
    reject_unknown(body, CREATE_FIELDS)
    record = _path_deployment(request)
    ref = f"{record['owner']}/{record['name']}"
    release = record["current_release"]
    model_owner, model_name = release["model"].split("/")
    version = engine_of(request).store.get_version(model_owner, model_name, release["version"])
    if version is None:
        raise Problem(404, f"the version of deployment {ref} no longer exists")
    return await start(request, body, release["model"], version, deployment=ref)

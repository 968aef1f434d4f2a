"""The few HTML and JSON pages outside ``/v1``: the index, a page per prediction (the
``urls.web`` of a prediction) and a page per model (a model's ``url``)."""

from __future__ import annotations

import html
import json

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from .gate import AUTH_SCOPE_KEY, unauthenticated
from .http import engine_of, ok, origin_of
from .problems import Problem
from .render import prediction_json


async def index(request: Request) -> Response:
    origin = origin_of(request)
    models = sorted(engine_of(request).models)
    return ok(
        {"server": "replicate-ext local server", "base_url": f"{origin}/v1", "models": models}
    )


async def prediction_page(request: Request) -> Response:
    engine = engine_of(request)
    rid = request.path_params["id"]
    rec = engine.get("prediction", rid) or engine.get("training", rid)
    if rec is None:
        raise Problem(404, "prediction not found")
    text = html.escape(json.dumps(prediction_json(request, rec), indent=2))
    return HTMLResponse(
        f"<!doctype html><title>{html.escape(rid)}</title>"
        f"<h1>{html.escape(rec['model'])}: {html.escape(rec['status'])}</h1><pre>{text}</pre>"
    )


async def model_page(request: Request) -> Response:
    owner, name = request.path_params["owner"], request.path_params["name"]
    engine = engine_of(request)
    record = engine.store.get_model(owner, name)
    if record is None or owner in ("v1", "_admin", "p"):
        raise Problem(404, f"no such endpoint: {request.method} {request.url.path}")
    private = record.get("visibility") == "private"
    if private and engine.settings.token is not None and not request.scope.get(AUTH_SCOPE_KEY):
        raise unauthenticated()
    readme = record.get("_readme") or record.get("description") or ""
    return HTMLResponse(
        f"<!doctype html><title>{html.escape(owner)}/{html.escape(name)}</title>"
        f"<h1>{html.escape(owner)}/{html.escape(name)}</h1><pre>{html.escape(readme)}</pre>"
    )

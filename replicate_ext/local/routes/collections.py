"""``/v1/collections``: the demo models, and the models served with ``--model``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..engine import Engine
from ..http import engine_of, ok, origin_of
from ..models import JSON
from ..pagination import paginate
from ..problems import Problem
from ..render import model_json


def collections_of(engine: Engine) -> list[JSON]:
    """Every collection, with its model records under the private ``_models`` key."""
    models = engine.store.list_models()
    demo = [m for m in models if m["owner"] == "demo"]
    served = {ref for ref in engine.models if not ref.startswith("demo/")}
    own = [m for m in models if f"{m['owner']}/{m['name']}" in served]
    collections: list[JSON] = [
        {
            "name": "Demo models",
            "slug": "demo",
            "description": "The models bundled with the replicate-ext local server.",
            "full_description": "Small models for demos and tests; they run instantly.",
            "_models": demo,
        }
    ]
    if own:
        collections.append(
            {
                "name": "Local models",
                "slug": "local",
                "description": "Python functions served as models with --model.",
                "full_description": None,
                "_models": own,
            }
        )
    return collections


async def list_all(request: Request) -> Response:
    items = [
        {"name": c["name"], "slug": c["slug"], "description": c["description"]}
        for c in collections_of(engine_of(request))
    ]
    return ok(paginate(request, items))


async def get(request: Request) -> Response:
    engine = engine_of(request)
    origin = origin_of(request)
    for c in collections_of(engine):
        if c["slug"] == request.path_params["slug"]:
            body = {k: v for k, v in c.items() if not k.startswith("_")}
            body["models"] = [model_json(engine, m, origin) for m in c["_models"]]
            return ok(body)
    raise Problem(404, f"collection {request.path_params['slug']} not found")

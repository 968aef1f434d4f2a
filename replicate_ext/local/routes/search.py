"""Search: ``GET /v1/search`` (models and collections) and ``QUERY /v1/models`` (models whose
name or description contain every word)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..engine import Engine
from ..http import engine_of, ok, origin_of
from ..models import JSON
from ..pagination import paginate
from ..problems import Problem
from ..render import model_json
from .collections import collections_of

# Replicate's search answers its errors as application/json, not problem+json
_SEARCH_ERROR = "application/json"


def matching_models(engine: Engine, query: str) -> list[JSON]:
    words = query.lower().split()
    result = []
    for model in engine.store.list_models():
        text = f"{model['owner']}/{model['name']} {model.get('description') or ''}".lower()
        if all(word in text for word in words):
            result.append(model)
    return result


async def search_models(request: Request) -> Response:
    engine = engine_of(request)
    query = (await request.body()).decode("utf-8", "replace").strip()
    if not query:
        raise Problem(400, "the request body must be the search text")
    origin = origin_of(request)
    found = [model_json(engine, m, origin) for m in matching_models(engine, query)]
    return ok(paginate(request, found))


async def search(request: Request) -> Response:
    engine = engine_of(request)
    query = request.query_params.get("query", "").strip()
    if not query:
        raise Problem(400, "query: a search text is required", media_type=_SEARCH_ERROR)
    try:
        limit = int(request.query_params.get("limit", "20"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 50:
        raise Problem(400, "limit: must be an integer from 1 to 50", media_type=_SEARCH_ERROR)
    origin = origin_of(request)
    words = query.lower().split()
    models = [
        {
            "model": model_json(engine, m, origin),
            "metadata": {
                "generated_description": m.get("description"),
                "tags": [m["owner"]],
                "score": 1.0,
            },
        }
        for m in matching_models(engine, query)[:limit]
    ]
    collections = [
        {
            "name": c["name"],
            "slug": c["slug"],
            "description": c["description"],
            "models": [f"{m['owner']}/{m['name']}" for m in c["_models"]],
        }
        for c in collections_of(engine)
        if all(w in f"{c['name']} {c['slug']} {c['description']}".lower() for w in words)
    ]
    return ok({"query": query, "models": models, "collections": collections, "pages": []})

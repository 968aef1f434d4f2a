"""The API shapes of stored records: private ``_fields`` dropped, absolute URLs for the
request's origin, file references turned into signed download URLs."""

from __future__ import annotations

from starlette.requests import Request

from .engine import Engine, public_prediction
from .http import engine_of, origin_of
from .models import JSON


def prediction_json(request: Request, rec: JSON) -> JSON:
    engine = engine_of(request)
    origin = origin_of(request)
    return public_prediction(rec, origin, engine.files.url_builder(origin))


def version_json(version: JSON) -> JSON:
    return {k: v for k, v in version.items() if not k.startswith("_")}


def model_json(engine: Engine, record: JSON, origin: str) -> JSON:
    out = {k: v for k, v in record.items() if not k.startswith("_")}
    out["url"] = f"{origin}/{record['owner']}/{record['name']}"
    versions = engine.store.versions(record["owner"], record["name"])
    out["latest_version"] = version_json(versions[0]) if versions else None
    return out


def file_json(record: JSON, origin: str) -> JSON:
    return {**record, "urls": {"get": f"{origin}/v1/files/{record['id']}"}}

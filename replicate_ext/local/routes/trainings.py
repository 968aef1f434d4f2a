"""``/v1/trainings`` and ``POST .../versions/{version}/trainings``: a training runs the
server's trainer and adds a version to its destination model."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..engine import TRAINER
from ..http import engine_of, json_body, ok, origin_of, split_ref
from ..pagination import paginate_predictions
from ..problems import Problem, invalid_field, reject_unknown
from ..render import prediction_json
from .models import require_model
from .predictions import cancel_record, get_record, webhook_options


async def create(request: Request) -> Response:
    engine = engine_of(request)
    store = engine.store
    p = request.path_params
    owner, name, version_id = p["owner"], p["name"], p["version"]
    require_model(engine, owner, name)
    if store.get_version(owner, name, version_id) is None:
        raise Problem(404, f"version {version_id} of {owner}/{name} not found")
    body = await json_body(request)
    reject_unknown(body, {"destination", "input", "webhook", "webhook_events_filter"})
    destination = body.get("destination")
    target = split_ref(destination) if isinstance(destination, str) else None
    if target is None:
        raise invalid_field("destination", "is required and must look like owner/name")
    if store.get_model(*target) is None:
        raise invalid_field("destination", f"model {destination} does not exist")
    inputs = body.get("input")
    if not isinstance(inputs, dict):
        raise invalid_field("input", "is required and must be an object")
    webhook, events = webhook_options(body)
    rec = engine.create(
        kind="training",
        model=f"{owner}/{name}",
        version=version_id,
        runner=TRAINER,
        inputs=inputs,
        origin=origin_of(request),
        webhook=webhook,
        events_filter=events,
        destination=destination,
    )
    return ok(prediction_json(request, rec), 201)


async def list_all(request: Request) -> Response:
    return ok(paginate_predictions(request, "training"))


async def get(request: Request) -> Response:
    return get_record(request, "training")


async def cancel(request: Request) -> Response:
    return cancel_record(request, "training")

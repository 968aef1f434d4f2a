"""``/v1/predictions`` and ``POST /v1/models/{owner}/{name}/predictions``: create (with
``Prefer: wait`` and ``Cancel-After``), get, cancel, list. Trainings and deployments reuse the
shared pieces here."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..engine import WEBHOOK_EVENTS
from ..http import (
    engine_of,
    json_body,
    ok,
    origin_of,
    parse_duration,
    parse_prefer_wait,
    split_ref,
)
from ..http_urls import http_url_problem
from ..models import JSON, InputValidationError, InvalidField, validate_input
from ..pagination import paginate_predictions
from ..problems import Problem, invalid, invalid_field, reject_unknown
from ..render import prediction_json
from ..store import TERMINAL
from .models import require_model

MAX_CANCEL_AFTER = 30 * 24 * 3600
CREATE_FIELDS = {"input", "stream", "webhook", "webhook_events_filter"}


async def create(request: Request) -> Response:
    body = await json_body(request)
    reject_unknown(body, {"version", *CREATE_FIELDS})
    version = body.get("version")
    if not isinstance(version, str) or not version:
        raise invalid_field("version", "is required and must be a string")
    model_ref, version_id = version.rpartition(":")[::2] if ":" in version else ("", version)
    if not model_ref and split_ref(version_id) is not None:
        # "owner/name" without a version: the model's latest version
        owner, name = version_id.split("/")
        return await _create_for_model(request, body, owner, name)
    found = engine_of(request).store.find_version(version_id)
    if found is None or (model_ref and model_ref != f"{found[0]}/{found[1]}"):
        raise invalid_field("version", f"version {version} does not exist")
    owner, name, record = found
    return await start(request, body, f"{owner}/{name}", record)


async def create_for_model(request: Request) -> Response:
    body = await json_body(request)
    reject_unknown(body, CREATE_FIELDS)
    p = request.path_params
    return await _create_for_model(request, body, p["owner"], p["name"])


async def _create_for_model(request: Request, body: JSON, owner: str, name: str) -> Response:
    engine = engine_of(request)
    require_model(engine, owner, name)
    latest = engine.store.latest_version(owner, name)
    if latest is None:
        raise Problem(404, f"model {owner}/{name} has no versions to run")
    return await start(request, body, f"{owner}/{name}", latest)


async def start(
    request: Request,
    body: JSON,
    model_ref: str,
    version: JSON,
    *,
    deployment: str | None = None,
) -> Response:
    """Validate a create request's body and headers, create the prediction, and hold the
    response for ``Prefer: wait``."""
    engine = engine_of(request)
    runner = version["_runner"]
    model = engine.model_for_runner(runner)
    if model is None:
        raise Problem(404, f"model {model_ref} cannot run on this server")
    if "input" not in body:
        raise invalid_field("input", "is required")
    try:
        run_inputs = validate_input(model.input_schema, body["input"])
    except InputValidationError as exc:
        fields = [
            InvalidField(f.field if f.field == "input" else f"input.{f.field}", f.message)
            for f in exc.fields
        ]
        raise invalid(fields) from None
    webhook, events = webhook_options(body)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise invalid_field("stream", "must be a boolean")
    wait = parse_prefer_wait(request.headers.get("prefer"))
    cancel_after = _cancel_after(request)
    rec = engine.create(
        kind="prediction",
        model=model_ref,
        version=version["id"],
        runner=runner,
        inputs=body["input"],
        run_inputs=run_inputs,
        origin=origin_of(request),
        webhook=webhook,
        events_filter=events,
        stream=stream,
        deployment=deployment,
        cancel_after=cancel_after,
    )
    if wait is not None:
        held = engine.faults.effective_wait(wait)
        if held > 0:
            rec = await engine.wait("prediction", rec["id"], held) or rec
    body_out = prediction_json(request, rec)
    if wait is not None and body_out["status"] not in TERMINAL:
        # Replicate answers a sync-mode request that ran out of time with the prediction
        # as "starting"; the official client treats any other status as finished
        body_out["status"] = "starting"
    return ok(body_out, 201)


def webhook_options(body: JSON) -> tuple[str | None, list[str] | None]:
    webhook = body.get("webhook")
    if webhook is not None:
        problem = http_url_problem(webhook) if isinstance(webhook, str) else "must be a string"
        if problem is not None:
            raise invalid_field("webhook", problem)
    events = body.get("webhook_events_filter")
    if events is not None and (
        not isinstance(events, list) or any(e not in WEBHOOK_EVENTS for e in events)
    ):
        raise invalid_field(
            "webhook_events_filter", f"must be a list of {', '.join(WEBHOOK_EVENTS)}"
        )
    return webhook, events


def _cancel_after(request: Request) -> float | None:
    header = request.headers.get("cancel-after")
    if header is None:
        return None
    try:
        seconds = parse_duration(header)
    except ValueError:
        raise invalid_field(
            "Cancel-After", "must be a duration such as 30, 30s, 5m or 1h30m"
        ) from None
    minimum = engine_of(request).settings.min_cancel_after
    if seconds < minimum:
        raise invalid_field("Cancel-After", f"must be at least {minimum:g} seconds")
    if seconds > MAX_CANCEL_AFTER:
        raise invalid_field("Cancel-After", f"must be at most {MAX_CANCEL_AFTER // 3600} hours")
    return seconds


async def list_all(request: Request) -> Response:
    source = request.query_params.get("source")
    if source is not None and source != "web":
        raise invalid_field("source", "must be 'web'")
    if source == "web":
        # this server has no website: nothing was created from it
        return ok({"next": None, "previous": None, "results": []})
    return ok(paginate_predictions(request, "prediction"))


async def get(request: Request) -> Response:
    return get_record(request, "prediction")


async def cancel(request: Request) -> Response:
    return cancel_record(request, "prediction")


def get_record(request: Request, kind: str) -> Response:
    rec = engine_of(request).get(kind, request.path_params["id"])
    if rec is None:
        raise Problem(404, f"{kind} not found")
    return ok(prediction_json(request, rec))


def cancel_record(request: Request, kind: str) -> Response:
    engine = engine_of(request)
    rid = request.path_params["id"]
    rec = engine.get(kind, rid)
    if rec is None:
        raise Problem(404, f"{kind} not found")
    if rec["status"] not in TERMINAL:
        rec = engine.cancel(rid) or rec
    return ok(prediction_json(request, rec))

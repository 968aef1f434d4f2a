"""The ASGI application of the local server: Replicate's HTTP API under ``/v1``, an admin API
for fault injection under ``/_admin``, and a tiny web page per prediction under ``/p``.

Absolute URLs in responses (``urls.get``, ``next``, file links) use the scheme and host of the
incoming request, so the server works behind any address it is reached by.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import html
import json
import re
import socket
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .engine import (
    ACCOUNT_USERNAME,
    FILE_REF_PREFIX,
    TERMINAL,
    TRAINER,
    WEBHOOK_EVENTS,
    Engine,
    iso,
    new_model_record,
    now,
    parse_iso,
    public_prediction,
)
from .faults import Fault, FaultInjector
from .models import JSON, InputValidationError, InvalidField, validate_input

PROBLEM = "application/problem+json"
HARDWARE = [
    {"name": "CPU", "sku": "cpu"},
    {"name": "Nvidia T4 GPU", "sku": "gpu-t4"},
    {"name": "Nvidia L40S GPU", "sku": "gpu-l40s"},
    {"name": "Nvidia A100 (80GB) GPU", "sku": "gpu-a100-large"},
]
_TITLES = {
    400: "Bad Request",
    401: "Unauthenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Request Entity Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_STREAM_PATH = re.compile(r"^/v1/predictions/[^/]+/stream$")
_DOWNLOAD_PATH = re.compile(r"^/v1/files/[^/]+/download$")
_FILE_REF = re.compile(re.escape(FILE_REF_PREFIX) + r"([a-z0-9]+)")
_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?$")
AUTH_SCOPE_KEY = "replicate_ext.authenticated"
TRANSPORT_SCOPE_KEY = "replicate_ext.transport"


class Problem(Exception):
    """An error answered as application/problem+json {title, detail, status}."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        extra: JSON | None = None,
        media_type: str = PROBLEM,
    ) -> None:
        super().__init__(detail)
        self.media_type = media_type
        self.status = status
        self.detail = detail
        self.title = title or _TITLES.get(status, "Error")
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> JSON:
        return {"title": self.title, "detail": self.detail, "status": self.status, **self.extra}

    def response(self) -> Response:
        return JSONResponse(
            self.body(), status_code=self.status, headers=self.headers, media_type=self.media_type
        )


def invalid(fields: list[InvalidField], *, title: str = "Invalid input") -> Problem:
    detail = "; ".join(f"{f.field}: {f.message}" for f in fields)
    return Problem(
        422,
        detail,
        title=title,
        extra={
            "invalid_fields": [
                {"type": "invalid", "field": f.field, "description": f.message} for f in fields
            ]
        },
    )


def invalid_field(field: str, message: str) -> Problem:
    return invalid([InvalidField(field, message)], title="Invalid request")


# --- the outer layer: faults and auth -------------------------------------------------------


class Gate:
    """Outermost ASGI layer: consumes injected faults, then checks the bearer token."""

    def __init__(self, app: ASGIApp, faults: FaultInjector, token: str | None) -> None:
        self.app = app
        self.faults = faults
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # uvicorn's send is a bound method of the connection's cycle, which owns the transport;
        # fault injection needs it to reset or cut connections
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        scope[TRANSPORT_SCOPE_KEY] = transport
        path: str = scope["path"]
        method: str = scope["method"]
        if not path.startswith("/_admin"):
            fault = self.faults.take(method, path, ("status", "reset", "delay"))
            if fault is not None:
                if fault.action == "delay":
                    await asyncio.sleep(fault.delay_seconds)
                elif fault.action == "reset":
                    reset_connection(transport)
                    await asyncio.sleep(0)  # let uvicorn see the disconnect before we return
                    return
                else:
                    headers = {}
                    if fault.retry_after is not None:
                        headers["retry-after"] = f"{fault.retry_after:g}"
                    problem = Problem(fault.status_code, "injected fault", headers=headers)
                    await problem.response()(scope, receive, send)
                    return
        authenticated = self._authenticated(scope)
        scope[AUTH_SCOPE_KEY] = authenticated
        needs_auth = (path.startswith("/v1/") or path.startswith("/_admin")) and not (
            _STREAM_PATH.match(path) or _DOWNLOAD_PATH.match(path)
        )
        if needs_auth and not authenticated:
            problem = Problem(
                401,
                "You did not pass a valid authentication token",
                headers={"www-authenticate": 'Bearer realm="replicate-ext"'},
            )
            await problem.response()(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authenticated(self, scope: Scope) -> bool:
        for key, value in scope["headers"]:
            if key == b"authorization":
                scheme, _, credential = value.decode("latin-1").strip().partition(" ")
                credential = credential.strip()
                if scheme.lower() not in ("bearer", "token") or not credential:
                    return False
                if self.token is None:
                    return True
                return hmac.compare_digest(credential.encode(), self.token.encode())
        return False


def reset_connection(transport: Any) -> None:
    """Drop the TCP connection with a RST, as a crashed proxy would."""
    if transport is None:
        raise RuntimeError("injected connection reset")
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


# --- helpers --------------------------------------------------------------------------------


def origin_of(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


async def json_body(request: Request, *, required: bool = True) -> JSON:
    raw = await request.body()
    if not raw.strip():
        if required:
            raise Problem(400, "the request body must be a JSON object")
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise Problem(400, f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Problem(400, "the request body must be a JSON object")
    return data


def reject_unknown(body: JSON, allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise invalid(
            [InvalidField(name, "is not a known field") for name in unknown],
            title="Invalid request",
        )


def encode_cursor(kind: str, value: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[str, int]:
    try:
        padded = text + "=" * (-len(text) % 4)
        kind, _, value = base64.urlsafe_b64decode(padded).decode().partition(":")
        if kind not in ("o", "b", "a"):
            raise ValueError(kind)
        return kind, int(value)
    except ValueError:
        raise Problem(400, "cursor: not a cursor this server issued") from None


def page_url(request: Request, cursor: str) -> str:
    return str(request.url.include_query_params(cursor=cursor))


def parse_prefer_wait(header: str | None) -> float | None:
    """Seconds to hold the response for ``Prefer: wait[=N]`` (1-60), or None."""
    if not header:
        return None
    for token in header.split(","):
        token = token.strip()
        if token == "wait":
            return 60.0
        if token.startswith("wait="):
            value = token[len("wait=") :]
            if not value.isdigit() or not 1 <= int(value) <= 60:
                raise invalid_field("Prefer", "wait must be a whole number of seconds from 1 to 60")
            return float(value)
    return None


def parse_duration(text: str) -> float:
    """``30``, ``30s``, ``5m``, ``1h30m45s`` → seconds."""
    match = _DURATION.match(text.strip())
    if not text.strip() or match is None:
        raise ValueError(text)
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def split_ref(ref: str) -> tuple[str, str] | None:
    owner, sep, name = ref.partition("/")
    if not sep or not owner or not name or "/" in name:
        return None
    return owner, name


# --- the API --------------------------------------------------------------------------------


class Api:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.store = engine.store

    # rendering

    def prediction_json(self, rec: JSON, origin: str) -> JSON:
        return public_prediction(rec, origin, self.engine.file_url_builder(origin))

    def version_json(self, version: JSON) -> JSON:
        return {k: v for k, v in version.items() if not k.startswith("_")}

    def model_json(self, record: JSON, origin: str) -> JSON:
        out = {k: v for k, v in record.items() if not k.startswith("_")}
        out["url"] = f"{origin}/{record['owner']}/{record['name']}"
        versions = self.store.versions(record["owner"], record["name"])
        out["latest_version"] = self.version_json(versions[0]) if versions else None
        return out

    def file_json(self, record: JSON, origin: str) -> JSON:
        return {**record, "urls": {"get": f"{origin}/v1/files/{record['id']}"}}

    def paginate(self, request: Request, items: list[Any]) -> JSON:
        size = self.engine.settings.page_size
        offset = 0
        if "cursor" in request.query_params:
            kind, offset = decode_cursor(request.query_params["cursor"])
            if kind != "o" or offset < 0:
                raise Problem(400, "cursor: not a cursor for this list")
        end = offset + size
        return {
            "next": page_url(request, encode_cursor("o", end)) if end < len(items) else None,
            "previous": (
                page_url(request, encode_cursor("o", max(0, offset - size))) if offset > 0 else None
            ),
            "results": items[offset:end],
        }

    def paginate_predictions(self, request: Request, kind: str) -> JSON:
        params = request.query_params
        filters: dict[str, str] = {}
        for name in ("created_after", "created_before"):
            if name in params:
                try:
                    filters[name] = iso(parse_iso(params[name]))
                except ValueError:
                    raise invalid_field(name, "must be an ISO 8601 date-time") from None
        before = after = None
        if "cursor" in params:
            direction, seq = decode_cursor(params["cursor"])
            if direction == "b":
                before = seq
            elif direction == "a":
                after = seq
            else:
                raise Problem(400, "cursor: not a cursor for this list")
        rows, has_newer, has_older = self.store.page_predictions(
            kind, limit=self.engine.settings.page_size, before=before, after=after, **filters
        )
        origin = origin_of(request)
        results = []
        for _, rec in rows:
            live = self.engine.get(kind, rec["id"])
            results.append(self.prediction_json(live or rec, origin))
        return {
            "next": page_url(request, encode_cursor("b", rows[-1][0])) if has_older else None,
            "previous": page_url(request, encode_cursor("a", rows[0][0])) if has_newer else None,
            "results": results,
        }

    def require_model(self, owner: str, name: str) -> JSON:
        record = self.store.get_model(owner, name)
        if record is None:
            raise Problem(404, f"model {owner}/{name} not found")
        return record

    # account, hardware, secret

    async def account(self, request: Request) -> Response:
        return ok({"type": "user", "username": ACCOUNT_USERNAME, "name": "Local User"})

    async def hardware(self, request: Request) -> Response:
        return ok(HARDWARE)

    async def webhook_secret(self, request: Request) -> Response:
        return ok({"key": self.engine.webhook_secret})

    # predictions

    async def create_prediction(self, request: Request) -> Response:
        body = await json_body(request)
        reject_unknown(body, {"version", "input", "stream", "webhook", "webhook_events_filter"})
        version = body.get("version")
        if not isinstance(version, str) or not version:
            raise invalid_field("version", "is required and must be a string")
        model_ref, version_id = version.rpartition(":")[::2] if ":" in version else ("", version)
        if not model_ref and split_ref(version_id) is not None:
            # "owner/name" without a version: the model's latest version
            owner, name = version_id.split("/")
            return await self._create_for_model(request, body, owner, name)
        found = self.store.find_version(version_id)
        if found is None or (model_ref and model_ref != f"{found[0]}/{found[1]}"):
            raise invalid_field("version", f"version {version} does not exist")
        owner, name, record = found
        return await self._create(request, body, f"{owner}/{name}", record)

    async def create_model_prediction(self, request: Request) -> Response:
        body = await json_body(request)
        reject_unknown(body, {"input", "stream", "webhook", "webhook_events_filter"})
        p = request.path_params
        return await self._create_for_model(request, body, p["owner"], p["name"])

    async def _create_for_model(
        self, request: Request, body: JSON, owner: str, name: str
    ) -> Response:
        self.require_model(owner, name)
        versions = self.store.versions(owner, name)
        if not versions:
            raise Problem(404, f"model {owner}/{name} has no versions to run")
        return await self._create(request, body, f"{owner}/{name}", versions[0])

    async def create_deployment_prediction(self, request: Request) -> Response:
        body = await json_body(request)
        reject_unknown(body, {"input", "stream", "webhook", "webhook_events_filter"})
        owner, name = request.path_params["owner"], request.path_params["name"]
        deployment = self.store.get_deployment(owner, name)
        if deployment is None:
            raise Problem(404, f"deployment {owner}/{name} not found")
        release = deployment["current_release"]
        model_owner, model_name = release["model"].split("/")
        version = self.store.get_version(model_owner, model_name, release["version"])
        if version is None:
            raise Problem(404, f"the version of deployment {owner}/{name} no longer exists")
        return await self._create(
            request, body, release["model"], version, deployment=f"{owner}/{name}"
        )

    async def _create(
        self,
        request: Request,
        body: JSON,
        model_ref: str,
        version: JSON,
        *,
        deployment: str | None = None,
    ) -> Response:
        runner = version["_runner"]
        model = self.engine.model_for_runner(runner)
        if model is None:
            raise Problem(404, f"model {model_ref} cannot run on this server")
        inputs = body.get("input")
        if "input" not in body:
            raise invalid_field("input", "is required")
        try:
            run_inputs = validate_input(model.input_schema, inputs)
        except InputValidationError as exc:
            fields = [
                InvalidField(f.field if f.field == "input" else f"input.{f.field}", f.message)
                for f in exc.fields
            ]
            raise invalid(fields) from None
        webhook, events = self._webhook_options(body)
        stream = body.get("stream", False)
        if not isinstance(stream, bool):
            raise invalid_field("stream", "must be a boolean")
        wait = parse_prefer_wait(request.headers.get("prefer"))
        cancel_after = self._cancel_after(request)
        retry = self.engine.check_rate_limit()
        if retry is not None:
            raise Problem(
                429,
                "prediction creation rate limit reached",
                headers={"retry-after": f"{max(1, round(retry))}"},
            )
        rec = self.engine.create(
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
        body_out = self.prediction_json(rec, origin_of(request))
        if wait is not None:
            held = self.engine.faults.effective_wait(wait)
            if held > 0:
                rec = await self.engine.wait("prediction", rec["id"], held) or rec
                body_out = self.prediction_json(rec, origin_of(request))
            if body_out["status"] not in TERMINAL:
                # Replicate answers a sync-mode request that ran out of time with the prediction
                # as "starting"; the official client treats any other status as finished
                body_out["status"] = "starting"
        return ok(body_out, 201)

    def _webhook_options(self, body: JSON) -> tuple[str | None, list[str] | None]:
        webhook = body.get("webhook")
        if webhook is not None and (
            not isinstance(webhook, str) or not webhook.startswith(("http://", "https://"))
        ):
            raise invalid_field("webhook", "must be an http(s) URL")
        events = body.get("webhook_events_filter")
        if events is not None and (
            not isinstance(events, list) or any(e not in WEBHOOK_EVENTS for e in events)
        ):
            raise invalid_field(
                "webhook_events_filter", f"must be a list of {', '.join(WEBHOOK_EVENTS)}"
            )
        return webhook, events

    def _cancel_after(self, request: Request) -> float | None:
        header = request.headers.get("cancel-after")
        if header is None:
            return None
        try:
            seconds = parse_duration(header)
        except ValueError:
            raise invalid_field(
                "Cancel-After", "must be a duration such as 30, 30s, 5m or 1h30m"
            ) from None
        minimum = self.engine.settings.min_cancel_after
        if seconds < minimum:
            raise invalid_field("Cancel-After", f"must be at least {minimum:g} seconds")
        return seconds

    async def list_predictions(self, request: Request) -> Response:
        source = request.query_params.get("source")
        if source is not None and source != "web":
            raise invalid_field("source", "must be 'web'")
        if source == "web":
            # this server has no website: nothing was created from it
            return ok({"next": None, "previous": None, "results": []})
        return ok(self.paginate_predictions(request, "prediction"))

    async def get_prediction(self, request: Request) -> Response:
        return await self._get(request, "prediction")

    async def _get(self, request: Request, kind: str) -> Response:
        rec = self.engine.get(kind, request.path_params["id"])
        if rec is None:
            raise Problem(404, f"{kind} not found")
        return ok(self.prediction_json(rec, origin_of(request)))

    async def _cancel(self, request: Request, kind: str) -> Response:
        rid = request.path_params["id"]
        rec = self.engine.get(kind, rid)
        if rec is None:
            raise Problem(404, f"{kind} not found")
        if rec["status"] not in TERMINAL:
            rec = self.engine.cancel(rid) or rec
        return ok(self.prediction_json(rec, origin_of(request)))

    async def cancel_prediction(self, request: Request) -> Response:
        return await self._cancel(request, "prediction")

    async def get_training(self, request: Request) -> Response:
        return await self._get(request, "training")

    async def cancel_training(self, request: Request) -> Response:
        return await self._cancel(request, "training")

    async def list_trainings(self, request: Request) -> Response:
        return ok(self.paginate_predictions(request, "training"))

    async def create_training(self, request: Request) -> Response:
        p = request.path_params
        owner, name, version_id = p["owner"], p["name"], p["version"]
        self.require_model(owner, name)
        version = self.store.get_version(owner, name, version_id)
        if version is None:
            raise Problem(404, f"version {version_id} of {owner}/{name} not found")
        body = await json_body(request)
        reject_unknown(body, {"destination", "input", "webhook", "webhook_events_filter"})
        destination = body.get("destination")
        if not isinstance(destination, str) or split_ref(destination) is None:
            raise invalid_field("destination", "is required and must look like owner/name")
        if self.store.get_model(*destination.split("/")) is None:
            raise invalid_field("destination", f"model {destination} does not exist")
        inputs = body.get("input")
        if not isinstance(inputs, dict):
            raise invalid_field("input", "is required and must be an object")
        webhook, events = self._webhook_options(body)
        rec = self.engine.create(
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
        return ok(self.prediction_json(rec, origin_of(request)), 201)

    # models

    async def list_models(self, request: Request) -> Response:
        sort_by = request.query_params.get("sort_by", "latest_version_created_at")
        direction = request.query_params.get("sort_direction", "desc")
        if sort_by not in ("model_created_at", "latest_version_created_at"):
            raise invalid_field("sort_by", "must be model_created_at or latest_version_created_at")
        if direction not in ("asc", "desc"):
            raise invalid_field("sort_direction", "must be asc or desc")
        origin = origin_of(request)
        models = [self.model_json(m, origin) for m in self.store.list_models()]

        def key(model: JSON) -> str:
            if sort_by == "latest_version_created_at" and model["latest_version"]:
                return str(model["latest_version"]["created_at"])
            record = self.store.get_model(model["owner"], model["name"]) or {}
            return str(record.get("_created_at", ""))

        models.sort(key=key, reverse=direction == "desc")
        return ok(self.paginate(request, models))

    async def search_models(self, request: Request) -> Response:
        query = (await request.body()).decode("utf-8", "replace").strip()
        if not query:
            raise Problem(400, "the request body must be the search text")
        origin = origin_of(request)
        found = [self.model_json(m, origin) for m in self._matching_models(query)]
        return ok(self.paginate(request, found))

    def _matching_models(self, query: str) -> list[JSON]:
        words = query.lower().split()
        result = []
        for model in self.store.list_models():
            text = f"{model['owner']}/{model['name']} {model.get('description') or ''}".lower()
            if all(word in text for word in words):
                result.append(model)
        return result

    async def create_model(self, request: Request) -> Response:
        body = await json_body(request)
        reject_unknown(
            body,
            {
                "owner",
                "name",
                "description",
                "visibility",
                "hardware",
                "github_url",
                "paper_url",
                "license_url",
                "cover_image_url",
            },
        )
        missing = [f for f in ("owner", "name", "visibility", "hardware") if f not in body]
        if missing:
            raise invalid(
                [InvalidField(f, "is required") for f in missing], title="Invalid request"
            )
        for field in body:
            if body[field] is not None and not isinstance(body[field], str):
                raise invalid_field(field, "must be a string")
        if body["visibility"] not in ("public", "private"):
            raise invalid_field("visibility", "must be public or private")
        if body["hardware"] not in {h["sku"] for h in HARDWARE}:
            raise invalid_field("hardware", "is not a hardware SKU listed by GET /v1/hardware")
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", body["name"]):
            raise invalid_field("name", "may contain lowercase letters, digits, '.', '_' and '-'")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", body["owner"]):
            raise invalid_field("owner", "may contain letters, digits, '.', '_' and '-'")
        owner, name = body["owner"], body["name"]
        if self.store.get_model(owner, name) is not None:
            raise Problem(409, f"model {owner}/{name} already exists")
        fields = {k: v for k, v in body.items() if k not in ("owner", "name", "hardware")}
        record = new_model_record(owner, name, _hardware=body["hardware"], **fields)
        self.store.upsert_model(record)
        return ok(self.model_json(record, origin_of(request)), 201)

    async def get_model(self, request: Request) -> Response:
        record = self.require_model(request.path_params["owner"], request.path_params["name"])
        return ok(self.model_json(record, origin_of(request)))

    async def update_model(self, request: Request) -> Response:
        record = self.require_model(request.path_params["owner"], request.path_params["name"])
        body = await json_body(request, required=False)
        allowed = {"description", "readme", "github_url", "paper_url", "weights_url", "license_url"}
        reject_unknown(body, allowed)
        for field, value in body.items():
            if not isinstance(value, str):
                raise invalid_field(field, "must be a string")
            record["_readme" if field == "readme" else field] = value
        self.store.upsert_model(record)
        return ok(self.model_json(record, origin_of(request)))

    async def delete_model(self, request: Request) -> Response:
        owner, name = request.path_params["owner"], request.path_params["name"]
        self.require_model(owner, name)
        if self.store.versions(owner, name):
            raise Problem(409, f"delete the versions of {owner}/{name} before the model")
        self.store.delete_model(owner, name)
        return Response(status_code=204)

    async def model_readme(self, request: Request) -> Response:
        record = self.require_model(request.path_params["owner"], request.path_params["name"])
        readme = record.get("_readme") or ""
        if not readme:
            raise Problem(404, "this model has no README")
        return PlainTextResponse(readme, media_type="text/plain; charset=utf-8")

    async def model_examples(self, request: Request) -> Response:
        self.require_model(request.path_params["owner"], request.path_params["name"])
        # the local server keeps no curated example predictions
        return ok(self.paginate(request, []))

    async def list_versions(self, request: Request) -> Response:
        owner, name = request.path_params["owner"], request.path_params["name"]
        self.require_model(owner, name)
        versions = [self.version_json(v) for v in self.store.versions(owner, name)]
        return ok(self.paginate(request, versions))

    async def get_version(self, request: Request) -> Response:
        p = request.path_params
        self.require_model(p["owner"], p["name"])
        version = self.store.get_version(p["owner"], p["name"], p["version"])
        if version is None:
            raise Problem(404, f"version {p['version']} not found")
        return ok(self.version_json(version))

    async def delete_version(self, request: Request) -> Response:
        p = request.path_params
        self.require_model(p["owner"], p["name"])
        if self.store.get_version(p["owner"], p["name"], p["version"]) is None:
            raise Problem(404, f"version {p['version']} not found")
        for deployment in self.store.list_deployments():
            if deployment["current_release"]["version"] == p["version"]:
                raise Problem(409, "a deployment uses this version")
        self.store.delete_version(p["owner"], p["name"], p["version"])
        return Response(status_code=202)

    # deployments

    def _release(self, number: int, model: str, version: str, config: JSON) -> JSON:
        return {
            "number": number,
            "model": model,
            "version": version,
            "created_at": iso(now()),
            "created_by": {"type": "user", "username": ACCOUNT_USERNAME, "name": "Local User"},
            "configuration": config,
        }

    def _check_config(self, body: JSON, config: JSON) -> JSON:
        config = dict(config)
        if "hardware" in body:
            if body["hardware"] not in {h["sku"] for h in HARDWARE}:
                raise invalid_field("hardware", "is not a hardware SKU listed by GET /v1/hardware")
            config["hardware"] = body["hardware"]
        for field, top in (("min_instances", 5), ("max_instances", 20)):
            if field in body:
                value = body[field]
                if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
                    raise invalid_field(field, f"must be an integer from 0 to {top}")
                config[field] = value
        if config.get("min_instances", 0) > config.get("max_instances", 0):
            raise invalid_field("min_instances", "must not exceed max_instances")
        return config

    def _check_version(self, model: str, version: Any) -> None:
        ref = split_ref(model)
        if ref is None or self.store.get_model(*ref) is None:
            raise invalid_field("model", f"model {model} does not exist")
        if not isinstance(version, str) or self.store.get_version(*ref, version) is None:
            raise invalid_field("version", f"version {version} of {model} does not exist")

    async def create_deployment(self, request: Request) -> Response:
        body = await json_body(request)
        fields = ["name", "model", "version", "hardware", "min_instances", "max_instances"]
        reject_unknown(body, set(fields))
        missing = [f for f in fields if f not in body]
        if missing:
            raise invalid(
                [InvalidField(f, "is required") for f in missing], title="Invalid request"
            )
        name = body["name"]
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
            raise invalid_field("name", "may contain lowercase letters, digits, '.', '_' and '-'")
        if not isinstance(body["model"], str):
            raise invalid_field("model", "must be a string")
        self._check_version(body["model"], body["version"])
        config = self._check_config(body, {})
        if self.store.get_deployment(ACCOUNT_USERNAME, name) is not None:
            raise Problem(409, f"deployment {ACCOUNT_USERNAME}/{name} already exists")
        record = {
            "owner": ACCOUNT_USERNAME,
            "name": name,
            "current_release": self._release(1, body["model"], body["version"], config),
        }
        self.store.save_deployment(record)
        return ok(record)  # Replicate answers 200 here, not 201

    def _deployment(self, request: Request) -> JSON:
        owner, name = request.path_params["owner"], request.path_params["name"]
        record = self.store.get_deployment(owner, name)
        if record is None:
            raise Problem(404, f"deployment {owner}/{name} not found")
        return record

    async def list_deployments(self, request: Request) -> Response:
        return ok(self.paginate(request, self.store.list_deployments()))

    async def get_deployment(self, request: Request) -> Response:
        return ok(self._deployment(request))

    async def update_deployment(self, request: Request) -> Response:
        record = self._deployment(request)
        body = await json_body(request, required=False)
        reject_unknown(body, {"version", "hardware", "min_instances", "max_instances"})
        release = record["current_release"]
        if "version" in body:
            self._check_version(release["model"], body["version"])
        config = self._check_config(body, release["configuration"])
        record["current_release"] = self._release(
            release["number"] + 1, release["model"], body.get("version", release["version"]), config
        )
        self.store.save_deployment(record)
        return ok(record)

    async def delete_deployment(self, request: Request) -> Response:
        record = self._deployment(request)
        self.store.delete_deployment(record["owner"], record["name"])
        return Response(status_code=204)

    # collections and search

    def _collections(self) -> list[JSON]:
        models = self.store.list_models()
        demo = [m for m in models if m["owner"] == "demo"]
        served = {ref for ref in self.engine.models if not ref.startswith("demo/")}
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

    async def list_collections(self, request: Request) -> Response:
        items = [
            {"name": c["name"], "slug": c["slug"], "description": c["description"]}
            for c in self._collections()
        ]
        return ok(self.paginate(request, items))

    async def get_collection(self, request: Request) -> Response:
        origin = origin_of(request)
        for c in self._collections():
            if c["slug"] == request.path_params["slug"]:
                body = {k: v for k, v in c.items() if not k.startswith("_")}
                body["models"] = [self.model_json(m, origin) for m in c["_models"]]
                return ok(body)
        raise Problem(404, f"collection {request.path_params['slug']} not found")

    async def search(self, request: Request) -> Response:
        query = request.query_params.get("query", "").strip()
        # Replicate's search answers its errors as application/json, not problem+json
        if not query:
            raise Problem(400, "query: a search text is required", media_type="application/json")
        try:
            limit = int(request.query_params.get("limit", "20"))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 50:
            raise Problem(
                400, "limit: must be an integer from 1 to 50", media_type="application/json"
            )
        origin = origin_of(request)
        words = query.lower().split()
        models = [
            {
                "model": self.model_json(m, origin),
                "metadata": {
                    "generated_description": m.get("description"),
                    "tags": [m["owner"]],
                    "score": 1.0,
                },
            }
            for m in self._matching_models(query)[:limit]
        ]
        collections = [
            {
                "name": c["name"],
                "slug": c["slug"],
                "description": c["description"],
                "models": [f"{m['owner']}/{m['name']}" for m in c["_models"]],
            }
            for c in self._collections()
            if all(w in f"{c['name']} {c['slug']} {c['description']}".lower() for w in words)
        ]
        return ok({"query": query, "models": models, "collections": collections, "pages": []})

    # files

    async def create_file(self, request: Request) -> Response:
        from .uploads import receive_upload

        limit = self.engine.settings.max_upload_bytes
        upload = await receive_upload(request, self.engine, limit)
        record = self.engine.register_file(
            upload.file_id,
            upload.path,
            size=upload.size,
            sha256=upload.sha256,
            etag=upload.etag,
            content_type=upload.content_type,
            filename=upload.filename,
            metadata=upload.metadata,
        )
        return ok(self.file_json(record, origin_of(request)), 201)

    async def list_files(self, request: Request) -> Response:
        origin = origin_of(request)
        files = [self.file_json(f, origin) for f in self.store.list_files()]
        return ok(self.paginate(request, files))

    async def get_file(self, request: Request) -> Response:
        found = self.store.get_file(request.path_params["id"])
        if found is None:
            raise Problem(404, "file not found")
        return ok(self.file_json(found[0], origin_of(request)))

    async def delete_file(self, request: Request) -> Response:
        if not self.engine.delete_file(request.path_params["id"]):
            raise Problem(404, "file not found")
        return Response(status_code=204)

    async def download_file(self, request: Request) -> Response:
        file_id = request.path_params["id"]
        if not request.scope.get(AUTH_SCOPE_KEY):
            params = request.query_params
            try:
                expiry = int(params.get("expiry", ""))
            except ValueError:
                raise Problem(401, "a bearer token or a valid signed URL is required") from None
            expected = self.engine.file_signature(file_id, params.get("owner", ""), expiry)
            signature = params.get("signature", "")
            if not hmac.compare_digest(expected, signature) or expiry < time.time():
                raise Problem(401, "a bearer token or a valid signed URL is required")
        found = self.store.get_file(file_id)
        if found is None or not found[1].exists():
            raise Problem(404, "file not found")
        record, path = found
        # FileResponse streams from disk in chunks; the file is never read whole
        return FileResponse(
            path, media_type=record["content_type"], filename=record.get("name") or file_id
        )

    # web page

    async def web_page(self, request: Request) -> Response:
        rid = request.path_params["id"]
        rec = self.engine.get("prediction", rid) or self.engine.get("training", rid)
        if rec is None:
            raise Problem(404, "prediction not found")
        data = self.prediction_json(rec, origin_of(request))
        text = html.escape(json.dumps(data, indent=2))
        return HTMLResponse(
            f"<!doctype html><title>{html.escape(rid)}</title>"
            f"<h1>{html.escape(rec['model'])}: {html.escape(rec['status'])}</h1><pre>{text}</pre>"
        )

    async def model_page(self, request: Request) -> Response:
        owner, name = request.path_params["owner"], request.path_params["name"]
        record = self.store.get_model(owner, name)
        if record is None or owner in ("v1", "_admin", "p"):
            raise Problem(404, f"no such endpoint: {request.method} {request.url.path}")
        readme = record.get("_readme") or record.get("description") or ""
        return HTMLResponse(
            f"<!doctype html><title>{html.escape(owner)}/{html.escape(name)}</title>"
            f"<h1>{html.escape(owner)}/{html.escape(name)}</h1><pre>{html.escape(readme)}</pre>"
        )

    async def index(self, request: Request) -> Response:
        origin = origin_of(request)
        return ok(
            {
                "server": "replicate-ext local server",
                "base_url": f"{origin}/v1",
                "models": sorted(self.engine.models),
            }
        )

    # admin

    async def admin_faults(self, request: Request) -> Response:
        faults = self.engine.faults
        if request.method == "POST":
            body = await json_body(request)
            try:
                fault = Fault.from_json(body)
            except (TypeError, ValueError) as exc:
                raise Problem(422, f"invalid fault: {exc}") from None
            faults.add(fault)
            return ok(fault.to_json(), 201)
        if request.method == "DELETE":
            faults.clear()
            return Response(status_code=204)
        return ok({"faults": faults.pending(), "wait_cap": faults.wait_cap})

    async def admin_wait_cap(self, request: Request) -> Response:
        body = await json_body(request)
        reject_unknown(body, {"seconds"})
        seconds = body.get("seconds")
        if seconds is not None and (
            not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0
        ):
            raise invalid_field("seconds", "must be null or a number >= 0")
        self.engine.faults.wait_cap = None if seconds is None else float(seconds)
        return ok({"wait_cap": self.engine.faults.wait_cap})

    async def admin_webhooks(self, request: Request) -> Response:
        return ok({"deliveries": self.engine.webhook_deliveries})


class EventStream:
    """``GET /v1/predictions/{id}/stream``: the prediction's events as text/event-stream,
    resuming after ``Last-Event-ID``. A raw ASGI app so that fault injection can cut the
    connection mid-stream."""

    heartbeat = 5.0  # a comment line this often keeps idle streams under clients' read timeouts

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        engine = self.engine
        rid = scope["path_params"]["id"]
        if engine.get("prediction", rid) is None:
            await Problem(404, "prediction not found").response()(scope, receive, send)
            return
        request = Request(scope)
        origin = origin_of(request)
        file_url = engine.file_url_builder(origin)
        last = -1
        last_id = request.headers.get("last-event-id")
        if last_id:
            try:
                last = int(last_id.rsplit(":", 1)[-1])
            except ValueError:
                last = -1
        cut = engine.faults.take("GET", scope["path"], ("cut_stream",))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-cache"),
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        disconnected = asyncio.ensure_future(_wait_disconnect(receive))
        sent = 0
        try:
            while True:
                for seq, event, data in engine.store.events_after(rid, last):
                    data = _FILE_REF.sub(lambda m: file_url(m.group(1)), data)
                    await send(
                        {
                            "type": "http.response.body",
                            "body": format_sse(seq, event, data),
                            "more_body": True,
                        }
                    )
                    last = seq
                    sent += 1
                    if cut is not None and sent >= cut.after_events:
                        transport = scope.get(TRANSPORT_SCOPE_KEY)
                        if transport is not None:
                            transport.close()
                            await asyncio.sleep(0)  # uvicorn notes the disconnect first
                        return
                    if event == "done":
                        await send({"type": "http.response.body", "body": b"", "more_body": False})
                        return
                rec = engine.get("prediction", rid)
                if rec is None or (
                    rec["status"] in TERMINAL and not engine.store.events_after(rid, last)
                ):
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
                change = asyncio.ensure_future(engine.wait_change(rid, self.heartbeat))
                done, _ = await asyncio.wait(
                    {change, disconnected}, return_when=asyncio.FIRST_COMPLETED
                )
                if disconnected in done:
                    change.cancel()
                    return
                if not engine.store.events_after(rid, last):
                    rec = engine.get("prediction", rid)
                    if rec is not None and rec["status"] not in TERMINAL:
                        await send(
                            {"type": "http.response.body", "body": b": ping\n\n", "more_body": True}
                        )
        finally:
            disconnected.cancel()


async def _wait_disconnect(receive: Receive) -> None:
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return


def format_sse(seq: int, event: str, data: str) -> bytes:
    lines = [f"event: {event}", f"id: {seq}"]
    lines += [f"data: {line}" for line in data.split("\n")]
    return ("\n".join(lines) + "\n\n").encode()


def create_app(engine: Engine) -> ASGIApp:
    """The whole server as one ASGI app (engine startup/shutdown run in its lifespan)."""
    api = Api(engine)

    async def problem_handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return exc.response()

    async def http_handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404:
            detail = f"no such endpoint: {request.method} {request.url.path}"
        return Problem(exc.status_code, detail, headers=dict(exc.headers or {})).response()

    async def crash_handler(request: Request, exc: Exception) -> Response:
        return Problem(500, f"{type(exc).__name__}: {exc}").response()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.startup()
        try:
            yield
        finally:
            await engine.shutdown()

    def route(
        path: str, endpoint: Callable[[Request], Awaitable[Response]], *methods: str
    ) -> Route:
        return Route(path, endpoint, methods=list(methods))

    m = "/v1/models/{owner}/{name}"
    routes = [
        route("/", api.index, "GET"),
        route("/p/{id}", api.web_page, "GET"),
        route("/v1/account", api.account, "GET"),
        route("/v1/hardware", api.hardware, "GET"),
        route("/v1/webhooks/default/secret", api.webhook_secret, "GET"),
        route("/v1/collections", api.list_collections, "GET"),
        route("/v1/collections/{slug}", api.get_collection, "GET"),
        route("/v1/search", api.search, "GET"),
        route("/v1/predictions", api.list_predictions, "GET"),
        route("/v1/predictions", api.create_prediction, "POST"),
        route("/v1/predictions/{id}", api.get_prediction, "GET"),
        route("/v1/predictions/{id}/cancel", api.cancel_prediction, "POST"),
        Route("/v1/predictions/{id}/stream", EventStream(engine), methods=["GET"]),
        route("/v1/trainings", api.list_trainings, "GET"),
        route("/v1/trainings/{id}", api.get_training, "GET"),
        route("/v1/trainings/{id}/cancel", api.cancel_training, "POST"),
        route("/v1/models", api.list_models, "GET"),
        route("/v1/models", api.create_model, "POST"),
        route("/v1/models", api.search_models, "QUERY"),
        route(m, api.get_model, "GET"),
        route(m, api.update_model, "PATCH"),
        route(m, api.delete_model, "DELETE"),
        route(f"{m}/readme", api.model_readme, "GET"),
        route(f"{m}/examples", api.model_examples, "GET"),
        route(f"{m}/predictions", api.create_model_prediction, "POST"),
        route(f"{m}/versions", api.list_versions, "GET"),
        route(f"{m}/versions/{{version}}", api.get_version, "GET"),
        route(f"{m}/versions/{{version}}", api.delete_version, "DELETE"),
        route(f"{m}/versions/{{version}}/trainings", api.create_training, "POST"),
        route("/v1/deployments", api.list_deployments, "GET"),
        route("/v1/deployments", api.create_deployment, "POST"),
        route("/v1/deployments/{owner}/{name}", api.get_deployment, "GET"),
        route("/v1/deployments/{owner}/{name}", api.update_deployment, "PATCH"),
        route("/v1/deployments/{owner}/{name}", api.delete_deployment, "DELETE"),
        route(
            "/v1/deployments/{owner}/{name}/predictions", api.create_deployment_prediction, "POST"
        ),
        route("/v1/files", api.list_files, "GET"),
        route("/v1/files", api.create_file, "POST"),
        route("/v1/files/{id}", api.get_file, "GET"),
        route("/v1/files/{id}", api.delete_file, "DELETE"),
        route("/v1/files/{id}/download", api.download_file, "GET"),
        route("/_admin/faults", api.admin_faults, "GET", "POST", "DELETE"),
        route("/_admin/wait-cap", api.admin_wait_cap, "PUT"),
        route("/_admin/webhooks", api.admin_webhooks, "GET"),
        # the web page a model's "url" points at; last, so it never shadows an API path
        route("/{owner}/{name}", api.model_page, "GET"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            Problem: problem_handler,
            HTTPException: http_handler,
            Exception: crash_handler,
        },
    )
    return Gate(app, engine.faults, engine.settings.token)

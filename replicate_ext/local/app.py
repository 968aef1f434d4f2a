"""The ASGI application of the local server, and its route table: Replicate's HTTP API under
``/v1``, an admin API for fault injection under ``/_admin``, and a page per prediction and
per model.

Each route's handler lives in the module of its resource (``routes/``); the gate (faults, auth),
problem+json errors, the SSE stream and the pages have a module each. Absolute URLs in
responses use the scheme and host of the incoming request, so the server works behind any
address it is reached by.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from . import pages
from .engine import Engine
from .gate import Gate
from .problems import Problem, on_client_disconnect, on_crash, on_http_exception, on_problem
from .routes import (
    account,
    admin,
    collections,
    deployments,
    files,
    hardware,
    models,
    predictions,
    search,
    trainings,
    webhooks,
)
from .sse import EventStream

Endpoint = Callable[[Request], Awaitable[Response]]


def route(path: str, endpoint: Endpoint, *methods: str) -> Route:
    return Route(path, endpoint, methods=list(methods))


def create_app(engine: Engine) -> ASGIApp:
    """The whole server as one ASGI app (engine startup/shutdown run in its lifespan)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.startup()
        try:
            yield
        finally:
            await engine.shutdown()

    m = "/v1/models/{owner}/{name}"
    v = f"{m}/versions/{{version}}"
    d = "/v1/deployments/{owner}/{name}"
    routes = [
        route("/", pages.index, "GET"),
        route("/p/{id}", pages.prediction_page, "GET"),
        route("/v1/account", account.get, "GET"),
        route("/v1/hardware", hardware.list_all, "GET"),
        route("/v1/webhooks/default/secret", webhooks.default_secret, "GET"),
        route("/v1/collections", collections.list_all, "GET"),
        route("/v1/collections/{slug}", collections.get, "GET"),
        route("/v1/search", search.search, "GET"),
        route("/v1/predictions", predictions.list_all, "GET"),
        route("/v1/predictions", predictions.create, "POST"),
        route("/v1/predictions/{id}", predictions.get, "GET"),
        route("/v1/predictions/{id}/cancel", predictions.cancel, "POST"),
        Route("/v1/predictions/{id}/stream", EventStream(engine), methods=["GET"]),
        route("/v1/trainings", trainings.list_all, "GET"),
        route("/v1/trainings/{id}", trainings.get, "GET"),
        route("/v1/trainings/{id}/cancel", trainings.cancel, "POST"),
        route("/v1/models", models.list_all, "GET"),
        route("/v1/models", models.create, "POST"),
        route("/v1/models", search.search_models, "QUERY"),
        route(m, models.get, "GET"),
        route(m, models.update, "PATCH"),
        route(m, models.delete, "DELETE"),
        route(f"{m}/readme", models.readme, "GET"),
        route(f"{m}/examples", models.examples, "GET"),
        route(f"{m}/predictions", predictions.create_for_model, "POST"),
        route(f"{m}/versions", models.list_versions, "GET"),
        route(v, models.get_version, "GET"),
        route(v, models.delete_version, "DELETE"),
        route(f"{v}/trainings", trainings.create, "POST"),
        route("/v1/deployments", deployments.list_all, "GET"),
        route("/v1/deployments", deployments.create, "POST"),
        route(d, deployments.get, "GET"),
        route(d, deployments.update, "PATCH"),
        route(d, deployments.delete, "DELETE"),
        route(f"{d}/predictions", deployments.create_prediction, "POST"),
        route("/v1/files", files.list_all, "GET"),
        route("/v1/files", files.create, "POST"),
        route("/v1/files/{id}", files.get, "GET"),
        route("/v1/files/{id}", files.delete, "DELETE"),
        route("/v1/files/{id}/download", files.download, "GET"),
        route("/_admin/faults", admin.faults, "GET", "POST", "DELETE"),
        route("/_admin/wait-cap", admin.wait_cap, "PUT"),
        route("/_admin/webhooks", admin.webhook_deliveries, "GET"),
        route("/_admin/requests", admin.request_counts, "GET", "DELETE"),
        # the web page a model's "url" points at; last, so it never shadows an API path
        route("/{owner}/{name}", pages.model_page, "GET"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            Problem: on_problem,
            HTTPException: on_http_exception,
            ClientDisconnect: on_client_disconnect,
            Exception: on_crash,
        },
    )
    app.state.engine = engine
    return Gate(
        app,
        engine.faults,
        engine.settings.token,
        engine.settings.max_body_bytes,
        engine.requests,
    )

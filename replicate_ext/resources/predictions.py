"""``client.predictions``: create (by version, official model or deployment), get, list, cancel,
wait."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, Unpack, cast

from replicate_api.api.deployments import predictions_create as _deployment_create
from replicate_api.api.models import predictions_create as _model_create
from replicate_api.api.predictions import cancel as _cancel
from replicate_api.api.predictions import create as _version_create
from replicate_api.api.predictions import get as _get
from replicate_api.api.predictions import list as _list
from replicate_api.models.prediction_request import PredictionRequest
from replicate_api.models.version_prediction_request import VersionPredictionRequest

from .._async.api_client import AsyncAPIClient
from .._config import timeout_for_prefer_wait
from .._deadline import Deadline
from .._options import RequestOptions
from .._refs import (
    DeploymentLike,
    DeploymentRef,
    ModelLike,
    ModelRef,
    VersionLike,
    VersionRef,
    id_of,
    parse_deployment,
    parse_ref,
    parse_version,
)
from .._sync.api_client import SyncAPIClient
from .._wait import prefer_header, prefer_wait_seconds
from ..types import Prediction
from ._base import checked_run_fields, optional, within_deadline

__all__ = [
    "CreateFields",
    "CreateOptions",
    "build_create_request",
    "cancel_request",
    "get_request",
    "list_request",
    "parse_prediction",
    "prefer_seconds",
    "sendable_create",
    "split_create_options",
]


def parse_prediction(data: Mapping[str, Any]) -> Prediction:
    return Prediction.from_dict(data)


class CreateFields(TypedDict, total=False):
    """What a prediction create takes besides its target, ``input`` and ``wait``: declared
    once for ``predictions.create``, ``deployments.predictions.create`` and the request
    builder."""

    webhook: str | None
    """A URL the API POSTs the prediction to as it progresses."""
    webhook_events_filter: Sequence[str] | None
    """Which events reach the webhook: ``start``, ``output``, ``logs``, ``completed``."""
    stream: bool | None
    """Ask for an output stream URL (what ``stream()`` follows)."""
    cancel_after: str | None
    """Have the API cancel the prediction after this long (e.g. ``"5m"``)."""


class CreateOptions(CreateFields, RequestOptions, total=False):
    """A create's keywords: its fields, then the per-call request options."""


_FIELD_NAMES = frozenset(CreateFields.__annotations__)


def split_create_options(options: CreateOptions) -> tuple[CreateFields, RequestOptions]:
    """``(fields for the request builder, per-call request options)``; unknown keywords are
    left with the request options, which refuse them."""
    fields: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in options.items():
        (fields if key in _FIELD_NAMES else rest)[key] = value
    return cast(CreateFields, fields), cast(RequestOptions, rest)


def build_create_request(
    *,
    version: VersionLike | None = None,
    model: ModelLike | None = None,
    deployment: DeploymentLike | None = None,
    input: Mapping[str, Any],
    prefer_wait: int | None = None,
    **fields: Unpack[CreateFields],
) -> dict[str, Any]:
    """Route a create to the right endpoint and build its request (no I/O).

    Exactly one of ``version`` (any version id, ``owner/name:version`` or a Version),
    ``model`` (``owner/name`` or a Model → official-model route, or ``owner/name:version``) or
    ``deployment`` (``owner/name`` or a Deployment). Raises ValueError/TypeError for bad
    arguments.
    """
    given = [name for name, value in (("version", version), ("model", model),
             ("deployment", deployment)) if value is not None]  # fmt: skip
    if len(given) != 1:
        raise ValueError(
            "pass exactly one of version=, model= or deployment="
            + (f" (got {', '.join(given)})" if given else "")
        )
    body_input, events = checked_run_fields(input, fields.get("webhook_events_filter"))
    body: dict[str, Any] = {
        "input_": body_input,
        "stream": optional(fields.get("stream")),
        "webhook": optional(fields.get("webhook")),
        "webhook_events_filter": events,
    }
    headers: dict[str, Any] = {
        "prefer": optional(prefer_header(prefer_wait) if prefer_wait is not None else None),
        "cancel_after": optional(fields.get("cancel_after")),
    }
    if version is not None:
        target: ModelRef | VersionRef | DeploymentRef = parse_version(version)
    elif model is not None:
        target = parse_ref(model)
    else:
        assert deployment is not None  # exactly one of the three was given
        target = parse_deployment(deployment)
    if isinstance(target, VersionRef):
        versioned = VersionPredictionRequest(version=target.id, **body)
        request: dict[str, Any] = _version_create.build_request(body=versioned, **headers)
        return request
    # The official-model and deployment routes take the same body.
    build = (
        _deployment_create.build_request
        if isinstance(target, DeploymentRef)
        else _model_create.build_request
    )
    request = build(target.owner, target.name, body=PredictionRequest(**body), **headers)
    return request


def list_request(
    created_after: _dt.datetime | None, created_before: _dt.datetime | None, source: str | None
) -> dict[str, Any]:
    return _list.build_request(
        created_after=optional(created_after),
        created_before=optional(created_before),
        source=optional(source),
    )


def prefer_seconds(wait: bool | int | None) -> int | None:
    return None if wait is None else prefer_wait_seconds(wait, None)


def _id(prediction: str | Prediction) -> str:
    return id_of(prediction, Prediction, "prediction id")


def get_request(prediction_id: str | Prediction, deadline: Deadline | None) -> dict[str, Any]:
    return within_deadline(_get.build_request(_id(prediction_id)), deadline)


def cancel_request(prediction_id: str | Prediction, deadline: Deadline | None) -> dict[str, Any]:
    return within_deadline(_cancel.build_request(_id(prediction_id)), deadline, idempotent=True)


def sendable_create(
    request: dict[str, Any],
    prefer_wait: int | None,
    client: SyncAPIClient | AsyncAPIClient,
    deadline: Deadline | None,
) -> dict[str, Any]:
    """A create's request with the read timeout a ``Prefer: wait`` window needs (the
    deadline, when there is one, still cuts it)."""
    if prefer_wait is not None:
        request["timeout"] = timeout_for_prefer_wait(client.timeout, prefer_wait)
    request["deadline"] = deadline
    return request

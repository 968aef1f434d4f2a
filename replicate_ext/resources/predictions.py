"""``client.predictions``: create (by version, official model or deployment), get, list, cancel,
wait."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

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
    "build_create_request",
    "cancel_request",
    "get_request",
    "list_request",
    "parse_prediction",
    "prefer_seconds",
    "sendable_create",
]


def parse_prediction(data: Mapping[str, Any]) -> Prediction:
    return Prediction.from_dict(data)


def build_create_request(
    *,
    version: VersionLike | None = None,
    model: ModelLike | None = None,
    deployment: DeploymentLike | None = None,
    input: Mapping[str, Any],
    webhook: str | None = None,
    webhook_events_filter: Sequence[str] | None = None,
    stream: bool | None = None,
    prefer_wait: int | None = None,
    cancel_after: str | None = None,
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
    body_input, events = checked_run_fields(input, webhook_events_filter)
    prefer = optional(prefer_header(prefer_wait) if prefer_wait is not None else None)
    cancel = optional(cancel_after)

    if version is not None:
        target: ModelRef | VersionRef | DeploymentRef = parse_version(version)
    elif model is not None:
        target = parse_ref(model)
    else:
        assert deployment is not None  # exactly one of the three was given
        target = parse_deployment(deployment)
    if isinstance(target, VersionRef):
        return _version_create.build_request(
            body=VersionPredictionRequest(
                input_=body_input,
                version=target.id,
                stream=optional(stream),
                webhook=optional(webhook),
                webhook_events_filter=events,
            ),
            prefer=prefer,
            cancel_after=cancel,
        )
    # The official-model and deployment routes take the same body.
    build = (
        _deployment_create.build_request
        if isinstance(target, DeploymentRef)
        else _model_create.build_request
    )
    request: dict[str, Any] = build(
        target.owner,
        target.name,
        body=PredictionRequest(
            input_=body_input,
            stream=optional(stream),
            webhook=optional(webhook),
            webhook_events_filter=events,
        ),
        prefer=prefer,
        cancel_after=cancel,
    )
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

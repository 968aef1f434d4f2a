"""``client.predictions``: create (by version, official model or deployment), get, list, cancel,
wait."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Unpack

from replicate_api.api.deployments import predictions_create as _deployment_create
from replicate_api.api.models import predictions_create as _model_create
from replicate_api.api.predictions import cancel as _cancel
from replicate_api.api.predictions import create as _version_create
from replicate_api.api.predictions import get as _get
from replicate_api.api.predictions import list as _list
from replicate_api.models.model_input import ModelInput
from replicate_api.models.prediction_request import PredictionRequest
from replicate_api.models.version_prediction_request import VersionPredictionRequest

from .._async.api_client import AsyncAPIClient
from .._config import timeout_for_prefer_wait
from .._deadline import Deadline
from .._errors import decode_json
from .._options import RequestOptions
from .._pagination import AsyncPage, Page
from .._refs import (
    DeploymentLike,
    ModelLike,
    ModelRef,
    VersionLike,
    id_of,
    parse_deployment,
    parse_ref,
    parse_version,
)
from .._sync.api_client import SyncAPIClient
from .._wait import DEFAULT_PREDICTION_TIMEOUT, prefer_header, prefer_wait_seconds
from ..types import Prediction
from ._base import (
    AsyncResource,
    SyncResource,
    as_dict,
    optional,
    wait_async,
    wait_sync,
    with_options,
)

__all__ = ["AsyncPredictions", "Predictions", "build_create_request"]


def _parse(data: Mapping[str, Any]) -> Prediction:
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
    if not isinstance(input, Mapping):
        raise TypeError(f"input must be a mapping of input names to values, got {input!r}")
    if webhook_events_filter is not None and isinstance(webhook_events_filter, str):
        raise TypeError("webhook_events_filter must be a list of event names, not a string")
    events: Any = optional(list(webhook_events_filter) if webhook_events_filter else None)
    prefer = optional(prefer_header(prefer_wait) if prefer_wait is not None else None)
    cancel = optional(cancel_after)
    body_input = ModelInput.from_dict(input)

    if deployment is not None:
        ref = parse_deployment(deployment)
        return _deployment_create.build_request(
            ref.owner,
            ref.name,
            body=PredictionRequest(
                input_=body_input,
                stream=optional(stream),
                webhook=optional(webhook),
                webhook_events_filter=events,
            ),
            prefer=prefer,
            cancel_after=cancel,
        )
    if version is not None:
        target = parse_version(version)
    else:
        assert model is not None  # exactly one of the three was given
        target = parse_ref(model)
    if isinstance(target, ModelRef):
        return _model_create.build_request(
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


def _list_request(
    created_after: _dt.datetime | None, created_before: _dt.datetime | None, source: str | None
) -> dict[str, Any]:
    return _list.build_request(
        created_after=optional(created_after),
        created_before=optional(created_before),
        source=optional(source),
    )


def _prefer_seconds(wait: bool | int | None) -> int | None:
    return None if wait is None else prefer_wait_seconds(wait, None)


def _id(prediction: str | Prediction) -> str:
    return id_of(prediction, Prediction, "prediction id")


def _get_request(prediction_id: str | Prediction, deadline: Deadline | None) -> dict[str, Any]:
    request = _get.build_request(_id(prediction_id))
    request["deadline"] = deadline
    return request


def _cancel_request(prediction_id: str | Prediction, deadline: Deadline | None) -> dict[str, Any]:
    request = _cancel.build_request(_id(prediction_id))
    # Canceling twice is harmless, so a lost response may be retried like a GET.
    request["idempotent"] = True
    request["deadline"] = deadline
    return request


def _sendable_create(
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


class Predictions(SyncResource):
    """Create, inspect and control predictions.

    >>> p = client.predictions.create(model="demo/hello", input={"name": "Ada"})  # doctest: +SKIP
    >>> client.predictions.wait(p, timeout=60).output  # doctest: +SKIP
    """

    def create(
        self,
        *,
        version: VersionLike | None = None,
        model: ModelLike | None = None,
        deployment: DeploymentLike | None = None,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        stream: bool | None = None,
        wait: bool | int | None = None,
        cancel_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Prediction:
        """Start a prediction. ``wait=True`` or ``wait=N`` asks the server to hold the response
        until the prediction finishes (at most N s); it may still come back unfinished."""
        prefer_wait = _prefer_seconds(wait)
        request = build_create_request(
            version=version,
            model=model,
            deployment=deployment,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            stream=stream,
            prefer_wait=prefer_wait,
            cancel_after=cancel_after,
        )
        return self._create(request, prefer_wait, options=options)

    def _create(
        self,
        request: dict[str, Any],
        prefer_wait: int | None,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        sendable = _sendable_create(request, prefer_wait, self._client, deadline)
        return Prediction.from_dict(as_dict(self._json(sendable, options or {})))

    def get(self, prediction_id: str | Prediction, **options: Unpack[RequestOptions]) -> Prediction:
        """The current state of a prediction (by id, or a Prediction to refresh)."""
        return self._get(prediction_id, options=options)

    def _get(
        self,
        prediction_id: str | Prediction,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        request = with_options(_get_request(prediction_id, deadline), options or {})
        response = self._client.request(**request)
        return Prediction.from_dict(as_dict(decode_json(response)))

    def list(
        self,
        *,
        created_after: _dt.datetime | None = None,
        created_before: _dt.datetime | None = None,
        source: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Page[Prediction]:
        """Your predictions, newest first; iterate the page to walk all of them."""
        return self._page(_list_request(created_after, created_before, source), _parse, options)

    def cancel(
        self, prediction_id: str | Prediction, **options: Unpack[RequestOptions]
    ) -> Prediction:
        """Cancel a prediction (a finished one is returned unchanged)."""
        return self._cancel(prediction_id, options=options)

    def _cancel(
        self,
        prediction_id: str | Prediction,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        request = _cancel_request(prediction_id, deadline)
        return Prediction.from_dict(as_dict(self._json(request, options or {})))

    def wait(
        self,
        prediction: Prediction | str,
        *,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        cancel_on_timeout: bool = False,
        already_waited: float = 0.0,
        on_update: Callable[[Prediction], object] | None = None,
    ) -> Prediction:
        """Poll until the prediction is succeeded, failed, canceled or aborted.

        Raises WaitTimeoutError (carrying the last state) after ``timeout`` seconds, canceling
        the prediction first when ``cancel_on_timeout``. ``on_update`` is called with the
        starting state and each polled one (e.g. to show progress).

        >>> client.predictions.wait(p, on_update=lambda p: print(p.status))  # doctest: +SKIP
        """
        result: Prediction = wait_sync(
            prediction,
            self._get,
            self._cancel,
            deadline=Deadline.after(timeout),
            cancel_on_timeout=cancel_on_timeout,
            already_waited=already_waited,
            on_update=on_update,
        )
        return result


class AsyncPredictions(AsyncResource):
    """Async twin of :class:`Predictions`."""

    async def create(
        self,
        *,
        version: VersionLike | None = None,
        model: ModelLike | None = None,
        deployment: DeploymentLike | None = None,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        stream: bool | None = None,
        wait: bool | int | None = None,
        cancel_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Prediction:
        prefer_wait = _prefer_seconds(wait)
        request = build_create_request(
            version=version,
            model=model,
            deployment=deployment,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
            stream=stream,
            prefer_wait=prefer_wait,
            cancel_after=cancel_after,
        )
        return await self._create(request, prefer_wait, options=options)

    async def _create(
        self,
        request: dict[str, Any],
        prefer_wait: int | None,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        sendable = _sendable_create(request, prefer_wait, self._client, deadline)
        return Prediction.from_dict(as_dict(await self._json(sendable, options or {})))

    async def get(
        self, prediction_id: str | Prediction, **options: Unpack[RequestOptions]
    ) -> Prediction:
        return await self._get(prediction_id, options=options)

    async def _get(
        self,
        prediction_id: str | Prediction,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        request = with_options(_get_request(prediction_id, deadline), options or {})
        response = await self._client.request(**request)
        return Prediction.from_dict(as_dict(decode_json(response)))

    async def list(
        self,
        *,
        created_after: _dt.datetime | None = None,
        created_before: _dt.datetime | None = None,
        source: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPage[Prediction]:
        request = _list_request(created_after, created_before, source)
        return await self._page(request, _parse, options)

    async def cancel(
        self, prediction_id: str | Prediction, **options: Unpack[RequestOptions]
    ) -> Prediction:
        return await self._cancel(prediction_id, options=options)

    async def _cancel(
        self,
        prediction_id: str | Prediction,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        request = _cancel_request(prediction_id, deadline)
        return Prediction.from_dict(as_dict(await self._json(request, options or {})))

    async def wait(
        self,
        prediction: Prediction | str,
        *,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        cancel_on_timeout: bool = False,
        already_waited: float = 0.0,
        on_update: Callable[[Prediction], object] | None = None,
    ) -> Prediction:
        result: Prediction = await wait_async(
            prediction,
            self._get,
            self._cancel,
            deadline=Deadline.after(timeout),
            cancel_on_timeout=cancel_on_timeout,
            already_waited=already_waited,
            on_update=on_update,
        )
        return result

"""``client.trainings``: fine-tune a model version into a destination model."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Unpack

from replicate_api.api.trainings import cancel as _cancel
from replicate_api.api.trainings import create as _create
from replicate_api.api.trainings import get as _get
from replicate_api.api.trainings import list as _list
from replicate_api.models.model_input import ModelInput
from replicate_api.models.training_request import TrainingRequest

from .._deadline import Deadline
from .._options import RequestOptions
from .._pagination import AsyncPage, Page
from .._refs import (
    ModelLike,
    VersionLike,
    id_of,
    parse_model_name,
    parse_versioned_model,
    version_id_of,
)
from .._wait import DEFAULT_TRAINING_TIMEOUT
from ..types import Training, Version
from ._base import AsyncResource, SyncResource, as_dict, optional, wait_async, wait_sync

__all__ = ["AsyncTrainings", "Trainings"]


def _training(data: Mapping[str, Any]) -> Training:
    return Training.from_dict(data)


def _create_request(
    version: VersionLike,
    model: ModelLike | None,
    *,
    destination: ModelLike,
    input: Mapping[str, Any],
    webhook: str | None,
    webhook_events_filter: Sequence[str] | None,
) -> dict[str, Any]:
    if model is None:
        if isinstance(version, Version):
            raise ValueError("pass model= with a Version: a Version does not name its model")
        ref = parse_versioned_model(version)
        owner, name, version_id = ref.owner or "", ref.name or "", ref.id
    else:
        owner, name = parse_model_name(model)
        version_id = version_id_of(version)
    destination = "/".join(parse_model_name(destination))
    if not isinstance(input, Mapping):
        raise TypeError(f"input must be a mapping of input names to values, got {input!r}")
    if isinstance(webhook_events_filter, str):
        raise TypeError("webhook_events_filter must be a list of event names, not a string")
    return _create.build_request(
        owner,
        name,
        version_id,
        body=TrainingRequest(
            destination=destination,
            input_=ModelInput.from_dict(input),
            webhook=optional(webhook),
            webhook_events_filter=optional(
                list(webhook_events_filter) if webhook_events_filter else None
            ),
        ),
    )


def _id(training: str | Training) -> str:
    return id_of(training, Training, "training id")


def _get_request(training_id: str | Training, deadline: Deadline | None) -> dict[str, Any]:
    request = _get.build_request(_id(training_id))
    request["deadline"] = deadline
    return request


def _cancel_request(training_id: str | Training, deadline: Deadline | None) -> dict[str, Any]:
    request = _cancel.build_request(_id(training_id))
    request["idempotent"] = True
    request["deadline"] = deadline
    return request


class Trainings(SyncResource):
    """Trainings.

    >>> client.trainings.create("demo/trainer:abc123", destination="me/my-model",
    ...                         input={"steps": 10})  # doctest: +SKIP
    """

    def create(
        self,
        version: VersionLike,
        *,
        model: ModelLike | None = None,
        destination: ModelLike,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Training:
        """Start a training from ``"owner/name:version"`` (or ``model="owner/name"`` plus a bare
        version id) into ``destination`` (``"owner/name"``)."""
        request = _create_request(
            version,
            model,
            destination=destination,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
        )
        return Training.from_dict(as_dict(self._json(request, options)))

    def get(self, training_id: str | Training, **options: Unpack[RequestOptions]) -> Training:
        return self._get(training_id, options=options)

    def _get(
        self,
        training_id: str | Training,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Training:
        request = _get_request(training_id, deadline)
        return Training.from_dict(as_dict(self._json(request, options or {})))

    def list(self, **options: Unpack[RequestOptions]) -> Page[Training]:
        return self._page(_list.build_request(), _training, options)

    def cancel(self, training_id: str | Training, **options: Unpack[RequestOptions]) -> Training:
        return self._cancel(training_id, options=options)

    def _cancel(
        self,
        training_id: str | Training,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Training:
        request = _cancel_request(training_id, deadline)
        return Training.from_dict(as_dict(self._json(request, options or {})))

    def wait(
        self,
        training: Training | str,
        *,
        timeout: float | None = DEFAULT_TRAINING_TIMEOUT,
        cancel_on_timeout: bool = False,
        on_update: Callable[[Training], object] | None = None,
    ) -> Training:
        """Poll until the training is terminal; WaitTimeoutError after ``timeout`` seconds.
        ``on_update`` is called with the starting state and each polled one."""
        result: Training = wait_sync(
            training,
            self._get,
            self._cancel,
            deadline=Deadline.after(timeout),
            cancel_on_timeout=cancel_on_timeout,
            on_update=on_update,
        )
        return result


class AsyncTrainings(AsyncResource):
    """Async twin of :class:`Trainings`."""

    async def create(
        self,
        version: VersionLike,
        *,
        model: ModelLike | None = None,
        destination: ModelLike,
        input: Mapping[str, Any],
        webhook: str | None = None,
        webhook_events_filter: Sequence[str] | None = None,
        **options: Unpack[RequestOptions],
    ) -> Training:
        request = _create_request(
            version,
            model,
            destination=destination,
            input=input,
            webhook=webhook,
            webhook_events_filter=webhook_events_filter,
        )
        return Training.from_dict(as_dict(await self._json(request, options)))

    async def get(self, training_id: str | Training, **options: Unpack[RequestOptions]) -> Training:
        return await self._get(training_id, options=options)

    async def _get(
        self,
        training_id: str | Training,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Training:
        request = _get_request(training_id, deadline)
        return Training.from_dict(as_dict(await self._json(request, options or {})))

    async def list(self, **options: Unpack[RequestOptions]) -> AsyncPage[Training]:
        return await self._page(_list.build_request(), _training, options)

    async def cancel(
        self, training_id: str | Training, **options: Unpack[RequestOptions]
    ) -> Training:
        return await self._cancel(training_id, options=options)

    async def _cancel(
        self,
        training_id: str | Training,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Training:
        request = _cancel_request(training_id, deadline)
        return Training.from_dict(as_dict(await self._json(request, options or {})))

    async def wait(
        self,
        training: Training | str,
        *,
        timeout: float | None = DEFAULT_TRAINING_TIMEOUT,
        cancel_on_timeout: bool = False,
        on_update: Callable[[Training], object] | None = None,
    ) -> Training:
        result: Training = await wait_async(
            training,
            self._get,
            self._cancel,
            deadline=Deadline.after(timeout),
            cancel_on_timeout=cancel_on_timeout,
            on_update=on_update,
        )
        return result

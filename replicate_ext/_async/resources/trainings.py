"""``client.trainings``: fine-tune a model version into a destination model."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Unpack

from replicate_api.api.trainings import list as _list

from ..._deadline import Deadline
from ..._options import RequestOptions
from ..._pagination import AsyncPage
from ..._refs import (
    ModelLike,
    VersionLike,
)
from ..._wait import DEFAULT_TRAINING_TIMEOUT
from ...resources._base import as_dict
from ...resources.trainings import cancel_request, create_request, get_request, to_training
from ...types import Training
from ._base import AsyncResource, poll_until_done_async


class AsyncTrainings(AsyncResource):
    """Trainings.

    >>> await client.trainings.create("demo/trainer:abc123", destination="me/my-model",
    ...                         input={"steps": 10})  # doctest: +SKIP
    """

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
        """Start a training from ``"owner/name:version"`` (or ``model="owner/name"`` plus a bare
        version id) into ``destination`` (``"owner/name"``)."""
        request = create_request(
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
        request = get_request(training_id, deadline)
        return Training.from_dict(as_dict(await self._json(request, options or {})))

    async def list(self, **options: Unpack[RequestOptions]) -> AsyncPage[Training]:
        return await self._page(_list.build_request(), to_training, options)

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
        request = cancel_request(training_id, deadline)
        return Training.from_dict(as_dict(await self._json(request, options or {})))

    async def wait(
        self,
        training: Training | str,
        *,
        timeout: float | None = DEFAULT_TRAINING_TIMEOUT,
        cancel_on_timeout: bool = False,
        on_update: Callable[[Training], object] | None = None,
    ) -> Training:
        """Poll until the training is terminal; WaitTimeoutError after ``timeout`` seconds.
        ``on_update`` is called with the starting state and each polled one."""
        result: Training = await poll_until_done_async(
            training,
            self._get,
            self._cancel,
            deadline=Deadline.after(timeout),
            cancel_on_timeout=cancel_on_timeout,
            on_update=on_update,
            budget=self._client.poll_budget,
        )
        return result

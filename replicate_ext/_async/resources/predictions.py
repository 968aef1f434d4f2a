"""``client.predictions``: create (by version, official model or deployment), get, list, cancel,"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any, Unpack

from ..._deadline import Deadline
from ..._errors import decode_json
from ..._io import counting_wait_async, wait_through_board_async
from ..._options import RequestOptions
from ..._pagination import AsyncPage
from ..._refs import (
    DeploymentLike,
    ModelLike,
    VersionLike,
)
from ..._wait import DEFAULT_PREDICTION_TIMEOUT, Followed
from ...resources._base import as_dict, with_options
from ...resources.predictions import (
    CreateOptions,
    build_create_request,
    cancel_request,
    get_request,
    list_request,
    parse_prediction,
    prefer_seconds,
    sendable_create,
    split_create_options,
)
from ...types import Prediction
from ._base import AsyncResource, poll_until_done_async
from ._stream_wait import await_done_event_async


class AsyncPredictions(AsyncResource):
    """Create, inspect and control predictions.

    >>> p = await client.predictions.create(model="demo/hello", input={})  # doctest: +SKIP
    >>> (await client.predictions.wait(p, timeout=60)).output  # doctest: +SKIP
    """

    async def create(
        self,
        *,
        version: VersionLike | None = None,
        model: ModelLike | None = None,
        deployment: DeploymentLike | None = None,
        input: Mapping[str, Any],
        wait: bool | int | None = None,
        **options: Unpack[CreateOptions],
    ) -> Prediction:
        """Start a prediction. ``wait=True`` or ``wait=N`` asks the server to hold the response
        until the prediction finishes (at most N s); it may still come back unfinished.
        ``webhook``, ``webhook_events_filter``, ``stream`` and ``cancel_after`` are the
        create's other fields (:class:`CreateFields`), then the per-call request options."""
        fields, request_options = split_create_options(options)
        prefer_wait = prefer_seconds(wait)
        request = build_create_request(
            version=version, model=model, deployment=deployment, input=input,
            prefer_wait=prefer_wait, **fields,
        )  # fmt: skip
        return await self._create(request, prefer_wait, options=request_options)

    async def _create(
        self,
        request: dict[str, Any],
        prefer_wait: int | None,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        sendable = sendable_create(request, prefer_wait, self._client, deadline)
        return Prediction.from_dict(as_dict(await self._json(sendable, options or {})))

    async def get(
        self, prediction_id: str | Prediction, **options: Unpack[RequestOptions]
    ) -> Prediction:
        """The current state of a prediction (by id, or a Prediction to refresh)."""
        return await self._get(prediction_id, options=options)

    async def _get(
        self,
        prediction_id: str | Prediction,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        request = with_options(get_request(prediction_id, deadline), options or {})
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
        """Your predictions, newest first; iterate the page to walk all of them."""
        request = list_request(created_after, created_before, source)
        return await self._page(request, parse_prediction, options)

    async def cancel(
        self, prediction_id: str | Prediction, **options: Unpack[RequestOptions]
    ) -> Prediction:
        """Cancel a prediction (a finished one is returned unchanged)."""
        return await self._cancel(prediction_id, options=options)

    async def _cancel(
        self,
        prediction_id: str | Prediction,
        deadline: Deadline | None = None,
        options: RequestOptions | None = None,
    ) -> Prediction:
        request = cancel_request(prediction_id, deadline)
        return Prediction.from_dict(as_dict(await self._json(request, options or {})))

    async def wait(
        self,
        prediction: Prediction | str,
        *,
        timeout: float | None = DEFAULT_PREDICTION_TIMEOUT,
        cancel_on_timeout: bool = False,
        already_waited: float = 0.0,
        on_update: Callable[[Prediction], object] | None = None,
        min_poll_interval: float | None = None,
    ) -> Prediction:
        """Wait until the prediction is succeeded, failed, canceled or aborted.

        A prediction with an event stream (``urls.stream``) is waited on through it: its
        ``done`` event ends the wait at once, then one request fetches the final state (at most
        50 waits of a client hold a stream at once). Without one (or if it fails) the
        prediction is polled, quickly at first and less often the
        longer it runs (see ``PollSchedule``). Raises WaitTimeoutError (carrying the last
        state) after ``timeout`` seconds, canceling the prediction first when
        ``cancel_on_timeout``. ``on_update`` is called with the
        starting state and each polled one (e.g. to show progress); ``min_poll_interval``
        keeps polls at least that many seconds apart (at most the schedule's 5 s cap).

        >>> await client.predictions.wait(p, on_update=lambda p: print(p.status))  # doctest: +SKIP
        """
        with counting_wait_async(self._client):
            result: Prediction = await poll_until_done_async(
                prediction,
                self._get,
                self._cancel,
                deadline=Deadline.after(timeout),
                cancel_on_timeout=cancel_on_timeout,
                already_waited=already_waited,
                on_update=on_update,
                min_interval=min_poll_interval,
                follow=self._follow,
                budget=self._client.poll_budget,
            )
        return result

    async def _follow(
        self, current: Prediction, deadline: Deadline | None
    ) -> Prediction | Followed:
        """Wait by the cheapest way available before polling by id: the event stream, or
        the client's shared poller when many waits are in flight (see ``EventFollower``)."""
        slots = self._client.stream_slots
        if current.urls.stream and slots.take():
            try:
                url = current.urls.stream
                if await await_done_event_async(self._client, current.id, url, deadline):
                    return Followed.ENDED
            finally:
                slots.give_back()
        final = await wait_through_board_async(self._client, current, deadline)
        if final is None:
            return Followed.NOTHING
        # A listed prediction may lack its logs: one poll by id then fetches it whole.
        return final if final.logs is not None else Followed.ENDED

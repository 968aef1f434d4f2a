"""The request loop over an async httpx client (the sync twin is generated from this file).

Every decision (URL and header building, retry rules, deadlines, error mapping, logging) is made
by :class:`~replicate_ext._base_client.BaseAPIClient`; this loop only sends, reads and sleeps.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Unpack

import httpx

from .. import _config
from .._base_client import DEFAULT_LIMITS, BaseAPIClient, ClientSettings
from .._deadline import Deadline
from .._errors import error_from_response
from .._io import sleep_async
from .._retry import IDEMPOTENT_METHODS
from .._tracing import end_attempt, start_attempt
from .._wait import DEFAULT_POLLS_PER_MINUTE, PollBudget, StreamSlots

if TYPE_CHECKING:
    from .._ratelimit import RateLimits

__all__ = ["AsyncAPIClient"]


class AsyncAPIClient(BaseAPIClient):
    """Sends requests with our auth, timeouts and retries over one pooled httpx.AsyncClient.

    Safe to share between tasks (and, for the sync twin, threads): it holds no per-request
    state.
    """

    _http: httpx.AsyncClient

    def __init__(
        self,
        *,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limits: RateLimits | None = None,
        polls_per_minute: float = DEFAULT_POLLS_PER_MINUTE,
        **settings: Unpack[ClientSettings],
    ) -> None:
        super().__init__(**settings)
        if http_client is not None and transport is not None:
            raise ValueError("pass either http_client or transport, not both")
        self._owns_http = http_client is None
        self._custom_http = http_client is not None or transport is not None
        self._transport = transport
        self._http = http_client or self._new_pool()
        self._pid = os.getpid()
        # Shared by every wait of this client (and its with_options clones).
        self.poll_budget = PollBudget(polls_per_minute)
        self.stream_slots = StreamSlots()
        # Async waits in flight and their shared poller, per event loop (see _status_board).
        self.waits_in_flight = 0
        self.status_board: tuple[object, Any] | None = None
        if rate_limits is not None:
            from .._ratelimit import RateLimiter

            self._limiter = RateLimiter(rate_limits)

    def _new_pool(self) -> httpx.AsyncClient:
        from .._transport import async_transport

        return httpx.AsyncClient(
            transport=self._transport or async_transport(DEFAULT_LIMITS),
            timeout=self.timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=True,
        )

    def _pool(self) -> httpx.AsyncClient:
        """The connection pool, a fresh one in a forked child: sockets (and the event loop an
        async pool is bound to) must not be shared with the parent process."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            if self._owns_http or self._transport is not None:
                self._http = self._new_pool()
                self._owns_http = True
            if self._limiter is not None:
                self._limiter = type(self._limiter)(self._limiter.limits)
            # Their locks stay behind.
            self.poll_budget = PollBudget(self.poll_budget.per_minute)
            self.stream_slots = StreamSlots(self.stream_slots.limit)
        return self._http

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        json: Any = None,
        content: Any = None,
        files: Any = None,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: _config.TimeoutTypes = None,
        idempotent: bool | None = None,
        stream: bool = False,
        deadline: Deadline | None = None,
    ) -> httpx.Response:
        """Send a request; returns the response (status < 400) or raises a typed error.

        ``url`` is relative to ``base_url`` ("/predictions") or absolute; the token is only sent
        to ``base_url``'s origin. With ``stream=True`` the body is left unread and the caller
        closes the response. ``deadline`` bounds the whole call, retries included (see
        :mod:`.._deadline`).
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        http = self._pool()
        limiter = self._limiter
        tracer = self._tracer
        retry_index = 0
        while True:
            attempt_timeout = timeout
            if deadline is not None:
                attempt_timeout = self._timeout_within(timeout, deadline, method, url)
            request = self._build_request(
                http,
                method,
                url,
                params=params,
                json=json,
                content=content,
                files=files,
                data=data,
                headers=headers,
                timeout=attempt_timeout,
            )
            if limiter is not None and (pause := limiter.reserve(method, request.url.path)):
                await sleep_async(pause)
            span = None if tracer is None else start_attempt(tracer, request, retry_index + 1)
            started = time.perf_counter()
            try:
                response = await http.send(request, stream=True)
                if response.status_code >= 400 or not stream:
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
            except BaseException as error:
                if span is not None:
                    end_attempt(span, error=error)
                if not isinstance(error, httpx.RequestError):
                    raise
                delay = self._on_error(error, request, retry_index, idempotent, started)
                pause, retry = self._pause_within(delay, deadline)
                await sleep_async(pause)
                if not retry:
                    self._raise_transport_error(error, request)
                retry_index += 1
                continue
            if span is not None:
                end_attempt(span, response)
            self._log_response(request, response, retry_index + 1, started)
            if response.status_code < 400:
                self._capture(response)
                return response
            delay = self._on_error_status(response, retry_index, idempotent)
            pause, retry = self._pause_within(delay, deadline)
            await sleep_async(pause)
            if not retry:
                raise error_from_response(response, api_token=self._api_token)
            retry_index += 1

"""Every decision of a request: auth, headers, URLs, timeouts, retries, deadlines, logging,
and raw responses.

:class:`BaseAPIClient` owns them; its subclasses ``AsyncAPIClient`` (``_async/api_client.py``,
written by hand) and ``SyncAPIClient`` (generated from it) only send, read and sleep.

The per-request work is kept small because ``predictions.get`` and polling sit on it: the
merged default headers and parsed URLs are reused, not rebuilt for every request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, Self, TypedDict, TypeVar

import attrs
import httpx

from . import _config
from ._deadline import Deadline, longest_phase
from ._errors import (
    MAY_HAVE_TAKEN_EFFECT,
    APIConnectionError,
    APITimeoutError,
    MissingAPITokenError,
    error_from_response,
    retry_after_of,
)
from ._raw_response import capture
from ._retry import (
    IDEMPOTENT_METHODS,
    NOT_SENT_ERRORS,
    RetryPolicy,
    retry_delay_for_error,
    retry_delay_for_status,
)
from ._tracing import load_tracer

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

    from ._ratelimit import RateLimiter
    from ._wait import PollBudget

__all__ = ["DEFAULT_LIMITS", "BaseAPIClient", "ClientSettings", "logger"]

logger = logging.getLogger("replicate_ext")

T = TypeVar("T")
P = ParamSpec("P")

# HTTP/1.1 carries one request per connection, and a run() holds its create open (`Prefer:
# wait`) for up to a minute: N concurrent runs need N connections, and with httpx's default of
# 100, 200 concurrent runs went in two waves (docs/benchmarks.md, "Concurrency"). Idle
# connections stay few: httpcore rescans every connection for each idle one whenever a request
# starts or ends, so a large keep-alive pool costs more CPU than the reconnects it saves.
DEFAULT_LIMITS = httpx.Limits(max_connections=512, max_keepalive_connections=20)
# How many parsed request URLs a client keeps (httpx.URL objects are immutable).
_RESOLVED_URLS_KEPT = 256


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    port = url.port
    if port is None:
        port = 443 if url.scheme == "https" else 80
    return (url.scheme, url.host, port)


class ClientSettings(TypedDict, total=False):
    """The settings every client takes (see :class:`BaseAPIClient`)."""

    api_token: str | None
    base_url: str | httpx.URL | None
    timeout: _config.TimeoutTypes
    max_retries: int | None
    user_agent: str | None
    headers: Mapping[str, str] | None


class BaseAPIClient:
    """Configuration and every non-I/O step of a request."""

    base_url: httpx.URL
    timeout: httpx.Timeout
    max_retries: int
    user_agent: str
    _owns_http: bool
    _custom_http: bool  # built on a caller's http_client or transport
    # Set by the sync/async subclass; shared (not copied) by with_options clones.
    _limiter: RateLimiter | None = None
    poll_budget: PollBudget

    def __init__(
        self,
        *,
        api_token: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: _config.TimeoutTypes = None,
        max_retries: int | None = None,
        user_agent: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._api_token = _config.resolve_api_token(api_token)
        # OpenTelemetry's tracer (None without the optional package): a span per attempt.
        self._tracer = load_tracer()
        self._base_url_str = _config.resolve_base_url(base_url)
        self.base_url = httpx.URL(self._base_url_str)
        self._base_origin = _origin(self.base_url)
        self.timeout = _config.resolve_timeout(timeout)
        self.max_retries = _config.resolve_max_retries(max_retries)
        self._retry_policy = _retry_policy_for(self.max_retries, self.timeout)
        self.user_agent = user_agent or _config.DEFAULT_USER_AGENT
        self._extra_headers = dict(headers) if headers else {}
        # The httpx client's default headers merged with ours, built once per case (target on
        # our API's origin or not) instead of on every request; the snapshot of the defaults
        # it was built from notices later changes to them.
        self._merged_headers: dict[bool, tuple[list[tuple[bytes, bytes]], httpx.Headers]] = {}
        self._timeout_extension = self.timeout.as_dict()
        # Parsed URLs by the string a caller passed: parsing costs more than the rest of a
        # request's preparation, and polling asks for the same URL again and again.
        self._resolved_urls: dict[str, tuple[httpx.URL, bool]] = {}

    def __repr__(self) -> str:
        # Never the token.
        return f"{type(self).__name__}(base_url={self._base_url_str!r})"

    def copy(self, **overrides: Any) -> Self:
        """A client with some settings changed that shares this one's connection pool; an
        override that is None keeps the current value."""
        overrides = {key: value for key, value in overrides.items() if value is not None}
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        BaseAPIClient.__init__(
            clone,
            api_token=overrides.get("api_token", self._api_token),
            base_url=overrides.get("base_url", self._base_url_str),
            timeout=overrides.get("timeout", self.timeout),
            max_retries=overrides.get("max_retries", self.max_retries),
            user_agent=overrides.get("user_agent", self.user_agent),
            headers=overrides.get("headers", self._extra_headers),
        )
        clone._owns_http = False  # the pool stays the parent's to close
        return clone

    def settings(self) -> dict[str, Any]:
        """What re-creates this client elsewhere (pickling): its configuration, token
        included, never its connection pool."""
        if self._custom_http:
            raise TypeError(
                "a client built with its own http_client or transport cannot be pickled: "
                "build one from settings (api_token, base_url, ...) in the other process"
            )
        return {
            "api_token": self._api_token,
            "base_url": self._base_url_str,
            "timeout": self.timeout,
            "max_retries": self.max_retries,
            "user_agent": self.user_agent,
            "headers": self._extra_headers or None,
            "rate_limits": self._limiter.limits if self._limiter is not None else None,
            "polls_per_minute": self.poll_budget.per_minute,
        }

    @property
    def tracer(self) -> Tracer | None:
        """The OpenTelemetry tracer spans go to (None without the ``otel`` extra)."""
        return self._tracer

    @property
    def has_api_token(self) -> bool:
        return self._api_token is not None

    # -- request preparation -------------------------------------------------------------

    def _resolve_url(self, url: str) -> tuple[httpx.URL, bool]:
        """(absolute URL, whether it is on our API's origin)."""
        resolved = self._resolved_urls.get(url)
        if resolved is not None:
            return resolved
        if url.startswith("/"):
            resolved = httpx.URL(self._base_url_str + url), True
        elif url[:8].lower().startswith(("http://", "https://")):  # schemes ignore case
            absolute = httpx.URL(url)
            resolved = absolute, _origin(absolute) == self._base_origin
        else:
            resolved = httpx.URL(f"{self._base_url_str}/{url}"), True
        if len(self._resolved_urls) >= _RESOLVED_URLS_KEPT:
            self._resolved_urls.clear()
        self._resolved_urls[url] = resolved
        return resolved

    def _own_headers(self, same_origin: bool) -> dict[str, str]:
        result = {"User-Agent": self.user_agent}
        if same_origin:
            if self._api_token is None:
                raise MissingAPITokenError(
                    "No Replicate API token: pass api_token=... to the client or set the "
                    f"{_config.TOKEN_ENV} environment variable."
                )
            result["Authorization"] = f"Bearer {self._api_token}"
            # Like the token, the client's extra headers (often credentials of their own) are
            # for our API only, not for file downloads or stream URLs elsewhere.
            if self._extra_headers:
                result.update(self._extra_headers)
        return result

    def _default_headers(self, defaults: httpx.Headers, same_origin: bool) -> httpx.Headers:
        """The httpx client's ``defaults`` with ours on top (the token only for our origin).

        Not to be modified: httpx.Request copies it.
        """
        snapshot = defaults.raw
        cached = self._merged_headers.get(same_origin)
        if cached is not None and cached[0] == snapshot:
            return cached[1]
        merged = httpx.Headers(defaults)
        merged.update(self._own_headers(same_origin))
        self._merged_headers[same_origin] = (snapshot, merged)
        return merged

    def _build_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        method: str,
        url: str,
        *,
        params: Any,
        json: Any,
        content: Any,
        files: Any,
        data: Any,
        headers: Mapping[str, str] | None,
        timeout: _config.TimeoutTypes,
    ) -> httpx.Request:
        """What ``http.build_request`` would build from our headers, without re-merging the
        client's default headers each time: the client's default params and cookies are
        added when it has any; its auth, hooks, redirects and transport apply in ``send``."""
        full_url, same_origin = self._resolve_url(url)
        request_headers = self._default_headers(http.headers, same_origin)
        if headers:
            request_headers = request_headers.copy()
            request_headers.update(headers)
        if http.params:
            params = http.params.merge(params)
        cookies = http.cookies
        return httpx.Request(
            method,
            full_url,
            params=params,
            headers=request_headers,
            cookies=cookies if cookies else None,
            json=json,
            content=content,
            files=files,
            data=data,
            extensions={
                "timeout": dict(self._timeout_extension)
                if timeout is None
                else _config.resolve_timeout(timeout).as_dict()
            },
        )

    # -- outcome handling (shared by the sync and async loops) ---------------------------

    def _log_response(
        self, request: httpx.Request, response: httpx.Response, attempt: int, started: float
    ) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d (attempt %d, %.1f ms)",
                request.method,
                request.url.path,
                response.status_code,
                attempt,
                (time.perf_counter() - started) * 1000.0,
            )

    def _on_error(
        self,
        error: httpx.RequestError,
        request: httpx.Request,
        retry_index: int,
        idempotent: bool,
        started: float,
    ) -> float:
        """Seconds to wait before retrying after a transport error; raises when giving up.

        Redirect loops and undecodable bodies (not transport errors, never retried) end here
        too, so no httpx exception escapes untyped."""
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        delay = retry_delay_for_error(
            error, retry_index=retry_index, idempotent=idempotent, policy=self._retry_policy
        )
        if delay is not None:
            logger.info(
                "%s %s failed with %s (attempt %d, %.1f ms); retrying in %.2f s",
                request.method,
                request.url.path,
                type(error).__name__,
                retry_index + 1,
                elapsed_ms,
                delay,
            )
            return delay
        logger.debug(
            "%s %s failed with %s (attempt %d, %.1f ms)",
            request.method,
            request.url.path,
            type(error).__name__,
            retry_index + 1,
            elapsed_ms,
        )
        self._raise_transport_error(error, request)

    def _raise_transport_error(self, error: httpx.RequestError, request: httpx.Request) -> NoReturn:
        what = f"{request.method} {request.url.copy_with(query=None)}"
        detail = str(error)
        if self._api_token:
            detail = detail.replace(self._api_token, "***")
        if isinstance(error, httpx.TimeoutException):
            message = f"{type(error).__name__} on {what}" + _maybe_applied(error, request)
            raise APITimeoutError(message, request=request) from error
        message = f"{type(error).__name__} on {what}" + (f": {detail}" if detail else "")
        raise APIConnectionError(
            message + _maybe_applied(error, request), request=request
        ) from error

    def _on_error_status(
        self,
        response: httpx.Response,
        retry_index: int,
        idempotent: bool,
    ) -> float:
        """Seconds to wait before retrying an error status (body already read); raises when
        giving up."""
        retry_after = None
        status = response.status_code
        if status == 429 or status == 503:
            retry_after = retry_after_of(response, _json_or_none(response))
        if status == 429 and self._limiter is not None:
            self._limiter.on_429(retry_after)  # the whole client pauses, not just this request
        delay = retry_delay_for_status(
            status,
            retry_index=retry_index,
            idempotent=idempotent,
            policy=self._retry_policy,
            retry_after=retry_after,
        )
        if delay is not None:
            logger.info(
                "%s %s -> %d (attempt %d); retrying in %.2f s",
                response.request.method,
                response.request.url.path,
                status,
                retry_index + 1,
                delay,
            )
            return delay
        raise error_from_response(response, api_token=self._api_token)

    # -- deadlines (an optional bound on a whole call: run, wait) ------------------------

    def _timeout_within(
        self, timeout: _config.TimeoutTypes, deadline: Deadline, method: str, url: str
    ) -> httpx.Timeout:
        """The attempt's timeout cut to what is left before ``deadline``; raises rather than
        send a request (a create above all) that could not finish in time."""
        if deadline.expired:
            raise APITimeoutError(
                f"the call's timeout ran out before {method} {self._resolve_url(url)[0].path} "
                "was sent; it was not sent"
            )
        return deadline.clamp_timeout(
            self.timeout if timeout is None else _config.resolve_timeout(timeout)
        )

    @staticmethod
    def _pause_within(delay: float, deadline: Deadline | None) -> tuple[float, bool]:
        """(seconds to pause, whether a retry follows): a pause never outlasts the deadline,
        and a retry that could only start after it is not made."""
        if deadline is None:
            return delay, True
        left = deadline.remaining()
        if delay < left:
            return delay, True
        logger.info("not retrying after all: the call's deadline is %.2f s away", left)
        return left, False

    @staticmethod
    def _capture(response: httpx.Response) -> None:
        capture(response)


def _maybe_applied(error: httpx.RequestError, request: httpx.Request) -> str:
    """A warning for errors after a create (or other non-idempotent request) went out."""
    if request.method in IDEMPOTENT_METHODS or isinstance(error, NOT_SENT_ERRORS):
        return ""
    return " — the request may have reached the server" + MAY_HAVE_TAKEN_EFFECT


def _retry_policy_for(max_retries: int, timeout: httpx.Timeout) -> RetryPolicy:
    # A server's Retry-After may not hold a call longer than the client's own timeout allows.
    default = RetryPolicy(max_retries=max_retries)
    longest = longest_phase(timeout)
    if longest is None or longest >= default.max_retry_after:
        return default
    return attrs.evolve(default, max_retry_after=longest)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None

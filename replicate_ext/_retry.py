"""Pure retry decisions: should this attempt be retried, and after how long?

Rules (each has a test):
- Idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, QUERY, or marked idempotent) are retried
  on connection errors, timeouts, 408, 429 and 5xx.
- Non-idempotent requests (POST creates) are retried only on 429 and when the request provably
  never reached the server: connect errors, connect timeouts and pool timeouts. Never after a
  read timeout, a reset or a 5xx — the prediction may already exist, and a retry would
  duplicate it.
- Delay: exponential backoff with jitter; a server hint (Retry-After header or ``retry_after``
  in the body) is honoured, capped at 60 s.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs
import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "QUERY", "TRACE"})
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

# Exceptions raised before a single byte of the request left this process.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
# Exceptions that never get better by retrying.
FATAL_ERRORS: tuple[type[Exception], ...] = (
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
    httpx.LocalProtocolError,
)


@attrs.frozen
class RetryPolicy:
    """Backoff parameters; ``max_retries`` is the number of retries after the first attempt."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25


def is_retryable_status(status: int, *, idempotent: bool) -> bool:
    if status == 429:
        return True
    if not idempotent:
        return False
    return status in RETRYABLE_STATUSES or status >= 500


def is_retryable_error(error: BaseException, *, idempotent: bool) -> bool:
    """Whether a transport error may be retried: always when nothing was sent, otherwise only
    for idempotent requests."""
    if isinstance(error, FATAL_ERRORS):
        return False
    if isinstance(error, NOT_SENT_ERRORS):
        return True
    return idempotent and isinstance(error, httpx.TransportError)


def backoff_delay(
    retry_index: int,
    policy: RetryPolicy,
    *,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to sleep before retry number ``retry_index`` (0 for the first retry).

    A server hint wins over the backoff (capped at ``max_retry_after``); otherwise the delay
    doubles from ``initial_delay`` up to ``max_delay``, minus up to ``jitter`` of itself so
    concurrent clients do not retry in lockstep.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), policy.max_retry_after)
    delay = min(policy.initial_delay * (2.0**retry_index), policy.max_delay)
    return delay * (1.0 - policy.jitter * rand())


def retry_delay_for_status(
    status: int,
    *,
    retry_index: int,
    idempotent: bool,
    policy: RetryPolicy,
    retry_after: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Delay before retrying a response with this status, or None to give up."""
    if retry_index >= policy.max_retries:
        return None
    if not is_retryable_status(status, idempotent=idempotent):
        return None
    return backoff_delay(retry_index, policy, retry_after=retry_after, rand=rand)


def retry_delay_for_error(
    error: BaseException,
    *,
    retry_index: int,
    idempotent: bool,
    policy: RetryPolicy,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Delay before retrying after a transport error, or None to give up."""
    if retry_index >= policy.max_retries:
        return None
    if not is_retryable_error(error, idempotent=idempotent):
        return None
    return backoff_delay(retry_index, policy, rand=rand)

"""Resolution of client settings: explicit argument, then environment, then default."""

from __future__ import annotations

import os
from collections.abc import Mapping

import httpx

from ._errors import ReplicateError
from ._version import __version__

DEFAULT_BASE_URL = "https://api.replicate.com/v1"
DEFAULT_MAX_RETRIES = 2
# How many predictions run_many keeps in flight unless told otherwise.
DEFAULT_BATCH_CONCURRENCY = 8
# Always finite, so nothing hangs. The read timeout of a `Prefer: wait=N` request is raised to
# N + PREFER_WAIT_MARGIN by the client, so a sync-mode create never times out on our side first.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
PREFER_WAIT_MARGIN = 10.0
DEFAULT_USER_AGENT = f"replicate-ext/{__version__}"

TOKEN_ENV = "REPLICATE_API_TOKEN"
BASE_URL_ENV = "REPLICATE_BASE_URL"

TimeoutTypes = float | int | httpx.Timeout | None


def resolve_api_token(
    api_token: str | None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The explicit token, else ``$REPLICATE_API_TOKEN``; blank means absent. A token that
    cannot go into an HTTP header as is (CR/LF, control or non-ASCII characters) raises
    ReplicateError, which does not show it."""
    env = os.environ if environ is None else environ
    token = api_token if api_token is not None else env.get(TOKEN_ENV)
    if token is None:
        return None
    token = token.strip()
    if token and not (token.isascii() and token.isprintable()):
        # Never in the message: the token is a secret, even a malformed one.
        raise ReplicateError(
            "the API token contains a line break, control or non-ASCII character; check how "
            f"it was set (api_token=... or ${TOKEN_ENV})"
        )
    return token or None


def resolve_base_url(
    base_url: str | httpx.URL | None, environ: Mapping[str, str] | None = None
) -> str:
    """The explicit base URL, else ``$REPLICATE_BASE_URL``, else the public API; no trailing /."""
    env = os.environ if environ is None else environ
    url = str(base_url) if base_url is not None else (env.get(BASE_URL_ENV) or DEFAULT_BASE_URL)
    url = url.strip().rstrip("/")
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"base_url must be an absolute http(s) URL, got {url!r}")
    if parsed.query or parsed.fragment:
        raise ValueError(f"base_url must not have a query or fragment, got {url!r}")
    return url


def resolve_timeout(timeout: TimeoutTypes) -> httpx.Timeout:
    """A finite :class:`httpx.Timeout`: numbers are seconds for every phase."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return httpx.Timeout(float(timeout))


def resolve_max_retries(max_retries: int | None) -> int:
    if max_retries is None:
        return DEFAULT_MAX_RETRIES
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
    return max_retries


def timeout_for_prefer_wait(timeout: httpx.Timeout, wait_seconds: int) -> httpx.Timeout:
    """Raise the read timeout so the server's sync-mode window always ends first."""
    needed = wait_seconds + PREFER_WAIT_MARGIN
    if timeout.read is not None and timeout.read >= needed:
        return timeout
    return httpx.Timeout(
        connect=timeout.connect, read=needed, write=timeout.write, pool=timeout.pool
    )

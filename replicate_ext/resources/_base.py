"""Shared plumbing of the resource classes: the client handle, pages and small helpers.

Resources are thin: a generated ``build_request`` builds the request, the per-call
:class:`~replicate_ext._options.RequestOptions` are applied to it, the base client sends it, a
``from_dict`` parses the JSON. Sync and async twins differ only by ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from .._deadline import Deadline
from .._errors import (
    APIConnectionError,
    InternalServerError,
    RateLimitError,
    WaitTimeoutError,
)
from .._options import RequestOptions, apply_options
from .._pagination import next_page_url, parse_page_fields
from .._wait import WaitState

T = TypeVar("T")
Parser = Callable[[Mapping[str, Any]], T]
# The progress hook of wait/run: called with each state seen; the async client's may be async.
OnUpdate = Callable[[Any], object]


def with_options(request: dict[str, Any], options: RequestOptions) -> dict[str, Any]:
    """``request`` with the caller's per-call options applied (unchanged when there are none,
    the common case on the hot path)."""
    return apply_options(request, options) if options else request


def page_items(data: Any, parse: Parser[T]) -> tuple[list[T], str | None, str | None]:
    results, nxt, prev = parse_page_fields(data)
    return [parse(item) for item in results if isinstance(item, dict)], nxt, prev


def next_request(request: dict[str, Any], next_url: str) -> dict[str, Any]:
    # The cursor replaces the first request's query string, so its params must not be re-sent.
    following = dict(request)
    following["url"] = next_page_url(request["url"], next_url)
    following.pop("params", None)
    return following


def as_dict(data: Any) -> Mapping[str, Any]:
    """The JSON object of a response, or an empty one (parsers then fill in None)."""
    return data if isinstance(data, dict) else {}


def optional(value: T | None) -> Any:
    """None → the generator's UNSET, so absent arguments are left out of the request."""
    if value is None:
        from replicate_api.types import UNSET

        return UNSET
    return value


def checked_run_fields(
    input: Mapping[str, Any], webhook_events_filter: Sequence[str] | None
) -> tuple[Any, Any]:
    """A prediction's or training's ``input`` and ``webhook_events_filter`` as body fields,
    checked (TypeError) before any request: a mapping, and a list of event names."""
    from replicate_api.models.model_input import ModelInput

    if not isinstance(input, Mapping):
        raise TypeError(f"input must be a mapping of input names to values, got {input!r}")
    if isinstance(webhook_events_filter, str):
        raise TypeError("webhook_events_filter must be a list of event names, not a string")
    events = optional(list(webhook_events_filter) if webhook_events_filter else None)
    return ModelInput.from_dict(input), events


def within_deadline(
    request: dict[str, Any], deadline: Deadline | None, *, idempotent: bool = False
) -> dict[str, Any]:
    """A poll or cancel of a prediction or training, bounded by its wait's ``deadline``.
    ``idempotent`` for cancels: canceling twice is harmless, so a lost response may be
    retried like a GET."""
    if idempotent:
        request["idempotent"] = True
    request["deadline"] = deadline
    return request


# Errors a poll or cancel ends with when the call's deadline cut it short (a stalled or
# rate-limiting server): past the deadline they mean "waiting timed out".
CUT_SHORT = (APIConnectionError, RateLimitError, InternalServerError)

Fetch = Callable[[str, Deadline | None], T]


def timed_out_error(
    state: WaitState[Any], cancel_failure: BaseException | None
) -> WaitTimeoutError:
    error = WaitTimeoutError(state.current, state.waited)
    error.__cause__ = state.cause
    if cancel_failure is not None:
        error.add_note(f"cancel_on_timeout: the cancel failed ({cancel_failure}); it may still run")
    return error


def time_left(deadline: Deadline | None) -> float | None:
    return None if deadline is None else deadline.remaining()

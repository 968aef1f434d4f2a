"""Per-call request options and the public ``client.request``: pure functions over the request
dicts that generated ``build_request(...)`` functions return.

A built request is the keyword arguments of :meth:`SyncAPIClient.request`: ``method``, ``url``
and optionally ``params``, ``json``, ``content``, ``files``, ``data``, ``headers``, plus our own
``timeout`` and ``idempotent``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

import httpx

from ._errors import decode_json

__all__ = ["RequestOptions", "apply_options", "decode_body", "prepare_request"]

_BUILT_KEYS = frozenset(
    {"method", "url", "params", "json", "content", "files", "data", "headers", "timeout",
     "idempotent"}
)  # fmt: skip
_BODY_KEYS = ("content", "files", "data")


class RequestOptions(TypedDict, total=False):
    """Options every resource method takes as keywords, as in Stainless-generated clients.

    A query parameter or body field the API gained before this SDK learned it can be sent
    right away:

    >>> client.predictions.list(extra_query={"new_filter": "x"}, timeout=5)  # doctest: +SKIP
    """

    extra_headers: Mapping[str, str] | None
    """Headers added to (or replacing) the request's own."""
    extra_query: Mapping[str, Any] | None
    """Query parameters added to (or replacing) the request's own."""
    extra_body: Mapping[str, Any] | None
    """Fields merged into the JSON body (or form fields of an upload)."""
    timeout: float | httpx.Timeout | None
    """This call's HTTP timeout instead of the client's (None keeps the client's)."""


_OPTION_NAMES = frozenset(RequestOptions.__annotations__)


def apply_options(request: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """``request`` with the per-call ``options`` applied (a new dict; no I/O).

    Raises TypeError for an unknown option (a typo must not be silently ignored) or for
    ``extra_body`` on a request whose body is not a JSON object.
    """
    unknown = options.keys() - _OPTION_NAMES
    if unknown:
        raise TypeError(
            f"unexpected keyword argument(s): {', '.join(sorted(unknown))} "
            f"(request options are {', '.join(sorted(_OPTION_NAMES))})"
        )
    result = dict(request)
    extra_headers = options.get("extra_headers")
    if extra_headers:
        result["headers"] = {**(request.get("headers") or {}), **extra_headers}
    extra_query = options.get("extra_query")
    if extra_query:
        result["params"] = {**(request.get("params") or {}), **extra_query}
    extra_body = options.get("extra_body")
    if extra_body:
        result["json"] = _merged_body(request, extra_body)
    timeout = options.get("timeout")
    if timeout is not None:
        result["timeout"] = timeout
    return result


def _merged_body(request: Mapping[str, Any], extra_body: Mapping[str, Any]) -> dict[str, Any]:
    body = request.get("json")
    if isinstance(body, Mapping):
        return {**body, **extra_body}
    if body is None and not any(request.get(key) is not None for key in _BODY_KEYS):
        return dict(extra_body)  # e.g. a POST without a body: the fields become its body
    raise TypeError(
        f"extra_body needs a JSON object body; {request.get('method')} {request.get('url')} "
        "sends another kind of body"
    )


def prepare_request(
    method_or_built: str | Mapping[str, Any],
    path: str | None,
    *,
    params: Mapping[str, Any] | None,
    json: Any,
    headers: Mapping[str, str] | None,
    timeout: float | httpx.Timeout | None,
) -> dict[str, Any]:
    """The request ``client.request(...)`` sends, from either of its two forms (no I/O)."""
    if isinstance(method_or_built, Mapping):
        if path is not None:
            raise TypeError("pass a built request alone, or a method and a path")
        request = _checked_built(method_or_built)
        if json is not None and not isinstance(json, Mapping):
            raise TypeError("json= with a built request adds fields to its body: pass a mapping")
        return apply_options(
            request,
            {"extra_headers": headers, "extra_query": params, "extra_body": json,
             "timeout": timeout},
        )  # fmt: skip
    if not isinstance(method_or_built, str) or not method_or_built:
        raise TypeError(f"method must be a non-empty string, got {method_or_built!r}")
    if not isinstance(path, str) or not path:
        raise TypeError(f"path must be a non-empty string such as '/account', got {path!r}")
    request = {"method": method_or_built, "url": path, "params": params, "json": json}
    if headers:
        request["headers"] = dict(headers)
    if timeout is not None:
        request["timeout"] = timeout
    return request


def _checked_built(built: Mapping[str, Any]) -> dict[str, Any]:
    unknown = built.keys() - _BUILT_KEYS
    if unknown:
        raise TypeError(
            f"not a built request: unexpected key(s) {', '.join(sorted(map(str, unknown)))}"
        )
    if not isinstance(built.get("method"), str) or not isinstance(built.get("url"), str):
        raise TypeError("a built request needs 'method' and 'url' strings")
    return dict(built)


def decode_body(response: httpx.Response) -> Any:
    """What ``client.request`` returns: the decoded JSON, None for an empty body, the text for
    a ``text/*`` body (e.g. a model's README)."""
    if not response.content:
        return None
    if response.headers.get("content-type", "").startswith("text/"):
        return response.text
    return decode_json(response)

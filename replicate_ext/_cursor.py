"""Cursor pagination rules shared by sync and async pages (no I/O).

The API's ``next`` is an absolute URL on api.replicate.com. We follow only its cursor (the
query string), against the list endpoint on the client's own base URL, so a proxy or a local
server is never bypassed.
"""

from __future__ import annotations

from typing import Any

import httpx

# A misbehaving server that keeps returning new cursors must not make iteration endless.
MAX_PAGES = 100_000


def next_page_url(list_path: str, next_url: str) -> str:
    """The list endpoint (relative to our base URL) carrying ``next_url``'s cursor."""
    query = httpx.URL(next_url).query.decode("ascii")
    path = list_path.split("?", 1)[0]
    return f"{path}?{query}" if query else path


def parse_page_fields(data: Any) -> tuple[list[Any], str | None, str | None]:
    """(results, next, previous) of a paginated JSON body, tolerating absent keys."""
    if not isinstance(data, dict):
        return [], None, None
    results = data.get("results")
    nxt = data.get("next")
    prev = data.get("previous")
    return (
        results if isinstance(results, list) else [],
        nxt if isinstance(nxt, str) and nxt else None,
        prev if isinstance(prev, str) and prev else None,
    )

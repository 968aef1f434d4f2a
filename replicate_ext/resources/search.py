"""Search requests (no I/O): checked before anything is sent."""

from __future__ import annotations

from typing import Any

from replicate_api.api.search import search as _search

from ._base import optional

__all__ = ["search_request"]


def search_request(query: str, limit: int | None) -> dict[str, Any]:
    """The search request for ``query``; ValueError for an empty query or a bad limit."""
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be a non-empty string")
    if limit is not None and not 1 <= limit <= 50:
        raise ValueError(f"limit must be between 1 and 50, got {limit!r}")
    return _search.build_request(query=query, limit=optional(limit))

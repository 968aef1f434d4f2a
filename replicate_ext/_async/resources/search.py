"""``client.search(...)``: models, collections and documentation pages matching a query."""

from __future__ import annotations

from typing import Unpack

from ..._options import RequestOptions
from ...resources._base import as_dict
from ...resources.search import search_request
from ...types import SearchResult
from ._base import AsyncResource


class AsyncSearchResource(AsyncResource):
    """Called through ``client.search(query, limit=...)``."""

    async def __call__(
        self, query: str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> SearchResult:
        request = search_request(query, limit)
        return SearchResult.from_dict(as_dict(await self._json(request, options)))

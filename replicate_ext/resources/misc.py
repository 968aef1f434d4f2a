"""Small read-only resources: hardware, collections, account, search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Unpack

from replicate_api.api.account import get as _account_get
from replicate_api.api.collections import get as _collections_get
from replicate_api.api.collections import list as _collections_list
from replicate_api.api.hardware import list as _hardware_list
from replicate_api.api.search import search as _search

from .._options import RequestOptions
from .._pagination import AsyncPage, Page
from .._refs import validate_id
from ..types import Account, Collection, Hardware, SearchResult
from ._base import AsyncResource, SyncResource, as_dict, optional

__all__ = [
    "AccountResource",
    "AsyncAccount",
    "AsyncCollections",
    "AsyncHardwareResource",
    "AsyncSearch",
    "Collections",
    "HardwareResource",
    "Search",
]


def _collection(data: Mapping[str, Any]) -> Collection:
    return Collection.from_dict(data)


def _hardware(data: Any) -> list[Hardware]:
    items = data if isinstance(data, list) else []
    return [Hardware.from_dict(item) for item in items if isinstance(item, dict)]


def _search_request(query: str, limit: int | None) -> dict[str, Any]:
    if not isinstance(query, str) or not query.strip():
        raise ValueError("query must be a non-empty string")
    if limit is not None and not 1 <= limit <= 50:
        raise ValueError(f"limit must be between 1 and 50, got {limit!r}")
    return _search.build_request(query=query, limit=optional(limit))


class HardwareResource(SyncResource):
    """``client.hardware``."""

    def list(self, **options: Unpack[RequestOptions]) -> list[Hardware]:
        """Hardware SKUs available for models and deployments."""
        return _hardware(self._json(_hardware_list.build_request(), options))


class Collections(SyncResource):
    """``client.collections``: curated collections of models."""

    def list(self, **options: Unpack[RequestOptions]) -> Page[Collection]:
        return self._page(_collections_list.build_request(), _collection, options)

    def get(self, slug: str, **options: Unpack[RequestOptions]) -> Collection:
        request = _collections_get.build_request(validate_id(slug, "collection slug"))
        return Collection.from_dict(as_dict(self._json(request, options)))


class AccountResource(SyncResource):
    """``client.account``."""

    def get(self, **options: Unpack[RequestOptions]) -> Account:
        """The account the API token belongs to."""
        return Account.from_dict(as_dict(self._json(_account_get.build_request(), options)))


class Search(SyncResource):
    def __call__(
        self, query: str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> SearchResult:
        request = _search_request(query, limit)
        return SearchResult.from_dict(as_dict(self._json(request, options)))


class AsyncHardwareResource(AsyncResource):
    async def list(self, **options: Unpack[RequestOptions]) -> list[Hardware]:
        return _hardware(await self._json(_hardware_list.build_request(), options))


class AsyncCollections(AsyncResource):
    async def list(self, **options: Unpack[RequestOptions]) -> AsyncPage[Collection]:
        return await self._page(_collections_list.build_request(), _collection, options)

    async def get(self, slug: str, **options: Unpack[RequestOptions]) -> Collection:
        request = _collections_get.build_request(validate_id(slug, "collection slug"))
        return Collection.from_dict(as_dict(await self._json(request, options)))


class AsyncAccount(AsyncResource):
    async def get(self, **options: Unpack[RequestOptions]) -> Account:
        request = _account_get.build_request()
        return Account.from_dict(as_dict(await self._json(request, options)))


class AsyncSearch(AsyncResource):
    async def __call__(
        self, query: str, *, limit: int | None = None, **options: Unpack[RequestOptions]
    ) -> SearchResult:
        request = _search_request(query, limit)
        return SearchResult.from_dict(as_dict(await self._json(request, options)))

"""``client.collections``: curated collections of models."""

from __future__ import annotations

from typing import Unpack

from replicate_api.api.collections import get as _get
from replicate_api.api.collections import list as _list

from ..._options import RequestOptions
from ..._pagination import AsyncPage
from ..._refs import validate_id
from ...resources._base import as_dict
from ...types import Collection
from ._base import AsyncResource


class AsyncCollections(AsyncResource):
    """``client.collections``: curated collections of models.

    >>> (await client.collections.get("text-to-image")).models  # doctest: +SKIP
    """

    async def list(self, **options: Unpack[RequestOptions]) -> AsyncPage[Collection]:
        """Every collection (without their models); iterate the page to walk all of them."""
        return await self._page(_list.build_request(), Collection.from_dict, options)

    async def get(self, slug: str, **options: Unpack[RequestOptions]) -> Collection:
        """One collection with its models."""
        request = _get.build_request(validate_id(slug, "collection slug"))
        return Collection.from_dict(as_dict(await self._json(request, options)))

"""``client.account``: who the API token belongs to."""

from __future__ import annotations

from typing import Unpack

from replicate_api.api.account import get as _get

from ..._options import RequestOptions
from ...resources._base import as_dict
from ...types import Account
from ._base import AsyncResource


class AsyncAccountResource(AsyncResource):
    """``client.account``.

    >>> (await client.account.get()).username  # doctest: +SKIP
    """

    async def get(self, **options: Unpack[RequestOptions]) -> Account:
        """The account the API token belongs to."""
        return Account.from_dict(as_dict(await self._json(_get.build_request(), options)))

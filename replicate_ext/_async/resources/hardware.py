"""``client.hardware``: the hardware models and deployments can run on."""

from __future__ import annotations

from typing import Any, Unpack

from replicate_api.api.hardware import list as _list

from ..._options import RequestOptions
from ...types import Hardware
from ._base import AsyncResource


class AsyncHardwareResource(AsyncResource):
    """``client.hardware``.

    >>> [h.sku for h in await client.hardware.list()]  # doctest: +SKIP
    ['cpu', 'gpu-t4', ...]
    """

    async def list(self, **options: Unpack[RequestOptions]) -> list[Hardware]:
        """Hardware SKUs available for models and deployments."""
        data: Any = await self._json(_list.build_request(), options)
        items = data if isinstance(data, list) else []
        return [Hardware.from_dict(item) for item in items if isinstance(item, dict)]

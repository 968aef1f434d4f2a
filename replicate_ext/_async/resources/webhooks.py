"""`client.webhooks`: the signing secret for verifying webhook deliveries."""

from __future__ import annotations

from typing import Unpack

from replicate_api.api.webhooks import default_secret_get as _default_secret

from ..._options import RequestOptions
from ...resources.webhooks import to_secret_key
from ._base import AsyncResource


class AsyncWebhooks(AsyncResource):
    """`client.webhooks`: the secret that signs webhook deliveries to your endpoints."""

    async def default_secret(self, **options: Unpack[RequestOptions]) -> str:
        """The signing secret ("whsec_...") of your default webhook endpoint."""
        return to_secret_key(await self._json(_default_secret.build_request(), options))

"""`client.webhooks`: the signing secret for verifying webhook deliveries.

>>> secret = client.webhooks.default_secret()  # doctest: +SKIP
>>> payload = replicate_ext.webhooks.verify(headers, body, secret)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Unpack

from replicate_api.api.webhooks import default_secret_get as _default_secret

from .._errors import ReplicateError
from .._options import RequestOptions
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncWebhooks", "Webhooks"]


def _secret_key(data: Any) -> str:
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str) or not key:
        raise ReplicateError("the webhook secret response has no 'key'")
    return key


class Webhooks(SyncResource):
    """`client.webhooks`: the secret that signs webhook deliveries to your endpoints."""

    def default_secret(self, **options: Unpack[RequestOptions]) -> str:
        """The signing secret ("whsec_...") of your default webhook endpoint."""
        return _secret_key(self._json(_default_secret.build_request(), options))


class AsyncWebhooks(AsyncResource):
    """Async twin of `Webhooks` (`client.webhooks` on `AsyncClient`)."""

    async def default_secret(self, **options: Unpack[RequestOptions]) -> str:
        """The signing secret ("whsec_...") of your default webhook endpoint."""
        return _secret_key(await self._json(_default_secret.build_request(), options))

"""`client.webhooks`: the signing secret for verifying webhook deliveries.

>>> secret = client.webhooks.default_secret()  # doctest: +SKIP
>>> payload = replicate_ext.webhooks.verify(headers, body, secret)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .._errors import ReplicateError, decode_json

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient

__all__ = ["AsyncWebhooks", "Webhooks"]


def _secret_key(response: httpx.Response) -> str:
    data = decode_json(response)
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str) or not key:
        raise ReplicateError("the webhook secret response has no 'key'")
    return key


class Webhooks:
    """`client.webhooks`: the secret that signs webhook deliveries to your endpoints."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def default_secret(self) -> str:
        """The signing secret ("whsec_...") of your default webhook endpoint."""
        return _secret_key(self._client.request("GET", "/webhooks/default/secret"))


class AsyncWebhooks:
    """Async twin of `Webhooks` (`client.webhooks` on `AsyncClient`)."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def default_secret(self) -> str:
        """The signing secret ("whsec_...") of your default webhook endpoint."""
        return _secret_key(await self._client.request("GET", "/webhooks/default/secret"))

"""`client.webhooks`: the signing secret for verifying webhook deliveries.

>>> secret = client.webhooks.default_secret()  # doctest: +SKIP
>>> payload = replicate_ext.webhooks.verify(headers, body, secret)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from .._errors import ReplicateError

__all__ = ["to_secret_key"]


def to_secret_key(data: Any) -> str:
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str) or not key:
        raise ReplicateError("the webhook secret response has no 'key'")
    return key

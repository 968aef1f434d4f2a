"""Verify the signature of webhook requests sent by Replicate (or the local server).

Replicate signs each delivery with HMAC-SHA256 over "{webhook-id}.{webhook-timestamp}.{body}",
keyed with the base64-decoded part of the signing secret after "whsec_", and sends the result in
the `webhook-signature` header as space-separated "v1,<base64 signature>" entries.

>>> payload = replicate_ext.webhooks.verify(request.headers, raw_body, secret)  # doctest: +SKIP
>>> prediction = payload["id"], payload["status"]  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from ._errors import ReplicateError

__all__ = [
    "DEFAULT_TOLERANCE",
    "InvalidSignature",
    "StaleTimestamp",
    "WebhookVerificationError",
    "sign",
    "verify",
]

DEFAULT_TOLERANCE = 300
"""Seconds a webhook's timestamp may differ from the local clock before it counts as stale."""

_SECRET_PREFIX = "whsec_"


class WebhookVerificationError(ReplicateError, ValueError):
    """A webhook request could not be verified. Messages never contain the secret.

    Also a ValueError, so code catching bad input that way keeps working."""


class InvalidSignature(WebhookVerificationError):
    """Missing or malformed webhook headers, or no signature matches the body."""


class StaleTimestamp(WebhookVerificationError):
    """The webhook's timestamp is further from now than the tolerance allows (replay guard)."""


class _HasItems(Protocol):
    def items(self) -> Iterable[tuple[str, Any]]: ...


Headers = Mapping[str, str] | Iterable[tuple[str, str]] | _HasItems
"""Request headers: a mapping, (name, value) pairs, or anything with .items()."""


def _header(headers: Headers, name: str) -> str | None:
    # Anything with .items() works too: http.server's and email's header objects are not Mappings.
    items: Iterable[tuple[str, Any]] = headers.items() if hasattr(headers, "items") else headers
    for key, value in items:
        if key.lower() == name:
            return str(value)
    return None


def _key(secret: str | bytes) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret. Misconfigured secrets raise ValueError
    (never a verification error a handler might turn into a 400): an empty key would accept
    signatures anyone can make. No message or chained error carries any part of the secret."""
    if isinstance(secret, bytes):
        try:
            secret = secret.decode("ascii")
        except UnicodeDecodeError:
            raise ValueError("webhook secret must be ASCII text ('whsec_' + base64)") from None
    if not isinstance(secret, str):
        raise TypeError(f"webhook secret must be str or bytes, got {type(secret).__name__}")
    secret = secret.strip()
    if secret.startswith(_SECRET_PREFIX):
        secret = secret[len(_SECRET_PREFIX) :]
    try:
        key = base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        # `from None`: the underlying error must not drag any part of the secret along.
        raise ValueError("webhook secret is not valid base64 after the 'whsec_' prefix") from None
    if not key:
        raise ValueError("webhook secret is empty: pass the signing secret ('whsec_...')")
    return key


# Seconds since the epoch as the sender writes them: ASCII digits, no sign, no leading zeros,
# no padding; anything else (" 12", "+12", "012", "1_2", Arabic-Indic digits) is not ours.
_TIMESTAMP_RE = re.compile(r"0|[1-9][0-9]{0,14}")


def _check_tolerance(tolerance: float | None) -> None:
    if tolerance is None:
        return
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or not 0 <= tolerance < math.inf  # NaN fails this too
    ):
        raise ValueError(
            f"tolerance must be a finite number of seconds >= 0 (None disables the check), "
            f"got {tolerance!r}"
        )


def sign(webhook_id: str, timestamp: int, body: bytes | str, secret: str | bytes) -> str:
    """The "v1,<signature>" entry Replicate sends for this message (useful for tests)."""
    raw = body.encode() if isinstance(body, str) else bytes(body)
    return _signature(_key(secret), webhook_id, str(timestamp), raw)


def _signature(key: bytes, webhook_id: str, timestamp: str, raw: bytes) -> str:
    message = f"{webhook_id}.{timestamp}.".encode() + raw
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def verify(
    headers: Headers,
    body: bytes | str,
    secret: str | bytes,
    tolerance: float | None = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> Any:
    """Check a webhook request's signature and timestamp, then return its parsed JSON body.

    `headers` is any mapping or (name, value) pairs (names case-insensitive); `body` must be the
    raw request body exactly as received. Raises `InvalidSignature` or `StaleTimestamp`
    (`tolerance=None` disables the timestamp check; NaN, infinite or negative tolerances are
    refused). A misconfigured secret (empty, not base64, not ASCII) raises ValueError.

    >>> verify(request.headers, await request.body(), secret)  # doctest: +SKIP
    {'id': '...', 'status': 'succeeded', ...}
    """
    _check_tolerance(tolerance)
    key = _key(secret)  # a bad secret is a configuration error, whatever the request
    webhook_id = _header(headers, "webhook-id")
    timestamp_text = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    missing = [
        name
        for name, value in (
            ("webhook-id", webhook_id),
            ("webhook-timestamp", timestamp_text),
            ("webhook-signature", signatures),
        )
        if not value
    ]
    if missing or webhook_id is None or timestamp_text is None or signatures is None:
        raise InvalidSignature(f"missing webhook header(s): {', '.join(missing)}")
    if not _TIMESTAMP_RE.fullmatch(timestamp_text):
        raise InvalidSignature("webhook-timestamp is not a decimal number of seconds")
    timestamp = int(timestamp_text)

    raw = body.encode() if isinstance(body, str) else bytes(body)
    expected = _signature(key, webhook_id, timestamp_text, raw).encode("ascii")
    matched = False
    for entry in signatures.split():
        # Compare every entry without stopping early, in constant time each.
        matched |= hmac.compare_digest(entry.encode("ascii", errors="replace"), expected)
    if not matched:
        raise InvalidSignature("no webhook signature matches the body")

    if tolerance is not None:
        current = time.time() if now is None else now
        if abs(current - timestamp) > tolerance:
            raise StaleTimestamp(
                f"webhook timestamp {timestamp} is more than {tolerance:g}s "
                f"from now ({current:.0f})"
            )
    try:
        return json.loads(raw)
    except ValueError:
        raise WebhookVerificationError("webhook body is signed but is not valid JSON") from None

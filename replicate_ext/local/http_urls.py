"""The one check for URLs clients give the server to call or to show (webhooks, file inputs,
model links): absolute http(s), with a host and a valid port, printable ASCII, bounded."""

from __future__ import annotations

import urllib.parse

MAX_URL_LENGTH = 2048


def http_url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL with a host (and a valid port), or None."""
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        return "must be an http(s) URL without spaces or control characters"
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError when it is not a number from 0 to 65535
    except ValueError:
        return "must be an http(s) URL with a valid port"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL with a host"
    if port == 0:
        return "must be an http(s) URL with a valid port"
    return None

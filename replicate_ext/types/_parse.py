"""Lenient JSON → Python coercions used by the generated ``from_dict`` methods.

Each takes whatever the server sent and returns the declared type or ``None``: a wrong JSON
type never raises, it reads as absent. They are tiny on purpose — every call of every
``from_dict`` goes through them.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any

_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_datetime(value: Any) -> _dt.datetime | None:
    """ISO 8601 → aware datetime (naive means UTC); 1 to 9 fractional digits; junk → None.

    >>> parse_datetime("2024-01-01T00:00:00.123456789Z").microsecond
    123456
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = _dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = _dt.datetime.fromisoformat(_LONG_FRACTION.sub(r"\1", value))
        except ValueError:
            from dateutil.parser import isoparse

            try:
                parsed = isoparse(value)
            except (ValueError, OverflowError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.UTC)
    return parsed


def req_str(value: Any) -> str:
    """A required string: absent or null reads as "" so the attribute keeps its type."""
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def opt_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    # Some servers send counts as floats (3.0); a fraction is not a count.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def opt_float(value: Any) -> float | None:
    if isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return None


def opt_list(value: Any) -> list[Any] | None:
    return value if isinstance(value, list) else None


def opt_str_list(value: Any) -> list[str] | None:
    """A list of strings; null items are dropped and other scalars are stringified."""
    if not isinstance(value, list):
        return None
    return [item if isinstance(item, str) else str(item) for item in value if item is not None]


def unknown_fields(data: Mapping[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """The members of ``data`` this version has no attribute for (kept in ``extra``)."""
    if data.keys() <= known:  # the common case, checked in C
        return {}
    return {key: value for key, value in data.items() if key not in known}

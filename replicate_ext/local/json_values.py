"""JSON the server can always answer with: request bodies are parsed strictly (no NaN or
Infinity, no numbers that overflow to infinity, no lone surrogates, bounded nesting), records are
stored only when they serialize back, and records stored by older versions load cleanly.

    >>> loads_strict(b'{"a": [1, 2.5, "x"]}')
    {'a': [1, 2.5, 'x']}
    >>> loads_strict(b'{"a": 1e999}')
    Traceback (most recent call last):
    ...
    replicate_ext.local.json_values.UnrepresentableValue: a: must be finite
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64
_SURROGATE = re.compile("[\ud800-\udfff]")
# what older versions could store: NaN/Infinity (now null) and escaped surrogates
_MAYBE_REPAIR = re.compile(r"NaN|Infinity|\\u[dD][89a-fA-F]")


class UnrepresentableValue(ValueError):
    """A value JSON responses cannot carry; ``field`` is its dotted path (``""`` for the root)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class TooDeep(ValueError):
    """Arrays and objects nested more than MAX_DEPTH levels deep."""


def loads_strict(raw: bytes | str) -> Any:
    """Parse JSON a response could echo back unchanged; syntax errors raise ValueError."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise TooDeep(f"JSON may nest at most {MAX_DEPTH} levels deep") from None
    problem = find_unrepresentable(value)
    if problem is not None:
        raise problem
    return value


def find_unrepresentable(value: Any, path: str = "", depth: int = 0) -> ValueError | None:
    """The first value in ``value`` that JSON output cannot carry, or None."""
    if depth > MAX_DEPTH:
        return TooDeep(f"JSON may nest at most {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        return None if _encodable(value) else UnrepresentableValue(path, "invalid unicode")
    if isinstance(value, float):
        return None if math.isfinite(value) else UnrepresentableValue(path, "must be finite")
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if not isinstance(key, str) or not _encodable(key):
                return UnrepresentableValue(path, "keys must be valid unicode strings")
            found = find_unrepresentable(item, where, depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_unrepresentable(item, f"{path}.{index}" if path else str(index), depth + 1)
            if found is not None:
                return found
    return None


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def scrub_text(text: str) -> str:
    """``text`` with characters UTF-8 cannot carry (lone surrogates) replaced by U+FFFD."""
    if _encodable(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


def dumps_record(record: Any) -> str:
    """Serialize a record for storage; ValueError when a response could not carry it."""
    text = json.dumps(record, allow_nan=False, ensure_ascii=False)
    if not _encodable(text):
        raise UnrepresentableValue("", "invalid unicode")
    return text


def loads_record(text: str) -> Any:
    """Load a stored record, repairing what older versions let through: NaN and Infinity
    become null, lone surrogates become U+FFFD."""
    value = json.loads(text, parse_constant=lambda name: None)
    if not _MAYBE_REPAIR.search(text) or find_unrepresentable(value) is None:
        return value  # the common case: records this version stored need no walk
    return _repair(value)


def _repair(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {scrub_text(str(k)): _repair(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_repair(v) for v in value]
    return value

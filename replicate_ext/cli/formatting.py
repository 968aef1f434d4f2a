"""Output formatting: tables, JSON, a model's output as text, durations."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO


def format_elapsed(seconds: float) -> str:
    """``4.2s`` under a minute, ``3m05s`` after."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns separated by two spaces; ``None`` shows as ``-``."""
    cells = [[("-" if value is None else str(value)) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def to_jsonable(value: Any) -> Any:
    """Typed objects → plain JSON values (datetimes as ISO 8601, unknown fields merged back)."""
    import datetime as dt

    import attrs

    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):  # the SDK's typed objects know their JSON form
        return to_jsonable(to_dict())
    if attrs.has(type(value)):
        data: dict[str, Any] = {}
        extra: Any = None
        for field in attrs.fields(type(value)):
            if field.name == "extra":
                extra = getattr(value, field.name)
                continue
            data[field.name] = to_jsonable(getattr(value, field.name))
        if isinstance(extra, dict):
            for key, item in extra.items():
                data.setdefault(str(key), to_jsonable(item))
        return data
    return str(value)


def print_json(value: Any, stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    out.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")
    out.flush()


def render_output(output: Any, *, concatenate: bool) -> str:
    """Text for stdout: strings as they are, lists of strings joined (``concatenate``, for
    token streams) or one per line, anything else as indented JSON."""
    if output is None:
        return ""
    if isinstance(output, str):
        return output
    if isinstance(output, list) and all(isinstance(item, str) for item in output):
        return "".join(output) if concatenate else "\n".join(output)
    return json.dumps(to_jsonable(output), indent=2, ensure_ascii=False)

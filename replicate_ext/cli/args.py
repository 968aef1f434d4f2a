"""Command-line values → what the SDK takes: ``-i key=value`` inputs, model references, and
argparse value types that reject nonsense (``--timeout nan``, ``--port 99999``) as usage errors.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import UsageError

MAX_PORT = 65535


# --- inputs ---------------------------------------------------------------------------------


def parse_input_value(raw: str) -> Any:
    """Turn the value half of ``-i key=value`` into a model input value.

    ``@path`` is a file to upload (``@@text`` is the literal string ``@text``); a value that
    parses as JSON is used as JSON (``3``, ``true``, ``[1, 2]``, ``{"a": 1}``, ``"7"``);
    anything else is the plain string.
    """
    if raw.startswith("@@"):
        return raw[1:]
    if raw.startswith("@"):
        if not raw[1:]:
            raise UsageError("'@' must be followed by a file path, e.g. image=@photo.png")
        return readable_file(Path(raw[1:]).expanduser())
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_input_pair(text: str) -> tuple[str, Any]:
    """Parse one ``key=value`` argument (see :func:`parse_input_value`)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UsageError(f"input must look like key=value, got {text!r}")
    try:
        return key, parse_input_value(raw)
    except UsageError as exc:
        raise UsageError(f"input {key!r}: {exc}") from None


def parse_inputs(pairs: Sequence[str]) -> dict[str, Any]:
    """Parse every ``-i key=value``; a key given twice is a usage error."""
    inputs: dict[str, Any] = {}
    for pair in pairs:
        key, value = parse_input_pair(pair)
        if key in inputs:
            raise UsageError(f"input {key!r} given more than once")
        inputs[key] = value
    return inputs


def readable_file(path: Path) -> Path:
    """``path`` if it is a regular file we can open, else a usage error naming it."""
    if not path.exists():
        raise UsageError(f"file not found: {path}")
    if not path.is_file():
        raise UsageError(f"not a regular file: {path}")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return path


# --- references -----------------------------------------------------------------------------


def prediction_target(ref: str, *, deployment: bool) -> dict[str, str]:
    """Route a REF to ``predictions.create`` keywords, validating it before any request."""
    from replicate_ext import _refs

    if deployment:
        _refs.parse_deployment(ref)
        return {"deployment": ref}
    parsed = _refs.parse_ref(ref)
    if isinstance(parsed, _refs.ModelRef):
        return {"model": ref}
    return {"version": parsed.id}


# --- argparse value types (argparse turns ArgumentTypeError into exit code 2) -----------------


def positive_seconds(text: str) -> float:
    """``--timeout S``: a positive, finite number of seconds (no ``nan``, ``inf``, ``-1``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a positive, finite number of seconds, got {text!r}"
        )
    return value


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``minimum`` (``--limit N`` takes 0 and more,
    ``--concurrency N`` 1 and more)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {text!r}")
        return value

    return parse


item_count = whole_number(0)  # --limit N

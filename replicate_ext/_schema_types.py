"""What a model version's schema means in Python: the annotation of each input and output
(for signatures, ``help()`` and generated modules), and outputs shaped into Python values
(file outputs where the schema says ``format: uri``, iterator text joined when it is meant to
be read whole). Pure; the schema itself is read by ``_schema.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from ._schema import is_file_schema

__all__ = [
    "concatenates",
    "described",
    "describes_output",
    "is_iterator",
    "python_annotation",
    "shape_output",
    "shape_stream_item",
]


def python_annotation(schema: Mapping[str, Any], *, file_type: Any, optional: bool = False) -> Any:
    """The Python type a property accepts: ``Literal[...]`` for enums, ``file_type`` for files,
    ``list[...]`` for arrays, ``X | None`` when it is optional."""
    annotation = _annotation(schema, file_type)
    if optional or schema.get("nullable"):
        return annotation | None
    return annotation


def _annotation(schema: Mapping[str, Any], file_type: Any) -> Any:
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return Literal[tuple(enum)]
    if is_file_schema(schema):
        return file_type
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        item = _annotation(items, file_type) if isinstance(items, Mapping) else Any
        return list[item]  # type: ignore[valid-type]
    simple: dict[Any, Any] = {
        "string": str,
        "integer": int,
        "number": float,
        "boolean": bool,
        "object": dict[str, Any],
    }
    return simple.get(kind, Any)


def described(annotation: Any, description: str) -> Any:
    """``Annotated[annotation, description]`` (editors and ``help()`` show both)."""
    return Annotated[annotation, description] if description else annotation


# --------------------------------------------------------------------------------------------
# Outputs


def is_iterator(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "array" and schema.get("x-cog-array-type") == "iterator"


def concatenates(schema: Mapping[str, Any]) -> bool:
    """An iterator of strings meant to be read as one text (a language model's tokens)."""
    return is_iterator(schema) and schema.get("x-cog-array-display") == "concatenate"


def describes_output(schema: Mapping[str, Any]) -> bool:
    return any(key in schema for key in ("type", "properties", "items", "enum"))


def shape_output(schema: Mapping[str, Any], value: Any, make_file: Callable[[str], Any]) -> Any:
    """``value`` shaped by its output schema: strings with ``format: uri`` become file outputs
    (through ``make_file``), iterator-of-string outputs meant to be concatenated are joined.
    Nothing else is guessed: a plain string output stays a string even when it is a URL."""
    if value is None:
        return None
    if is_file_schema(schema) and isinstance(value, str):
        return make_file(value)
    items = schema.get("items")
    if isinstance(value, list):
        item_schema = items if isinstance(items, Mapping) else {}
        shaped = [shape_output(item_schema, item, make_file) for item in value]
        if concatenates(schema) and all(isinstance(item, str) for item in shaped):
            return "".join(shaped)
        return shaped
    properties = schema.get("properties")
    if isinstance(value, dict) and isinstance(properties, Mapping):
        return {
            key: shape_output(properties.get(key) or {}, item, make_file)
            for key, item in value.items()
        }
    return value


def shape_stream_item(schema: Mapping[str, Any], data: str, make_file: Callable[[str], Any]) -> Any:
    """One streamed output event of an iterator output: its text shaped by the item schema
    (files become file outputs; non-string items arrive as JSON text)."""
    items = schema.get("items")
    if not isinstance(items, Mapping):
        return data
    if items.get("type") not in (None, "string"):
        import json

        try:
            return shape_output(items, json.loads(data), make_file)
        except ValueError:
            return data
    return shape_output(items, data, make_file)

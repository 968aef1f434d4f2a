"""Pure reading of a model version's Cog-style OpenAPI schema: its inputs as typed fields,
and validation of keyword arguments against them (what the schema means in Python, and
outputs shaped by it: ``_schema_types.py``).

A version's ``openapi_schema`` keeps the inputs in ``components.schemas.Input`` (an object
schema whose properties carry ``type``, ``default``, ``description``, ``enum``, ``minimum``,
``maximum``, ``format`` and an ``x-order``) and the output in ``components.schemas.Output``.
Cog writes enums as ``allOf: [{$ref: ...}]``; :func:`resolve` inlines such references first.
"""

from __future__ import annotations

import difflib
import io
import keyword
import os
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import IO, Any, TypeAlias

import attrs

from ._errors import ReplicateError
from ._files import AsyncFileOutput, FileOutput, FileOutputBase

__all__ = [
    "FileInput",
    "InputField",
    "InputProblem",
    "InputSpec",
    "InputValidationError",
    "input_spec",
    "output_schema",
    "resolve",
    "validate_input",
]

JSON = dict[str, Any]

# Names a generated module uses itself (parameters, locals, imports); an input with one of
# these names (or a Python keyword) gets a trailing underscore in Python.
RESERVED_NAMES = frozenset(
    {"attrs", "cast", "client", "inputs", "output", "runtime", "self", "values"}
)

_NO_DEFAULT: Any = attrs.NOTHING

FileInput: TypeAlias = str | os.PathLike[str] | bytes | IO[bytes] | FileOutput | AsyncFileOutput
"""What a file input accepts: a URL (http, https, data), a local path, bytes, an open binary
file, or another model's file output (passed on as its URL, never downloaded)."""


class InputValidationError(ReplicateError, ValueError):
    """Keyword arguments do not match a model's input schema; raised before any prediction is
    created. ``problems`` lists every offending field with what it allows.

    >>> model = client.use("demo/image")          # doctest: +SKIP
    >>> model(widht=64, height=-1)                 # doctest: +SKIP
    InputValidationError: invalid input for demo/image (2 problems):
      - widht: unknown input; did you mean 'width'? (inputs: width, height)
      - height: must be >= 1, got -1
    """

    def __init__(self, model: str, problems: Sequence[InputProblem]) -> None:
        self.model = model
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(f"  - {p.field}: {p.message}" for p in self.problems)
        plural = "problem" if count == 1 else "problems"
        super().__init__(f"invalid input for {model or 'the model'} ({count} {plural}):\n{lines}")


@attrs.frozen
class InputProblem:
    """One problem found in an input: the field (schema name) and what is wrong."""

    field: str
    message: str


# --------------------------------------------------------------------------------------------
# Reading the schema


def resolve(schema: Any, root: Mapping[str, Any], _seen: frozenset[str] = frozenset()) -> Any:
    """``schema`` with local ``$ref``s inlined and ``allOf`` members merged (the property's own
    keys win, as in Cog's ``{"allOf": [{"$ref": "#/components/schemas/mode"}], "default":
    "plain"}``); a nullable ``anyOf`` (``[X, {"type": "null"}]``) becomes X with
    ``nullable: true``. Reference cycles stop at the second visit."""
    if isinstance(schema, list):
        return [resolve(item, root, _seen) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in _seen:
            return {}
        target = _follow(ref, root)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return {**resolve(target, root, _seen | {ref}), **resolve(rest, root, _seen)}
    merged: JSON = {}
    for part in schema.get("allOf", ()):
        merged.update(resolve(part, root, _seen))
    for key, value in schema.items():
        if key == "allOf":
            continue
        if key == "properties" and isinstance(value, Mapping):
            merged[key] = {name: resolve(prop, root, _seen) for name, prop in value.items()}
        else:
            merged[key] = resolve(value, root, _seen)
    branches = merged.get("anyOf")
    if isinstance(branches, list):
        others = [b for b in branches if not (isinstance(b, Mapping) and b.get("type") == "null")]
        if len(others) == 1 and len(others) < len(branches):
            del merged["anyOf"]
            merged = {**others[0], **merged, "nullable": True}
    return merged


def _follow(ref: str, root: Mapping[str, Any]) -> Any:
    if not ref.startswith("#/"):
        return {}
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return {}
        node = node[part]
    return node


def _component(openapi_schema: Mapping[str, Any], name: str) -> JSON:
    components = openapi_schema.get("components")
    schemas = components.get("schemas") if isinstance(components, Mapping) else None
    found = schemas.get(name) if isinstance(schemas, Mapping) else None
    resolved = resolve(found, openapi_schema) if isinstance(found, Mapping) else {}
    return dict(resolved)


def input_schema(openapi_schema: Mapping[str, Any]) -> JSON:
    """The resolved ``Input`` schema ({} when the version does not describe its inputs)."""
    return _component(openapi_schema, "Input")


def output_schema(openapi_schema: Mapping[str, Any]) -> JSON:
    """The resolved ``Output`` schema ({} when the version does not describe its output)."""
    return _component(openapi_schema, "Output")


def python_name(name: str) -> str:
    """The Python identifier for an input name (``class`` → ``class_``, ``num-steps`` →
    ``num_steps``)."""
    identifier = re.sub(r"\W", "_", name)
    if not identifier or identifier[0].isdigit():
        identifier = "_" + identifier
    if keyword.iskeyword(identifier) or identifier in RESERVED_NAMES:
        identifier += "_"
    return identifier


@attrs.frozen
class InputField:
    """One input of a model, read from its (resolved) property schema."""

    name: str
    schema: JSON
    required: bool

    @property
    def python_name(self) -> str:
        return python_name(self.name)

    @property
    def description(self) -> str:
        return str(self.schema.get("description") or self.schema.get("title") or "").strip()

    @property
    def default(self) -> Any:
        """The documented default, or ``attrs.NOTHING`` when there is none (a null default
        counts as none: the model treats an absent optional input as None)."""
        value = self.schema.get("default")
        return _NO_DEFAULT if value is None else value

    @property
    def optional(self) -> bool:
        """Neither required nor defaulted: it may be left out (or given as None)."""
        return not self.required and self.default is _NO_DEFAULT

    def constraints(self, *, presence: bool = True) -> str:
        """The field's rules in words, e.g. ``"an integer, 1 <= width <= 2048, default 64"``;
        ``presence=False`` leaves out whether it is required or its default."""
        schema = self.schema
        parts = [_type_words(schema)]
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            parts.append(f"{low} <= {self.name} <= {high}")
        elif low is not None:
            parts.append(f">= {low}")
        elif high is not None:
            parts.append(f"<= {high}")
        if schema.get("exclusiveMinimum") is not None:
            parts.append(f"> {schema['exclusiveMinimum']}")
        if schema.get("exclusiveMaximum") is not None:
            parts.append(f"< {schema['exclusiveMaximum']}")
        if schema.get("minLength") is not None:
            parts.append(f"at least {schema['minLength']} characters")
        if schema.get("maxLength") is not None:
            parts.append(f"at most {schema['maxLength']} characters")
        if schema.get("pattern"):
            parts.append(f"matching {schema['pattern']}")
        if not presence:
            pass
        elif self.required:
            parts.append("required")
        elif self.default is not _NO_DEFAULT:
            parts.append(f"default {self.default!r}")
        else:
            parts.append("optional")
        return ", ".join(parts)


@attrs.frozen
class InputSpec:
    """A model's inputs in their documented order (``x-order``, then name)."""

    fields: tuple[InputField, ...]

    def by_name(self) -> dict[str, InputField]:
        return {f.name: f for f in self.fields}


def input_spec(openapi_schema: Mapping[str, Any]) -> InputSpec:
    """The typed inputs of a version from its ``openapi_schema``.

    >>> schema = {"components": {"schemas": {"Input": {"type": "object", "required": ["n"],
    ...     "properties": {"n": {"type": "integer", "x-order": 0}}}}}}
    >>> [(f.name, f.required) for f in input_spec(schema).fields]
    [('n', True)]
    """
    return fields_of(input_schema(openapi_schema))


def fields_of(schema: Mapping[str, Any]) -> InputSpec:
    """The inputs described by a resolved ``Input`` object schema."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        properties = {}
    required = set(schema.get("required") or ())

    def order(item: tuple[str, Any]) -> tuple[float, str]:
        position = item[1].get("x-order") if isinstance(item[1], Mapping) else None
        return (position if isinstance(position, int | float) else float("inf"), item[0])

    fields = tuple(
        InputField(name, dict(prop) if isinstance(prop, Mapping) else {}, name in required)
        for name, prop in sorted(properties.items(), key=order)
    )
    return InputSpec(fields)


# --------------------------------------------------------------------------------------------
# Validation


def validate_input(spec: InputSpec, values: Mapping[str, Any], *, model: str = "") -> JSON:
    """Check keyword arguments against the inputs; return what to send, with documented
    defaults filled in and optional inputs given as None left out.

    Python names (``class_`` for ``class``) are accepted for their input. Raises one
    InputValidationError listing every problem: unknown names (with a did-you-mean), missing
    required inputs, wrong types, values outside an enum, bounds or string rules, non-URI
    strings where a file is expected.
    """
    fields = spec.by_name()
    aliases = {f.python_name: f.name for f in spec.fields if f.python_name != f.name}
    problems: list[InputProblem] = []
    given: JSON = {}
    for key, value in values.items():
        name = key if key in fields else aliases.get(key)
        if name is None:
            problems.append(InputProblem(key, _unknown(key, list(fields))))
        elif name in given:
            problems.append(InputProblem(key, f"given twice (as {name!r} and {key!r})"))
        else:
            given[name] = value
    payload: JSON = {}
    for field in spec.fields:
        if field.name not in given or (given[field.name] is None and not field.required):
            if field.required:
                rules = field.constraints(presence=False)
                problems.append(InputProblem(field.name, f"required ({rules})"))
            elif field.default is not _NO_DEFAULT:
                payload[field.name] = field.default
            continue
        value = given[field.name]
        problem = check_value(field.schema, value, field.name)
        if problem is not None:
            problems.append(InputProblem(field.name, problem))
        payload[field.name] = value
    if problems:
        raise InputValidationError(model, problems)
    return payload


def _unknown(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    listed = ", ".join(known) if known else "none"
    return f"unknown input; {hint}(inputs: {listed})"


_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "a mapping",
}


def _type_words(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) for v in schema["enum"])
    if is_file_schema(schema):
        return "a file (URL, Path, bytes or open binary file)"
    kind = schema.get("type")
    if kind == "array" and isinstance(schema.get("items"), Mapping):
        return f"a list, each {_type_words(schema['items'])}"
    return _TYPE_NAMES.get(kind, "any value") if isinstance(kind, str) else "any value"


def is_file_schema(schema: Mapping[str, Any]) -> bool:
    """A string with ``format: uri``: Cog's file inputs and outputs."""
    return schema.get("type") == "string" and schema.get("format") == "uri"


def _is_file_value(value: Any) -> bool:
    if isinstance(value, bytes | bytearray | memoryview | PurePath | FileOutputBase):
        return True
    return callable(getattr(value, "read", None)) and not isinstance(value, io.TextIOBase | str)


def _is_uri(value: str) -> bool:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme.lower() == "data":
        return "," in value
    return bool(parts.scheme) and bool(parts.netloc)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_value(schema: Mapping[str, Any], value: Any, name: str = "value") -> str | None:
    """What is wrong with one value for its property schema, or None when it is fine."""
    if value is None:
        return None if schema.get("nullable") else f"must be {_type_words(schema)}, got None"
    if is_file_schema(schema):
        if isinstance(value, str):
            if _is_uri(value):
                return None
            return (
                f"must be a URL (http, https or data) or a file, got {_shown(value)}; "
                "pass a local file as pathlib.Path or an open binary file"
            )
        if isinstance(value, PurePath) and not _path_is_file(value):
            return f"file not found: {value}"
        return (
            None if _is_file_value(value) else f"must be {_type_words(schema)}, got {_shown(value)}"
        )
    kind = schema.get("type")
    if isinstance(kind, str) and not _has_type(kind, value):
        return f"must be {_TYPE_NAMES.get(kind, kind)}, got {type(value).__name__} {_shown(value)}"
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum:
        return f"must be one of {', '.join(repr(v) for v in enum)}, got {_shown(value)}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        problem = _check_bounds(schema, value)
        if problem is not None:
            return problem
    if isinstance(value, str):
        problem = _check_string(schema, value)
        if problem is not None:
            return problem
    items = schema.get("items")
    if isinstance(value, list | tuple) and isinstance(items, Mapping):
        for index, item in enumerate(value):
            problem = check_value(items, item, f"{name}[{index}]")
            if problem is not None:
                return f"item {index} {problem}"
    return None


def _path_is_file(path: PurePath) -> bool:
    from pathlib import Path

    return Path(path).is_file()


def _has_type(kind: str, value: Any) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):  # True is an int in Python, never in JSON Schema
        return False
    if kind == "integer":
        return isinstance(value, int)
    if kind == "number":
        return isinstance(value, int | float)
    if kind == "array":
        return isinstance(value, list | tuple)
    if kind == "object":
        return isinstance(value, Mapping)
    return True


def _check_bounds(schema: Mapping[str, Any], value: float) -> str | None:
    def bound(key: str) -> float | None:
        found = schema.get(key)
        return found if isinstance(found, int | float) and not isinstance(found, bool) else None

    low, high = bound("minimum"), bound("maximum")
    above, below = bound("exclusiveMinimum"), bound("exclusiveMaximum")
    if low is not None and value < low:
        return f"must be >= {low}, got {value!r}"
    if high is not None and value > high:
        return f"must be <= {high}, got {value!r}"
    if above is not None and value <= above:
        return f"must be > {above}, got {value!r}"
    if below is not None and value >= below:
        return f"must be < {below}, got {value!r}"
    return None


def _check_string(schema: Mapping[str, Any], value: str) -> str | None:
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        return f"must be at least {low} characters, got {len(value)}"
    if isinstance(high, int) and len(value) > high:
        return f"must be at most {high} characters, got {len(value)}"
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and re.search(pattern, value) is None:
        return f"must match {pattern}, got {_shown(value)}"
    return None

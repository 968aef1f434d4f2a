"""Models served by the local server: the bundled demo models, plain Python functions turned
into models, and the input validation both share.

A model is an async callable ``run(inputs, ctx)``; iterator models hand each output item to
``ctx.emit`` (that is what makes them streamable), others return their output.
"""

from __future__ import annotations

import asyncio
import collections.abc as cabc
import hashlib
import importlib
import inspect
import json
import re
import struct
import types
import typing
import zlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

import attrs

JSON = dict[str, Any]


class RunContext(Protocol):
    """What a running model can do besides returning its output."""

    def log(self, line: str) -> None: ...

    def emit(self, item: Any) -> None: ...

    def save_file(self, data: bytes, *, filename: str, content_type: str) -> str: ...

    async def run_in_thread(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run blocking code off the event loop (in the server's model threads)."""
        ...


ModelFunction = Callable[[JSON, RunContext], Awaitable[Any]]


class ModelFailure(Exception):
    """Raised by a model to fail its prediction with this message."""


@attrs.frozen
class InvalidField:
    field: str
    message: str


class InputValidationError(Exception):
    """The input does not match the model's input schema; ``fields`` says where."""

    def __init__(self, fields: list[InvalidField]) -> None:
        self.fields = fields
        super().__init__("; ".join(f"{f.field}: {f.message}" for f in fields))


@attrs.frozen
class LocalModel:
    owner: str
    name: str
    description: str
    input_schema: JSON
    output_schema: JSON
    run: ModelFunction
    readme: str = ""
    iterator: bool = False

    @property
    def ref(self) -> str:
        return f"{self.owner}/{self.name}"

    @property
    def version_id(self) -> str:
        """Stable for the same name and schemas, like a content-addressed Replicate version."""
        basis = json.dumps(
            [self.ref, self.input_schema, self.output_schema], sort_keys=True
        ).encode()
        return hashlib.sha256(basis).hexdigest()

    def openapi_schema(self) -> JSON:
        return {
            "openapi": "3.0.2",
            "info": {"title": "Cog", "version": "0.1.0"},
            "paths": {},
            "components": {"schemas": {"Input": self.input_schema, "Output": self.output_schema}},
        }


# --- input validation -----------------------------------------------------------------------

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def validate_input(schema: JSON, value: Any) -> JSON:
    """Check ``value`` against an object schema; returns it with defaults filled in.

    Unknown fields, missing required fields and wrong types raise InputValidationError naming
    every offending field.
    """
    if not isinstance(value, dict):
        raise InputValidationError([InvalidField("input", "must be an object")])
    properties: JSON = schema.get("properties", {})
    errors: list[InvalidField] = []
    cleaned: JSON = {}
    for key in value:
        if key not in properties:
            errors.append(InvalidField(key, "is not a known input of this model"))
    for key in schema.get("required", []):
        if key not in value:
            errors.append(InvalidField(key, "is required"))
    for key, prop in properties.items():
        if key in value:
            problem = _check_value(prop, value[key])
            if problem is not None:
                errors.append(InvalidField(key, problem))
            cleaned[key] = value[key]
        elif "default" in prop:
            cleaned[key] = prop["default"]
    if errors:
        raise InputValidationError(errors)
    return cleaned


def _check_value(prop: JSON, value: Any) -> str | None:
    kind = prop.get("type")
    if kind is not None:
        allowed = _JSON_TYPES.get(kind, (object,))
        if isinstance(value, bool) and kind != "boolean":
            return f"must be of type {kind}, got boolean"
        if not isinstance(value, allowed):
            return f"must be of type {kind}, got {_json_type_name(value)}"
    if "enum" in prop and value not in prop["enum"]:
        return f"must be one of {json.dumps(prop['enum'])}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in prop and value < prop["minimum"]:
            return f"must be >= {prop['minimum']}"
        if "maximum" in prop and value > prop["maximum"]:
            return f"must be <= {prop['maximum']}"
    if kind == "array" and "items" in prop:
        for index, item in enumerate(value):
            problem = _check_value(prop["items"], item)
            if problem is not None:
                return f"item {index} {problem}"
    return None


def _json_type_name(value: Any) -> str:
    if value is None:
        return "null"
    for name, kinds in _JSON_TYPES.items():
        if name != "number" and isinstance(value, kinds) and not isinstance(value, bool):
            return name
    return "boolean" if isinstance(value, bool) else type(value).__name__


# --- demo models ----------------------------------------------------------------------------


def _prop(kind: str, title: str, order: int, **extra: Any) -> JSON:
    return {"type": kind, "title": title, "x-order": order, **extra}


def _input(properties: JSON, required: list[str]) -> JSON:
    schema: JSON = {"type": "object", "title": "Input", "properties": properties}
    if required:
        schema["required"] = required
    return schema


async def _hello(inputs: JSON, ctx: RunContext) -> Any:
    ctx.log(f"greeting {inputs['name']}")
    return f"hello {inputs['name']}"


async def _stream(inputs: JSON, ctx: RunContext) -> Any:
    tokens = re.findall(r"\S+\s*", inputs["prompt"])
    ctx.log(f"streaming {len(tokens)} tokens")
    for token in tokens:
        await asyncio.sleep(inputs["delay"])
        ctx.emit(token)
    return None


async def _image(inputs: JSON, ctx: RunContext) -> Any:
    width, height = inputs["width"], inputs["height"]
    ctx.log(f"rendering {width}x{height}")
    await asyncio.sleep(0)
    return ctx.save_file(render_png(width, height), filename="image.png", content_type="image/png")


async def _fail(inputs: JSON, ctx: RunContext) -> Any:
    ctx.log("about to fail")
    raise ModelFailure(inputs["message"])


async def _sleep(inputs: JSON, ctx: RunContext) -> Any:
    seconds = float(inputs["seconds"])
    ctx.log(f"sleeping {seconds}s")
    await asyncio.sleep(seconds)
    ctx.log("done sleeping")
    return f"slept {seconds:g}s"


def demo_models() -> list[LocalModel]:
    """The bundled models; tests, docs and ``make demo`` rely on these names."""
    string_output: JSON = {"type": "string", "title": "Output"}
    return [
        LocalModel(
            "demo",
            "hello",
            "Greets you by name.",
            _input({"name": _prop("string", "Name", 0, description="Who to greet")}, ["name"]),
            string_output,
            _hello,
            readme="# demo/hello\n\nReturns a greeting that contains `name`.\n",
        ),
        LocalModel(
            "demo",
            "stream",
            "Streams the words of a prompt back one at a time.",
            _input(
                {
                    "prompt": _prop("string", "Prompt", 0, description="Text to stream back"),
                    "delay": _prop(
                        "number",
                        "Delay",
                        1,
                        default=0.02,
                        minimum=0,
                        maximum=5,
                        description="Seconds between words",
                    ),
                },
                ["prompt"],
            ),
            {
                "type": "array",
                "title": "Output",
                "items": {"type": "string"},
                "x-cog-array-type": "iterator",
                "x-cog-array-display": "concatenate",
            },
            _stream,
            readme="# demo/stream\n\nYields the words of `prompt` one by one.\n",
            iterator=True,
        ),
        LocalModel(
            "demo",
            "image",
            "Renders a PNG gradient of the requested size.",
            _input(
                {
                    "width": _prop("integer", "Width", 0, default=64, minimum=1, maximum=2048),
                    "height": _prop("integer", "Height", 1, default=64, minimum=1, maximum=2048),
                },
                [],
            ),
            {"type": "string", "format": "uri", "title": "Output"},
            _image,
            readme="# demo/image\n\nOutputs the URL of a PNG file served by the local server.\n",
        ),
        LocalModel(
            "demo",
            "fail",
            "Always fails.",
            _input(
                {
                    "message": _prop(
                        "string",
                        "Message",
                        0,
                        default="demo/fail always fails",
                        description="The error message",
                    )
                },
                [],
            ),
            string_output,
            _fail,
            readme="# demo/fail\n\nEvery prediction fails with `message`.\n",
        ),
        LocalModel(
            "demo",
            "sleep",
            "Sleeps for a while; for cancel and timeout tests.",
            _input(
                {"seconds": _prop("number", "Seconds", 0, default=1, minimum=0, maximum=3600)},
                [],
            ),
            string_output,
            _sleep,
            readme="# demo/sleep\n\nSleeps `seconds` seconds, then succeeds.\n",
        ),
    ]


def render_png(width: int, height: int) -> bytes:
    """A width x height RGB gradient, encoded with nothing but zlib and struct."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        blue = (y * 255) // max(height - 1, 1)
        for x in range(width):
            rows += bytes(((x * 255) // max(width - 1, 1), 128, blue))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


# --- functions as models --------------------------------------------------------------------


def load_function(target: str) -> Callable[..., Any]:
    """Import ``package.module:function``."""
    module_name, sep, attr = target.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected package.module:function, got {target!r}")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"{target} is not callable")
    return typing.cast(Callable[..., Any], obj)


def parse_model_spec(spec: str) -> tuple[str, Callable[..., Any]]:
    """``owner/name=package.module:function`` → (ref, function)."""
    ref, sep, target = spec.partition("=")
    if not sep or ref.count("/") != 1 or not all(ref.split("/")):
        raise ValueError(f"expected owner/name=package.module:function, got {spec!r}")
    return ref, load_function(target)


def _schema_for(annotation: Any) -> JSON:
    if annotation is inspect.Parameter.empty or annotation is Any:
        return {}
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        kinds = {type(a) for a in args}
        base = _schema_for(kinds.pop()) if len(kinds) == 1 else {}
        return {**base, "enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return _schema_for(rest[0]) if len(rest) == 1 else {}
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple):
        schema: JSON = {"type": "array"}
        if args and args[0] is not Ellipsis:
            schema["items"] = _schema_for(args[0])
        return schema
    if origin is dict or annotation is dict:
        return {"type": "object"}
    simple = {str: "string", bool: "boolean", int: "integer", float: "number"}
    if annotation in simple:
        return {"type": simple[annotation]}
    if getattr(annotation, "__name__", "") == "Path":
        return {"type": "string", "format": "uri"}
    return {}


_ITERATOR_ORIGINS = {
    cabc.Iterator,
    cabc.AsyncIterator,
    cabc.Generator,
    cabc.AsyncGenerator,
    cabc.Iterable,
    cabc.AsyncIterable,
}


def function_model(ref: str, function: Callable[..., Any], *, description: str = "") -> LocalModel:
    """Turn a plain function into a model: typed parameters become the input schema, a
    generator (sync or async) becomes a streamable iterator model.

    >>> def greet(name: str, times: int = 1) -> str: ...
    >>> function_model("me/greet", greet).input_schema["required"]
    ['name']
    """
    owner, _, name = ref.partition("/")
    try:
        hints = typing.get_type_hints(function)
    except Exception:
        hints = {}
    signature = inspect.signature(function)
    properties: JSON = {}
    required: list[str] = []
    for order, (param_name, param) in enumerate(signature.parameters.items()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        prop: JSON = {"title": param_name.replace("_", " ").title(), "x-order": order}
        prop.update(_schema_for(hints.get(param_name, param.annotation)))
        if param.default is inspect.Parameter.empty:
            required.append(param_name)
        else:
            prop["default"] = param.default
        properties[param_name] = prop
    returns = hints.get("return", signature.return_annotation)
    is_generator = inspect.isgeneratorfunction(function) or inspect.isasyncgenfunction(function)
    is_generator = is_generator or typing.get_origin(returns) in _ITERATOR_ORIGINS
    if is_generator:
        args = typing.get_args(returns)
        output: JSON = {
            "type": "array",
            "title": "Output",
            "items": _schema_for(args[0]) if args else {},
            "x-cog-array-type": "iterator",
        }
        if args and args[0] is str:
            output["x-cog-array-display"] = "concatenate"
    else:
        output = {"title": "Output", **_schema_for(returns)}

    async def run(inputs: JSON, ctx: RunContext) -> Any:
        if inspect.iscoroutinefunction(function):
            result = await function(**inputs)
        elif inspect.isasyncgenfunction(function):
            result = function(**inputs)
        else:
            # plain functions may block: keep them off the event loop
            result = await ctx.run_in_thread(function, **inputs)
        if inspect.isasyncgen(result):
            async for item in result:
                ctx.emit(item)
            return None
        if inspect.isgenerator(result):
            done = object()
            while (item := await ctx.run_in_thread(next, result, done)) is not done:
                ctx.emit(item)
            return None
        return result

    doc = description or (inspect.getdoc(function) or "").split("\n\n")[0]
    return LocalModel(
        owner,
        name,
        doc or f"{function.__module__}.{function.__qualname__}",
        _input(properties, required),
        output,
        run,
        readme=inspect.getdoc(function) or "",
        iterator=is_generator,
    )


def coerce_models(
    models: Mapping[str, Callable[..., Any]] | list[str] | tuple[str, ...] | None,
) -> list[LocalModel]:
    """User models given as {ref: function} or ["owner/name=pkg.mod:fn", ...]."""
    if not models:
        return []
    if isinstance(models, Mapping):
        return [function_model(ref, fn) for ref, fn in models.items()]
    return [function_model(*parse_model_spec(spec)) for spec in models]

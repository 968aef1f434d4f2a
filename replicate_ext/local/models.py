"""Models served by the local server: what a model is, the input validation every model
shares, and plain Python functions and Cog predictors turned into models (the bundled demo
models are in ``demo_models.py``).

A model is an async callable ``run(inputs, ctx)``; iterator models hand each output item to
``ctx.emit`` (that is what makes them streamable), others return their output.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import hashlib
import importlib
import importlib.util
import inspect
import json
import mimetypes
import re
import sys
import types
import typing
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path, PurePath
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

    async def fetch_file(self, url: str) -> Path:
        """A local copy of an input file given as a URL or data URI (removed afterwards)."""
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


def object_schema(properties: JSON, required: list[str]) -> JSON:
    """The ``Input`` schema of a model with these properties."""
    schema: JSON = {"type": "object", "title": "Input", "properties": properties}
    if required:
        schema["required"] = required
    return schema


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
    if isinstance(value, str):
        if "minLength" in prop and len(value) < prop["minLength"]:
            return f"must be at least {prop['minLength']} characters"
        if "maxLength" in prop and len(value) > prop["maxLength"]:
            return f"must be at most {prop['maxLength']} characters"
        if "pattern" in prop and re.search(prop["pattern"], value) is None:
            return f"must match {prop['pattern']}"
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


# --- functions as models --------------------------------------------------------------------


def load_target(target: str) -> Any:
    """Import ``package.module:attr`` or ``path/to/file.py:attr`` (as in cog.yaml)."""
    module_name, sep, attr = target.rpartition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"expected package.module:function or file.py:Class, got {target!r}")
    if module_name.endswith(".py") or "/" in module_name:
        path = Path(module_name).resolve()
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        spec = importlib.util.spec_from_file_location(f"_local_model_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise ValueError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(path.parent))  # the predictor's own imports, as cog does
        try:
            spec.loader.exec_module(module)
        finally:
            sys.path.remove(str(path.parent))
        obj: Any = module
    else:
        obj = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"{target} is not callable")
    return obj


def load_function(target: str) -> Callable[..., Any]:
    """Import ``package.module:function``."""
    return typing.cast(Callable[..., Any], load_target(target))


def parse_model_spec(spec: str) -> tuple[str, Any]:
    """``owner/name=package.module:function`` → (ref, function or predictor class)."""
    ref, sep, target = spec.partition("=")
    if not sep or ref.count("/") != 1 or not all(ref.split("/")):
        raise ValueError(f"expected owner/name=package.module:function, got {spec!r}")
    return ref, load_target(target)


def _is_path_type(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, PurePath)


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
    if _is_path_type(annotation):
        return {"type": "string", "format": "uri"}
    return {}


def _is_iterator_type(annotation: Any) -> bool:
    origin = typing.get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(
        origin, (cabc.Iterator, cabc.AsyncIterator, cabc.Generator, cabc.AsyncGenerator)
    )


def _input_metadata(default: Any) -> dict[str, Any] | None:
    """The fields of a Cog ``Input(...)`` default, read through its public attributes (cog's
    ``FieldInfo`` is a dataclass), or None for a plain default value."""
    if type(default).__name__ != "FieldInfo" or not dataclasses.is_dataclass(default):
        return None
    return {f.name: getattr(default, f.name) for f in dataclasses.fields(default)}


_INPUT_KEYWORDS = {
    "description": "description",
    "ge": "minimum",
    "le": "maximum",
    "min_length": "minLength",
    "max_length": "maxLength",
    "regex": "pattern",
    "choices": "enum",
    "deprecated": "deprecated",
}


def _is_optional(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(
        None
    ) in typing.get_args(annotation)


def function_model(ref: str, function: Callable[..., Any], *, description: str = "") -> LocalModel:
    """Turn a plain function into a model: typed parameters become the input schema, a
    generator (sync or async) becomes a streamable iterator model. ``Path`` parameters receive
    a local copy of the file behind the URL or data URI they are given; ``Path`` outputs are
    served as file URLs. Cog ``Input(...)`` defaults add constraints and descriptions.

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
    path_params: dict[str, Any] = {}
    for order, (param_name, param) in enumerate(signature.parameters.items()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = hints.get(param_name, param.annotation)
        prop: JSON = {"title": param_name.replace("_", " ").title(), "x-order": order}
        prop.update(_schema_for(annotation))
        plain = annotation
        if _is_optional(annotation):
            plain = next(a for a in typing.get_args(annotation) if a is not type(None))
        if _is_path_type(plain):
            path_params[param_name] = plain
        default = param.default
        metadata = _input_metadata(default)
        if metadata is not None:
            for key, keyword in _INPUT_KEYWORDS.items():
                if metadata.get(key) is not None:
                    prop[keyword] = metadata[key]
            default = metadata.get("default")
            if default is None and not _is_optional(annotation):
                default = inspect.Parameter.empty
        if default is inspect.Parameter.empty:
            required.append(param_name)
        else:
            prop["default"] = str(default) if isinstance(default, PurePath) else default
        properties[param_name] = prop
    returns = hints.get("return", signature.return_annotation)
    is_generator = inspect.isgeneratorfunction(function) or inspect.isasyncgenfunction(function)
    is_generator = is_generator or _is_iterator_type(returns)
    if is_generator:
        args = typing.get_args(returns)
        output: JSON = {
            "type": "array",
            "title": "Output",
            "items": _schema_for(args[0]) if args else {},
            "x-cog-array-type": "iterator",
        }
        origin_name = getattr(typing.get_origin(returns), "__name__", "")
        if (args and args[0] is str) or "Concatenate" in origin_name:
            output["x-cog-array-display"] = "concatenate"
    else:
        output = {"title": "Output", **_schema_for(returns)}

    async def run(inputs: JSON, ctx: RunContext) -> Any:
        inputs = dict(inputs)
        for param_name, path_type in path_params.items():
            if isinstance(inputs.get(param_name), str):
                inputs[param_name] = path_type(await ctx.fetch_file(inputs[param_name]))
        if inspect.iscoroutinefunction(function):
            result = await function(**inputs)
        elif inspect.isasyncgenfunction(function):
            result = function(**inputs)
        else:
            # plain functions may block: keep them off the event loop
            result = await ctx.run_in_thread(function, **inputs)
        if inspect.isasyncgen(result):
            async for item in result:
                ctx.emit(await _publish(item, ctx))
            return None
        if inspect.isgenerator(result) or (is_generator and isinstance(result, cabc.Iterator)):
            done = object()
            while (item := await ctx.run_in_thread(next, result, done)) is not done:
                ctx.emit(await _publish(item, ctx))
            return None
        return await _publish(result, ctx)

    doc = description or (inspect.getdoc(function) or "").split("\n\n")[0]
    return LocalModel(
        owner,
        name,
        doc or f"{function.__module__}.{function.__qualname__}",
        object_schema(properties, required),
        output,
        run,
        readme=inspect.getdoc(function) or "",
        iterator=is_generator,
    )


async def _publish(value: Any, ctx: RunContext) -> Any:
    """Files in an output (``Path`` values) become URLs served by the server."""
    if isinstance(value, PurePath):
        path = Path(value)
        data = await ctx.run_in_thread(path.read_bytes)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return ctx.save_file(data, filename=path.name, content_type=content_type)
    if isinstance(value, list | tuple):
        return [await _publish(v, ctx) for v in value]
    if isinstance(value, dict):
        return {k: await _publish(v, ctx) for k, v in value.items()}
    return value


def predictor_model(ref: str, predictor_class: type) -> LocalModel:
    """Serve a Cog-style predictor class (``setup()`` once, then ``predict(...)`` or ``run(...)``
    per prediction) through its public surface only: no private Cog modules are used."""
    method_name = None
    for klass in predictor_class.__mro__:
        if klass.__module__.split(".")[0] == "cog" or klass is object:
            continue
        for candidate in ("run", "predict"):
            if candidate in vars(klass):
                method_name = candidate
                break
        if method_name is not None:
            break
    if method_name is None:
        raise ValueError(f"{predictor_class.__qualname__} defines neither predict() nor run()")
    instance = predictor_class()
    setup = getattr(instance, "setup", None)
    if callable(setup):
        setup()
    description = (inspect.getdoc(predictor_class) or "").split("\n\n")[0]
    return function_model(ref, getattr(instance, method_name), description=description)


def model_from(ref: str, target: Any) -> LocalModel:
    """A function or a predictor class → a model."""
    if inspect.isclass(target):
        return predictor_model(ref, target)
    return function_model(ref, target)


def coerce_models(
    models: Mapping[str, Callable[..., Any]] | list[str] | tuple[str, ...] | None,
) -> list[LocalModel]:
    """User models given as {ref: function} or ["owner/name=pkg.mod:fn", ...]."""
    if not models:
        return []
    if isinstance(models, Mapping):
        return [model_from(ref, fn) for ref, fn in models.items()]
    return [model_from(*parse_model_spec(spec)) for spec in models]

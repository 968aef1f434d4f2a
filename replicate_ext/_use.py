"""``client.use(ref)``: a model as a Python callable whose keyword arguments are checked against
the version's input schema before any prediction is created, and whose output is shaped by the
output schema.

The schema is fetched once per client (:class:`SchemaCache`, one per client) and refreshed on
demand with ``model.refresh()``.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import anyio
import attrs

from . import _schema, _schema_types
from ._errors import ReplicateError
from ._files import AsyncFileOutput, FileOutput, encode_inputs, encode_inputs_async
from ._refs import ModelRef, parse_ref

if TYPE_CHECKING:
    from ._client import AsyncClient, Client
    from .types import Model as ModelObject
    from .types import Prediction, Version

__all__ = ["AsyncTypedModel", "ModelSchema", "SchemaCache", "TypedModel"]


@attrs.frozen
class ModelSchema:
    """What ``use()`` knows about a model: the version its schema came from, its inputs and its
    output schema."""

    ref: str
    model: str  # owner/name
    version: str
    description: str
    inputs: _schema.InputSpec
    output: dict[str, Any]
    openapi: dict[str, Any] = attrs.field(repr=False)  # the version's schema, as published

    @classmethod
    def from_version(cls, ref: str, model: str, version: Version, description: str) -> ModelSchema:
        openapi = version.openapi_schema
        if not openapi:
            raise ReplicateError(f"{model} version {version.id} publishes no input schema")
        return cls(
            ref=ref,
            model=model,
            version=version.id,
            description=description,
            inputs=_schema.input_spec(openapi),
            output=_schema.output_schema(openapi),
            openapi=openapi,
        )


def split_ref(ref: str) -> tuple[str, str | None]:
    """``(owner/name, version or None)``; a bare version id is refused, since its schema
    cannot be looked up without the model's name."""
    parsed = parse_ref(ref)
    if isinstance(parsed, ModelRef):
        return str(parsed), None
    if parsed.owner is None:
        raise ValueError(
            f"use() needs 'owner/name' or 'owner/name:version' to find the schema, got {ref!r}"
        )
    return f"{parsed.owner}/{parsed.name}", parsed.id


def _latest(ref: str, model: ModelObject) -> Version:
    if model.latest_version is None:
        raise ReplicateError(f"{ref} has no version to read an input schema from")
    return model.latest_version


class SchemaCache:
    """Schemas by reference, for one client: each is fetched once (concurrent first uses wait
    for the same fetch) until refreshed."""

    def __init__(self) -> None:
        self._schemas: dict[str, ModelSchema] = {}
        self._latest: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._async_lock: anyio.Lock | None = None

    def get(self, client: Client, ref: str, *, refresh: bool = False) -> ModelSchema:
        with self._lock:
            cached = None if refresh else self._schemas.get(ref)
            if cached is None:
                model, version = split_ref(ref)
                if version is None:
                    found = client.models.get(model)
                    schema = ModelSchema.from_version(
                        ref, model, _latest(ref, found), found.description or ""
                    )
                    self._latest[model] = schema.version
                else:
                    schema = ModelSchema.from_version(
                        ref, model, client.models.versions.get(model, version), ""
                    )
                cached = self._schemas[ref] = schema
            return cached

    def latest_version(self, client: Client, model: str) -> str | None:
        """The id of the model's latest version, looked up once (for outdated-module checks:
        the schema itself is not needed)."""
        with self._lock:
            if model not in self._latest:
                found = client.models.get(model).latest_version
                self._latest[model] = found.id if found is not None else None
            return self._latest[model]

    async def alatest_version(self, client: AsyncClient, model: str) -> str | None:
        if self._async_lock is None:
            self._async_lock = anyio.Lock()
        async with self._async_lock:
            if model not in self._latest:
                found = (await client.models.get(model)).latest_version
                self._latest[model] = found.id if found is not None else None
            return self._latest[model]

    async def aget(self, client: AsyncClient, ref: str, *, refresh: bool = False) -> ModelSchema:
        if self._async_lock is None:
            self._async_lock = anyio.Lock()
        async with self._async_lock:
            cached = None if refresh else self._schemas.get(ref)
            if cached is None:
                model, version = split_ref(ref)
                if version is None:
                    found = await client.models.get(model)
                    schema = ModelSchema.from_version(
                        ref, model, _latest(ref, found), found.description or ""
                    )
                    self._latest[model] = schema.version
                else:
                    fetched = await client.models.versions.get(model, version)
                    schema = ModelSchema.from_version(ref, model, fetched, "")
                cached = self._schemas[ref] = schema
            return cached


# --------------------------------------------------------------------------------------------
# Signature and help, shared by both flavours


def _output_annotation(output: Mapping[str, Any], file_type: Any) -> Any:
    """What a call returns: iterators come back whole (a list, or ``str`` when concatenated)."""
    if not _schema_types.describes_output(output):
        return Any
    if _schema_types.is_iterator(output):
        if _schema_types.concatenates(output):
            return str
        items = output.get("items")
        item = _schema_types.python_annotation(items, file_type=file_type) if items else Any
        return list[item]  # type: ignore[valid-type]
    return _schema_types.python_annotation(output, file_type=file_type)


def build_signature(schema: ModelSchema, *, file_output: Any) -> inspect.Signature:
    """Keyword-only parameters with their types (``Annotated`` with the description), defaults
    (documented ones, None for optional inputs) and the output type."""
    parameters = []
    for field in schema.inputs.fields:
        annotation = _schema_types.python_annotation(
            field.schema, file_type=_schema.FileInput, optional=field.optional
        )
        if field.required:
            default: Any = inspect.Parameter.empty
        elif field.optional:
            default = None
        else:
            default = field.default
        parameters.append(
            inspect.Parameter(
                field.python_name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=_schema_types.described(annotation, field.description),
            )
        )
    returns = _output_annotation(schema.output, file_output)
    return inspect.Signature(parameters, return_annotation=returns)


def help_text(schema: ModelSchema, signature: inspect.Signature) -> str:
    """What ``help(model)`` shows: the call with its types, then each input in words."""
    shown = inspect.formatannotation
    params = ", ".join(
        f"{p.name}: {shown(_plain(p.annotation))}"
        + ("" if p.default is inspect.Parameter.empty else f" = {p.default!r}")
        for p in signature.parameters.values()
    )
    header = f"{schema.model} (version {schema.version})"
    if schema.description:
        header += f": {schema.description}"
    lines = [
        header,
        "",
        f"model(*, {params}) -> {shown(signature.return_annotation)}",
        "",
        "Inputs:",
    ]
    for field in schema.inputs.fields:
        lines.append(f"  {field.python_name}: {field.constraints()}")
        if field.description:
            lines.append(f"      {field.description}")
    if not schema.inputs.fields:
        lines.append("  (none)")
    return "\n".join(lines)


def _plain(annotation: Any) -> Any:
    """``X`` of ``Annotated[X, description]``."""
    return annotation.__origin__ if hasattr(annotation, "__metadata__") else annotation


class _TypedModelBase:
    _schema: ModelSchema

    def _set_schema(self, schema: ModelSchema) -> None:
        self._schema = schema
        self.__doc__ = help_text(schema, self.signature)

    @property
    def ref(self) -> str:
        """The reference given to ``use()``."""
        return self._schema.ref

    @property
    def version(self) -> str:
        """The version id whose schema the inputs are checked against."""
        return self._schema.version

    @property
    def schema(self) -> ModelSchema:
        return self._schema

    @property
    def signature(self) -> inspect.Signature:
        """The call's parameters (types, defaults, descriptions) as an ``inspect.Signature``."""
        return build_signature(self._schema, file_output=self._file_output_type())

    @property
    def __signature__(self) -> inspect.Signature:  # what inspect.signature(model) returns
        return self.signature

    def _file_output_type(self) -> Any:
        return FileOutput

    def validate(self, **inputs: Any) -> dict[str, Any]:
        """The input that would be sent (defaults filled); InputValidationError otherwise."""
        return _schema.validate_input(self._schema.inputs, inputs, model=self._schema.model)

    def _shape(self, output: Any, wrap_outputs: Callable[[Any], Any]) -> Any:
        """File URLs become file outputs through the client's ``wrap_outputs``: where the
        output schema marks them, else (no output schema) wherever a URL is recognised."""
        if _schema_types.describes_output(self._schema.output):
            return _schema_types.shape_output(self._schema.output, output, wrap_outputs)
        return wrap_outputs(output)

    def _shape_item(self, data: str, make_file: Callable[[str], Any]) -> Any:
        return _schema_types.shape_stream_item(self._schema.output, data, make_file)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._schema.ref!r}, version={self._schema.version!r})"


class TypedModel(_TypedModelBase):
    """A model as a validated callable: ``client.use("demo/image")(width=64)``.

    Calling it checks the keyword arguments against the input schema (raising
    InputValidationError before any request) and runs the model like ``client.run``; file
    outputs come back as FileOutput, concatenated text as ``str``. ``help(model)`` and
    ``inspect.signature(model)`` show its parameters.

    >>> image = client.use("demo/image")             # doctest: +SKIP
    >>> image(width=32, height=32).save("out.png")    # doctest: +SKIP
    """

    def __init__(self, client: Client, schema: ModelSchema) -> None:
        self._owner = client
        self._set_schema(schema)

    def __call__(self, **inputs: Any) -> Any:
        payload = self.validate(**inputs)
        output = self._owner.run(self._schema.ref, input=payload, use_file_output=False)
        return self.shape(output)

    def shape(self, output: Any) -> Any:
        """A raw output (e.g. a created prediction's ``output``) shaped as ``model()`` does."""
        return self._shape(output, self._owner.wrap_outputs)

    def create(self, **inputs: Any) -> Prediction:
        """Validate, then start a prediction and return it without waiting."""
        payload = self.validate(**inputs)
        encoded = encode_inputs(payload, upload=self._owner.files.upload_input)
        model, version = _route(self._schema.ref)
        return self._owner.predictions.create(model=model, version=version, input=encoded)

    def stream(self, **inputs: Any) -> Iterator[Any]:
        """Validate (now), then yield the output items as the model produces them (text
        tokens, or FileOutput for file items)."""
        payload = self.validate(**inputs)
        events = self._owner.stream(self._schema.ref, input=payload)
        return (
            self._shape_item(event.data, self._owner.wrap_outputs)
            for event in events
            if event.event == "output"
        )

    def refresh(self) -> TypedModel:
        """Fetch the schema again; later ``use()`` of the same ref on this client gets the new
        one too."""
        self._set_schema(schema_cache(self._owner).get(self._owner, self._schema.ref, refresh=True))
        return self


class AsyncTypedModel(_TypedModelBase):
    """The async twin of :class:`TypedModel`: ``await model(...)``, ``await model.create(...)``,
    ``async for item in model.stream(...)``; file outputs are AsyncFileOutput.

    >>> image = await client.use("demo/image")       # doctest: +SKIP
    >>> await (await image(width=32)).save("out.png")  # doctest: +SKIP
    """

    def __init__(self, client: AsyncClient, schema: ModelSchema) -> None:
        self._owner = client
        self._set_schema(schema)

    def _file_output_type(self) -> Any:
        return AsyncFileOutput

    async def __call__(self, **inputs: Any) -> Any:
        payload = self.validate(**inputs)
        output = await self._owner.run(self._schema.ref, input=payload, use_file_output=False)
        return self.shape(output)

    def shape(self, output: Any) -> Any:
        """See :meth:`TypedModel.shape`."""
        return self._shape(output, self._owner.wrap_outputs)

    async def create(self, **inputs: Any) -> Prediction:
        """See :meth:`TypedModel.create`."""
        payload = self.validate(**inputs)
        encoded = await encode_inputs_async(payload, upload=self._owner.files.upload_input)
        model, version = _route(self._schema.ref)
        return await self._owner.predictions.create(model=model, version=version, input=encoded)

    def stream(self, **inputs: Any) -> AsyncIterator[Any]:
        """See :meth:`TypedModel.stream`."""
        payload = self.validate(**inputs)
        events = self._owner.stream(self._schema.ref, input=payload)
        return (
            self._shape_item(event.data, self._owner.wrap_outputs)
            async for event in events
            if event.event == "output"
        )

    async def refresh(self) -> AsyncTypedModel:
        """See :meth:`TypedModel.refresh`."""
        cache = schema_cache(self._owner)
        self._set_schema(await cache.aget(self._owner, self._schema.ref, refresh=True))
        return self


def _route(ref: str) -> tuple[str | None, str | None]:
    """(model, version) for predictions.create: the model route unless a version is pinned."""
    model, version = split_ref(ref)
    return (model, None) if version is None else (None, version)


def schema_cache(client: Client | AsyncClient) -> SchemaCache:
    """The client's schemas (each fetched once): ``use()``'s and generated modules'."""
    cache: SchemaCache = client.schema_cache
    return cache


def use(client: Client, ref: str) -> TypedModel:
    """What ``Client.use`` does: fetch (or reuse) the schema, return the callable."""
    return TypedModel(client, schema_cache(client).get(client, ref))


async def use_async(client: AsyncClient, ref: str) -> AsyncTypedModel:
    """What ``AsyncClient.use`` does."""
    return AsyncTypedModel(client, await schema_cache(client).aget(client, ref))

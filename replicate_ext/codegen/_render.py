"""Pure rendering of a typed Python module from a model version's schema.

The output is deterministic (schema keys sorted, inputs in ``x-order``) and already in the shape
``ruff format`` gives it at the default line length of 88, so regenerating shows a readable diff
and generated modules pass ``ruff check``, ``ruff format --check`` and ``mypy --strict``.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from typing import Any

import attrs

from .. import _schema, _schema_types

__all__ = ["module_filename", "render_module"]

LINE_LENGTH = 88
_INDENT = "    "


def module_filename(model: str) -> str:
    """``"stability-ai/sdxl"`` → ``"stability_ai_sdxl.py"``."""
    stem = re.sub(r"\W+", "_", model.replace("/", "_").replace("-", "_").replace(".", "_"))
    stem = stem.strip("_").lower() or "model"
    return f"{'m_' if stem[0].isdigit() else ''}{stem}.py"


# --------------------------------------------------------------------------------------------
# Python literals, formatted as ruff format would (magic trailing commas when exploded)


def literal(value: Any, indent: int = 0, prefix: int = 0, suffix: int = 0) -> str:
    """``value`` as Python source: on one line when it fits in the line (``prefix`` characters
    before it, ``suffix`` after), else one item per line with a trailing comma."""
    compact = _compact(value)
    if indent + prefix + len(compact) + suffix <= LINE_LENGTH:
        return compact
    inner = indent + len(_INDENT)
    pad = " " * inner
    if isinstance(value, str):
        pieces = _split_string(value, LINE_LENGTH - inner)
        if len(pieces) == 1:
            return compact
        return "(\n" + "\n".join(pad + piece for piece in pieces) + "\n" + " " * indent + ")"
    if not isinstance(value, dict | list) or not value:
        return compact
    if isinstance(value, dict):
        items = []
        for key in sorted(value):
            head = f"{_string(key)}: "
            items.append(f"{pad}{head}{literal(value[key], inner, len(head), 1)},")
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    lines = [f"{pad}{literal(item, inner, 0, 1)}," for item in value]
    return "[\n" + "\n".join(lines) + "\n" + " " * indent + "]"


def _split_string(text: str, width: int) -> list[str]:
    """``text`` as string literals of at most ``width`` characters, cut after spaces (their
    implicit concatenation is ``text``)."""
    pieces: list[str] = []
    current = ""
    for word in re.findall(r"\S*\s*", text):
        if current and len(_string(current + word)) > width:
            pieces.append(_string(current))
            current = ""
        current += word
    if current or not pieces:
        pieces.append(_string(current))
    return pieces


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)}: {_compact(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_compact(item) for item in value) + "]"
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise TypeError(f"cannot write {type(value).__name__} into a generated module")


def _string(text: str) -> str:
    return json.dumps(text)  # double quotes, ASCII escapes: valid Python, what ruff keeps


def _bracketed(head: str, items: list[str], tail: str, indent: int) -> str:
    """``head(a, b)tail`` on one line when it fits, else exploded with a trailing comma."""
    flat = f"{head}{', '.join(items)}{tail}"
    if not items or indent + len(flat) <= LINE_LENGTH:
        return " " * indent + flat
    pad = " " * (indent + len(_INDENT))
    body = "\n".join(f"{pad}{item}," for item in items)
    return f"{' ' * indent}{head}\n{body}\n{' ' * indent}{tail}"


def _wrap(text: str, indent: int, first: str = "") -> list[str]:
    """``first + text`` in lines that fit once indented by ``indent`` (plus a docstring's
    quotes); continuation lines are indented 4 more when ``first`` is given."""
    later = _INDENT if first else ""
    lines = textwrap.wrap(first + text, width=LINE_LENGTH - indent - 3, subsequent_indent=later)
    return lines or [first.rstrip()]


def _docstring(lines: list[str], indent: int) -> str:
    """A docstring at ``indent`` from lines without that indentation (quotes escaped)."""
    pad = " " * indent
    safe = [line.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').rstrip() for line in lines]
    if len(safe) == 1:
        return f'{pad}"""{safe[0]}"""'
    body = "\n".join(pad + line if line else "" for line in safe[1:])
    return f'{pad}"""{safe[0]}\n{body}\n{pad}"""'


# --------------------------------------------------------------------------------------------
# Types


@attrs.define
class _Imports:
    typing: set[str] = attrs.field(factory=set)
    abc: set[str] = attrs.field(factory=set)
    package: set[str] = attrs.field(factory=lambda: {"AsyncClient", "Client", "Prediction"})
    codegen: set[str] = attrs.field(factory=lambda: {"runtime"})

    def render(self) -> str:
        lines = ["from __future__ import annotations", ""]
        if self.abc:
            lines.append(f"from collections.abc import {', '.join(sorted(self.abc))}")
        typing_names = sorted(self.typing | {"Any", "TypeAlias", "cast"}, key=_by_type)
        lines.append(f"from typing import {', '.join(typing_names)}")
        lines += ["", "import attrs"]
        lines.append(f"from replicate_ext import {', '.join(sorted(self.package))}")
        codegen = sorted(self.codegen, key=_by_type)
        lines.append(f"from replicate_ext.codegen import {', '.join(codegen)}")
        return "\n".join(lines)


def _by_type(name: str) -> tuple[int, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions and modules."""
    if name.isupper():
        return (0, name)
    return (1, name) if name[:1].isupper() else (2, name)


def _type_source(schema: Mapping[str, Any], file_type: str, imports: _Imports) -> str:
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        imports.typing.add("Literal")
        return f"Literal[{', '.join(_compact(v) for v in enum)}]"
    if schema.get("type") == "string" and schema.get("format") == "uri":
        if file_type == "FileInput":
            imports.codegen.add("FileInput")
        else:
            imports.package.add(file_type)
        return file_type
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items")
        item = _type_source(items, file_type, imports) if isinstance(items, Mapping) else "Any"
        return f"list[{item}]"
    simple = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
    if kind in simple:
        return simple[kind]
    return "dict[str, Any]" if kind == "object" else "Any"


@attrs.frozen
class _Param:
    name: str  # Python name
    field: _schema.InputField
    annotation: str
    default: str | None  # source of the default, None when required

    def source(self) -> str:
        default = "" if self.default is None else f" = {self.default}"
        return f"{self.name}: {self.annotation}{default}"

    def doc(self) -> str:
        words = self.field.constraints()
        described = self.field.description.rstrip(".")
        words = f"{words[:1].upper()}{words[1:]}"
        return f"{described}. {words}." if described else f"{words}."


# Names a generated module defines or imports; an enum alias never takes one of them.
_TAKEN = frozenset(
    {
        *("Input", "Output", "AsyncOutput", "OutputItem", "AsyncOutputItem"),
        *("Any", "Literal", "TypeAlias", "Iterator", "AsyncIterator"),
        *("Client", "AsyncClient", "Prediction", "FileInput", "FileOutput", "AsyncFileOutput"),
    }
)


def _enum_aliases(spec: _schema.InputSpec) -> dict[str, str]:
    """A ``Literal`` alias name per enum input (``scheduler`` → ``Scheduler``), so that long
    choices are written once and signatures stay short."""
    names: dict[str, str] = {}
    for field in spec.fields:
        if isinstance(field.schema.get("enum"), list) and field.schema["enum"]:
            camel = "".join(part.capitalize() for part in field.python_name.split("_"))
            name = camel if camel[:1].isalpha() else f"Choice{camel}"
            while name in _TAKEN or name in names.values():
                name += "Value"
            names[field.name] = name
    return names


def _alias_source(name: str, values: list[Any]) -> str:
    head = f"{name}: TypeAlias = Literal["
    return _bracketed(head, [_compact(value) for value in values], "]", 0)


def _params(spec: _schema.InputSpec, imports: _Imports, aliases: Mapping[str, str]) -> list[_Param]:
    params = []
    for field in spec.fields:
        if field.name in aliases:
            imports.typing.add("Literal")
            annotation = aliases[field.name]
        else:
            annotation = _type_source(field.schema, "FileInput", imports)
        if field.optional or field.schema.get("nullable"):
            annotation += " | None"
        default: str | None
        if field.required:
            default = None
        elif field.optional or isinstance(field.default, dict | list):
            # a mutable default would be shared between calls; None sends none at all, so the
            # model applies its own
            default = "None"
            if not annotation.endswith("| None"):
                annotation += " | None"
        elif field.schema.get("type") == "integer" and _whole_float(field.default):
            default = _compact(int(field.default))  # Cog may write 1 as 1.0
        else:
            default = _compact(field.default)
        params.append(_Param(field.python_name, field, annotation, default))
    return params


def _whole_float(value: Any) -> bool:
    return isinstance(value, float) and value.is_integer()


# --------------------------------------------------------------------------------------------
# The module


def render_module(
    model: str, version: str, openapi_schema: Mapping[str, Any], description: str = ""
) -> str:
    """The source of a typed module for ``model`` pinned to ``version``.

    >>> schema = {"components": {"schemas": {"Input": {"type": "object", "properties": {
    ...     "name": {"type": "string"}}, "required": ["name"]}, "Output": {"type": "string"}}}}
    >>> source = render_module("demo/hello", "abc123", schema)
    >>> "def run(" in source and 'VERSION = "abc123"' in source
    True
    """
    input_schema = _schema.input_schema(openapi_schema)
    output = _schema.output_schema(openapi_schema)
    spec = _schema.fields_of(input_schema)
    imports = _Imports()
    aliases = _enum_aliases(spec)
    params = _params(spec, imports, aliases)
    choices = [
        _alias_source(aliases[f.name], f.schema["enum"]) for f in spec.fields if f.name in aliases
    ]
    streams = _schema_types.is_iterator(output)
    sections = [
        _header(model, version, description),
        "",
        "",  # imports go here
        "",
        f"MODEL = {_string(model)}",
        f"VERSION = {_string(version)}",
        "",
        _outputs(output, imports, streams),
        *(["", "\n".join(choices)] if choices else []),
        "",
        f"_PINNED = runtime.Pinned(\n{_INDENT}MODEL,\n{_INDENT}VERSION,",
        f"{_INDENT}{literal(input_schema, 4, 0, 1)},",
        f"{_INDENT}{literal(output, 4, 0, 1)},",
        ")",
        "",
        "",
        _input_class(model, params),
    ]
    sections += _functions(model, params, streams, imports)
    sections[2] = imports.render()
    return "\n".join(sections).rstrip() + "\n"


def _header(model: str, version: str, description: str) -> str:
    title = f"{model}: {description.strip()}" if description.strip() else model
    lines = [*_wrap(title, 0), ""]
    lines += _wrap(
        f"Typed interface generated by `replicate-ext codegen {model}` from version "
        f"{version}; do not edit, regenerate. Calls run exactly that version and warn "
        "(OutdatedModelWarning) when the model's latest version differs. Inputs are checked "
        "when the Input class is built (one InputValidationError lists every problem), before "
        "any request.",
        0,
    )
    return _docstring(lines, 0)


def _outputs(output: Mapping[str, Any], imports: _Imports, streams: bool) -> str:
    def alias(name: str, file_type: str, doc: str) -> list[str]:
        if streams:
            items = output.get("items")
            item_schema = items if isinstance(items, Mapping) else {}
            item = _type_source(item_schema, file_type, imports)
            if name.endswith("Output"):
                whole = "str" if _schema_types.concatenates(output) else f"list[{item}]"
            else:
                whole = item
        else:
            whole = _type_source(output, file_type, imports)
        return [f"{name}: TypeAlias = {whole}", _docstring([doc], 0)]

    lines = alias("Output", "FileOutput", "What run() returns.")
    lines += alias("AsyncOutput", "AsyncFileOutput", "What async_run() returns.")
    if streams:
        imports.abc.update({"AsyncIterator", "Iterator"})
        lines += alias("OutputItem", "FileOutput", "What stream() yields.")
        lines += alias("AsyncOutputItem", "AsyncFileOutput", "What async_stream() yields.")
    return "\n".join(lines)


def _input_class(model: str, params: list[_Param]) -> str:
    lines = [
        "@attrs.frozen(kw_only=True)",
        "class Input:",
        _docstring([f"The inputs of {model}, checked against its schema when built."], 4),
        "",
    ]
    for param in params:
        lines.append(f"{_INDENT}{param.source()}")
        lines.append(_docstring(_wrap(param.doc(), 4), 4))
        lines.append("")
    lines += [
        f"{_INDENT}def __attrs_post_init__(self) -> None:",
        f"{_INDENT * 2}self.to_input()",
        "",
        f"{_INDENT}def to_input(self) -> dict[str, Any]:",
        _docstring(["The input to send: defaults filled, unset optional inputs left out."], 8),
        _bracketed(
            "values: dict[str, Any] = {",
            [f"{_string(p.field.name)}: self.{p.name}" for p in params],
            "}",
            8,
        ),
        f"{_INDENT * 2}return _PINNED.check(values)",
    ]
    return "\n".join(lines)


def _functions(model: str, params: list[_Param], streams: bool, imports: _Imports) -> list[str]:
    blocks = [
        ("run", False, "Output", "_PINNED.run", f"Run {model} and wait for its output."),
        ("create", False, "Prediction", "_PINNED.create", "Start a prediction; do not wait."),
        ("async_run", True, "AsyncOutput", "await _PINNED.async_run", "Async run()."),
        ("async_create", True, "Prediction", "await _PINNED.async_create", "Async create()."),
    ]
    if streams:
        blocks += [
            ("stream", False, "Iterator[OutputItem]", "_PINNED.stream", "Yield output items."),
            (
                "async_stream",
                True,
                "AsyncIterator[AsyncOutputItem]",
                "_PINNED.async_stream",
                "Async stream().",
            ),
        ]
    out = []
    for name, is_async, returns, call, summary in blocks:
        out += ["", ""]
        client = "client: AsyncClient" if is_async else "client: Client | None = None"
        signature = ["*", *(p.source() for p in params), client]
        keyword = "async def" if is_async and not name.endswith("stream") else "def"
        lines = [_bracketed(f"{keyword} {name}(", signature, f") -> {returns}:", 0)]
        doc = [summary, "", "Args:"]
        for param in params:
            doc += [_INDENT + line for line in _wrap(param.doc(), 8, f"{param.name}: ")]
        who = "The AsyncClient to use." if is_async else "Defaults to the default client."
        doc += [f"{_INDENT}client: {who}"]
        lines.append(_docstring(doc, 4))
        lines.append(_bracketed("inputs = Input(", [f"{p.name}={p.name}" for p in params], ")", 4))
        if returns == "Prediction":
            lines.append(f"{_INDENT}return {call}(client, inputs.to_input())")
        else:
            lines.append(f"{_INDENT}output = {call}(client, inputs.to_input())")
            lines.append(f"{_INDENT}return cast({_string(returns)}, output)")
        out.append("\n".join(lines))
    return out

"""Compare an upstream OpenAPI document with ours and say what changed.

    python tools/spec_diff.py UPSTREAM openapi.yaml

Operations are matched by HTTP method and path (parameter names ignored for matching). For each
matched operation it compares parameters, the request body and every response schema, following
`$ref`s and nested objects/arrays, and reports properties added, removed, or changed in type,
required or nullable. Component schemas with the same name in both documents are compared too.

"added" means the upstream has it and we do not; "removed" means only we have it.
Exit status: 1 when the upstream has operations, required parameters or required request-body
fields that we lack; 0 otherwise; 2 on unreadable input.

The non-standard QUERY method is recognised both as the upstream's `query` key and as our
`x-query` path item extension.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Schema = Mapping[str, Any]

STANDARD_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
METHOD_KEYS: dict[str, str] = {m: m.upper() for m in STANDARD_METHODS} | {
    "query": "QUERY",
    "x-query": "QUERY",
}
MAX_DEPTH = 8


@dataclass
class SpecDiff:
    """The outcome of a comparison: report lines and the subset that should fail the run."""

    missing_operations: list[str] = field(default_factory=list)
    extra_operations: list[str] = field(default_factory=list)
    # heading → change lines, in document order
    sections: dict[str, list[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    # differences where ours is deliberately more lenient than upstream (not listed by default)
    lenient: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def add(self, heading: str, line: str, *, failure: bool = False) -> None:
        self.sections.setdefault(heading, []).append(line)
        if failure:
            self.failures.append(f"{heading}: {line}")

    def render(self) -> str:
        out: list[str] = []
        if self.missing_operations:
            out.append("Operations in upstream but missing from ours:")
            out += [f"  + {op}" for op in self.missing_operations]
        if self.extra_operations:
            out.append("Operations only in ours:")
            out += [f"  - {op}" for op in self.extra_operations]
        for heading, lines in self.sections.items():
            out.append(f"{heading}:")
            out += [f"  {line}" for line in lines]
        if not out:
            out.append("No differences.")
        if self.lenient:
            out.append(
                f"({self.lenient} response field(s) where ours deliberately accepts null or"
                " absence although upstream promises a value; --all lists them)"
            )
        if self.failures:
            out.append(
                f"\n{len(self.failures)} blocking difference(s): ours lacks what upstream has."
            )
            out += [f"  ! {failure}" for failure in self.failures]
        else:
            out.append("\nNo missing operation or required request field.")
        return "\n".join(out)


class Document:
    """An OpenAPI document with `$ref` resolution."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                break
            seen.add(ref)
            target: Any = self.data
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, Mapping) else {}
            node = target
        return node

    def operations(self) -> dict[str, tuple[str, str, Mapping[str, Any], Mapping[str, Any]]]:
        """`METHOD /path/{}` → (method, original path, operation, path item)."""
        found: dict[str, tuple[str, str, Mapping[str, Any], Mapping[str, Any]]] = {}
        for path, raw_item in (self.data.get("paths") or {}).items():
            item = self.resolve(raw_item)
            for key, method in METHOD_KEYS.items():
                operation = item.get(key)
                if isinstance(operation, Mapping):
                    found[f"{method} {normalize_path(path)}"] = (method, path, operation, item)
        return found


def normalize_path(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def load_spec(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict) or "paths" not in data:
        raise ValueError(f"{path} is not an OpenAPI document (no `paths`)")
    return data


@dataclass(frozen=True)
class Shape:
    """The facts of a schema that the diff compares."""

    type: str
    nullable: bool


def shape_of(doc: Document, schema: Any) -> Shape:
    """Type (e.g. "string", "integer|string", "any") and nullability, looking through unions."""
    schema = doc.resolve(schema)
    if not isinstance(schema, Mapping):
        return Shape("any", False)
    nullable = bool(schema.get("nullable"))
    types: set[str] = set()
    raw_type = schema.get("type")
    if isinstance(raw_type, str):
        types.add(raw_type)
    elif isinstance(raw_type, list):
        types.update(str(t) for t in raw_type)
    for key in ("anyOf", "oneOf", "allOf"):
        for variant in schema.get(key) or []:
            inner = shape_of(doc, variant)
            nullable = nullable or inner.nullable
            if inner.type != "any":
                types.update(inner.type.split("|"))
    if "null" in types:
        nullable = True
        types.discard("null")
    if not types and "properties" in schema:
        types.add("object")
    return Shape("|".join(sorted(types)) or "any", nullable)


def object_parts(doc: Document, schema: Any) -> tuple[dict[str, Any], set[str], Any]:
    """(properties, required names, array item schema) of a schema, looking through unions."""
    schema = doc.resolve(schema)
    if not isinstance(schema, Mapping):
        return {}, set(), None
    properties = dict(schema.get("properties") or {})
    required = set(schema.get("required") or [])
    items = schema.get("items")
    for key in ("anyOf", "oneOf", "allOf"):
        for variant in schema.get(key) or []:
            more_props, more_required, more_items = object_parts(doc, variant)
            properties.update(more_props)
            required |= more_required
            items = items if items is not None else more_items
    return properties, required, items


def parameters_of(
    doc: Document, path: str, operation: Mapping[str, Any], item: Mapping[str, Any]
) -> dict[tuple[str, str], Mapping[str, Any]]:
    """(location, key) → parameter; operation-level entries override path-level ones.

    Path parameters are keyed by their position in the path ("{0}", "{1}", ...), since their
    names never reach the wire; header names are case-insensitive.
    """
    slots = re.findall(r"\{([^}]*)\}", path)
    found: dict[tuple[str, str], Mapping[str, Any]] = {}
    for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = doc.resolve(raw)
        if not isinstance(parameter, Mapping) or "name" not in parameter:
            continue
        location, key = str(parameter.get("in", "query")), str(parameter["name"])
        if location == "header":
            key = key.lower()
        elif location == "path" and key in slots:
            key = f"{{{slots.index(key)}}}"
        found[(location, key)] = parameter
    return found


def body_schemas(doc: Document, holder: Any) -> dict[str, Any]:
    """content type → schema of a request body or response."""
    holder = doc.resolve(holder)
    if not isinstance(holder, Mapping):
        return {}
    content = holder.get("content") or {}
    return {str(ct): media.get("schema", {}) for ct, media in content.items()}


class Comparator:
    """Walks two documents side by side and collects changes into a SpecDiff.

    Schemas referenced by `$ref` on both sides are compared once, under their own heading,
    however many operations use them.
    """

    def __init__(self, upstream: Document, ours: Document, *, show_lenient: bool) -> None:
        self.upstream, self.ours = upstream, ours
        self.show_lenient = show_lenient
        self.result = SpecDiff()
        self._queued: list[tuple[str, str, bool]] = []
        self._seen_pairs: set[tuple[str, str, bool]] = set()
        # Our schemas already reached from some operation (request or response side).
        self.reached: set[str] = set()

    def queue(self, up_ref: str, our_ref: str, *, request: bool) -> None:
        """Compare these two referenced schemas later (once)."""
        pair = (up_ref, our_ref, request)
        if pair not in self._seen_pairs:
            self._seen_pairs.add(pair)
            self._queued.append(pair)

    def emit(
        self, heading: str, line: str, *, failure: bool = False, lenient: bool = False
    ) -> None:
        if lenient and not self.show_lenient:
            self.result.lenient += 1
            return
        self.result.add(heading, line, failure=failure)

    def schemas(
        self,
        heading: str,
        up_schema: Any,
        our_schema: Any,
        where: str,
        *,
        request: bool,
        depth: int = 0,
    ) -> None:
        """Compare two schemas at location `where` (properties, nested objects, array items)."""
        if depth > MAX_DEPTH:
            return
        up_ref, our_ref = _ref_of(up_schema), _ref_of(our_schema)
        if our_ref:
            self.reached.add(our_ref)
        if up_ref and our_ref and depth > 0:
            self.queue(up_ref, our_ref, request=request)
            return
        up_props, up_required, up_items = object_parts(self.upstream, up_schema)
        our_props, our_required, our_items = object_parts(self.ours, our_schema)
        for name in sorted(up_props.keys() - our_props.keys()):
            needed = name in up_required
            label = " (required)" if needed else ""
            self.emit(heading, f"{where}.{name}: added upstream{label}", failure=request and needed)
        for name in sorted(our_props.keys() - up_props.keys()):
            self.emit(heading, f"{where}.{name}: removed upstream (only ours has it)")
        for name in sorted(up_props.keys() & our_props.keys()):
            path = f"{where}.{name}"
            self.field(
                heading,
                up_props[name],
                our_props[name],
                path,
                up_required=name in up_required,
                our_required=name in our_required,
                request=request,
            )
            self.schemas(
                heading, up_props[name], our_props[name], path, request=request, depth=depth + 1
            )
        if up_items is not None and our_items is not None:
            path = f"{where}[]"
            self.field(heading, up_items, our_items, path, request=request)
            self.schemas(heading, up_items, our_items, path, request=request, depth=depth + 1)

    def field(
        self,
        heading: str,
        up_schema: Any,
        our_schema: Any,
        where: str,
        *,
        request: bool,
        up_required: bool | None = None,
        our_required: bool | None = None,
    ) -> None:
        """Compare type, nullable and required of one field."""
        up_shape, our_shape = shape_of(self.upstream, up_schema), shape_of(self.ours, our_schema)
        if up_shape.type != our_shape.type and "any" not in (up_shape.type, our_shape.type):
            self.emit(
                heading, f"{where}: type {our_shape.type} (ours) → {up_shape.type} (upstream)"
            )
        if up_shape.nullable != our_shape.nullable:
            # Accepting null where upstream promises a value is deliberate leniency.
            lenient = not request and our_shape.nullable
            self.emit(
                heading,
                f"{where}: nullable {our_shape.nullable} (ours) → {up_shape.nullable} (upstream)",
                lenient=lenient,
            )
        if up_required is not None and up_required != our_required:
            # Tolerating an absent response field is deliberate leniency too.
            lenient = not request and not our_required
            self.emit(
                heading,
                f"{where}: required {our_required} (ours) → {up_required} (upstream)",
                lenient=lenient,
            )

    def operation(
        self,
        heading: str,
        up_op: tuple[str, str, Mapping[str, Any], Mapping[str, Any]],
        our_op: tuple[str, str, Mapping[str, Any], Mapping[str, Any]],
    ) -> None:
        upstream, ours = self.upstream, self.ours
        _, _, up_operation, up_item = up_op
        _, _, our_operation, our_item = our_op
        up_params = parameters_of(upstream, up_op[1], up_operation, up_item)
        our_params = parameters_of(ours, our_op[1], our_operation, our_item)
        for key, parameter in sorted(up_params.items()):
            if key not in our_params:
                needed = bool(parameter.get("required"))
                label = " (required)" if needed else ""
                where = f"parameter {key[0]} {parameter['name']}"
                self.emit(heading, f"{where}: added upstream{label}", failure=needed)
        for key in sorted(our_params.keys() - up_params.keys()):
            where = f"parameter {key[0]} {our_params[key]['name']}"
            self.emit(heading, f"{where}: removed upstream (only ours has it)")
        for key in sorted(up_params.keys() & our_params.keys()):
            up_param, our_param = up_params[key], our_params[key]
            self.field(
                heading,
                up_param.get("schema", {}),
                our_param.get("schema", {}),
                f"parameter {key[0]} {up_param['name']}",
                up_required=bool(up_param.get("required")),
                our_required=bool(our_param.get("required")),
                request=True,
            )

        up_body_holder = upstream.resolve(up_operation.get("requestBody"))
        our_body_holder = ours.resolve(our_operation.get("requestBody"))
        up_bodies = body_schemas(upstream, up_body_holder)
        our_bodies = body_schemas(ours, our_body_holder)
        if up_bodies and not our_bodies:
            needed = bool(isinstance(up_body_holder, Mapping) and up_body_holder.get("required"))
            self.emit(heading, "request body: added upstream", failure=needed)
        elif our_bodies:
            for content_type in sorted(up_bodies.keys() - our_bodies.keys()):
                self.emit(heading, f"request body {content_type}: added upstream")
        for content_type in sorted(our_bodies.keys() - up_bodies.keys()):
            self.emit(heading, f"request body {content_type}: removed upstream (only ours has it)")
        for content_type in sorted(up_bodies.keys() & our_bodies.keys()):
            up_body, our_body = up_bodies[content_type], our_bodies[content_type]
            where = f"request body {content_type}"
            self.field(heading, up_body, our_body, where, request=True)
            self.schemas(heading, up_body, our_body, "body", request=True)

        up_responses = up_operation.get("responses") or {}
        our_responses = our_operation.get("responses") or {}
        for status in sorted(up_responses.keys() - our_responses.keys(), key=str):
            self.emit(heading, f"response {status}: added upstream")
        for status in sorted(our_responses.keys() - up_responses.keys(), key=str):
            self.emit(heading, f"response {status}: removed upstream (only ours has it)")
        for status in sorted(up_responses.keys() & our_responses.keys(), key=str):
            up_content = body_schemas(upstream, up_responses[status])
            our_content = body_schemas(ours, our_responses[status])
            for content_type in sorted(up_content.keys() - our_content.keys()):
                self.emit(heading, f"response {status} {content_type}: added upstream")
            for content_type in sorted(our_content.keys() - up_content.keys()):
                self.emit(heading, f"response {status} {content_type}: removed upstream")
            for content_type in sorted(up_content.keys() & our_content.keys()):
                up_body, our_body = up_content[content_type], our_content[content_type]
                where = f"response {status}"
                self.field(heading, up_body, our_body, where, request=False)
                self.schemas(heading, up_body, our_body, where, request=False, depth=1)

    def referenced_schemas(self) -> None:
        """Compare every pair of referenced schemas met so far (and the pairs they lead to)."""
        while self._queued:
            up_ref, our_ref, request = self._queued.pop(0)
            up_name, our_name = up_ref.rsplit("/", 1)[-1], our_ref.rsplit("/", 1)[-1]
            heading = f"schema {up_name}" + ("" if up_name == our_name else f" (ours: {our_name})")
            up_schema = self.upstream.resolve({"$ref": up_ref})
            our_schema = self.ours.resolve({"$ref": our_ref})
            self.schemas(heading, up_schema, our_schema, our_name, request=request)


def _ref_of(schema: Any) -> str | None:
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ref
        # `anyOf: [{$ref}, {type: null}]` is our way of writing a nullable reference.
        variants = [v for v in schema.get("anyOf") or [] if v.get("type") != "null"]
        if len(variants) == 1 and len(schema.get("anyOf") or []) == 2:
            return _ref_of(variants[0])
    return None


def diff_specs(
    upstream_data: Mapping[str, Any], our_data: Mapping[str, Any], *, show_lenient: bool = False
) -> SpecDiff:
    """Compare two OpenAPI documents; `show_lenient` also lists deliberate leniencies."""
    upstream, ours = Document(upstream_data), Document(our_data)
    comparator = Comparator(upstream, ours, show_lenient=show_lenient)
    result = comparator.result
    up_ops, our_ops = upstream.operations(), ours.operations()

    def label(ops: Mapping[str, tuple[str, str, Mapping[str, Any], Any]], key: str) -> str:
        method, path, operation, _ = ops[key]
        operation_id = operation.get("operationId")
        return f"{method} {path}" + (f" ({operation_id})" if operation_id else "")

    for key in sorted(up_ops.keys() - our_ops.keys()):
        result.missing_operations.append(label(up_ops, key))
        result.failures.append(f"missing operation {label(up_ops, key)}")
    result.extra_operations = [
        label(our_ops, key) for key in sorted(our_ops.keys() - up_ops.keys())
    ]
    for key in sorted(up_ops.keys() & our_ops.keys()):
        comparator.operation(label(up_ops, key), up_ops[key], our_ops[key])

    up_components = (upstream_data.get("components") or {}).get("schemas") or {}
    our_components = (our_data.get("components") or {}).get("schemas") or {}
    for name in sorted(up_components.keys() & our_components.keys()):
        ref = f"#/components/schemas/{name}"
        if ref not in comparator.reached:
            comparator.queue(ref, ref, request=False)
    comparator.referenced_schemas()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compare an upstream OpenAPI spec with ours.")
    parser.add_argument("upstream", type=Path, help="upstream spec (.json or .yaml)")
    parser.add_argument("ours", type=Path, help="our spec, usually openapi.yaml")
    parser.add_argument("--all", action="store_true", help="also list deliberate leniencies")
    args = parser.parse_args(argv)
    try:
        upstream, ours = load_spec(args.upstream), load_spec(args.ours)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"spec-diff: {error}", file=sys.stderr)
        return 2
    result = diff_specs(upstream, ours, show_lenient=args.all)
    print(result.render())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())

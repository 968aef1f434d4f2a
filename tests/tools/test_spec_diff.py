"""tools/spec_diff.py on small fixture specs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools.spec_diff import diff_specs, main

# Ours: OpenAPI 3.1 style (type lists, x-query). Upstream variants are derived from it.
OURS: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/things": {
            "post": {
                "operationId": "things.create",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}
                    },
                },
                "responses": {
                    "201": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    }
                },
            },
            "x-query": {
                "operationId": "things.search",
                "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}}},
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/things/{thing_id}": {
            "get": {
                "operationId": "things.get",
                "parameters": [
                    {"name": "thing_id", "in": "path", "required": True, "schema": {}},
                    {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "NewThing": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "size": {"type": "integer"}},
            },
            "Thing": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string"},
                    "size": {"type": "integer"},
                    "note": {"type": ["string", "null"]},
                    "owner": {"anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]},
                },
            },
            "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
        }
    },
}


def upstream_like_ours() -> dict[str, Any]:
    """The same API written the way the upstream writes it: `query` key, 3.0 `nullable`."""
    spec = copy.deepcopy(OURS)
    things = spec["paths"]["/things"]
    things["query"] = things.pop("x-query")
    thing = spec["components"]["schemas"]["Thing"]["properties"]
    thing["note"] = {"type": "string", "nullable": True}
    thing["owner"] = {"allOf": [{"$ref": "#/components/schemas/Owner"}], "nullable": True}
    return spec


def test_same_api_in_different_notation_has_no_differences() -> None:
    result = diff_specs(upstream_like_ours(), OURS)
    assert result.ok
    assert result.missing_operations == [] and result.extra_operations == []
    assert result.sections == {}
    assert "No differences." in result.render()


def test_operation_added_upstream_is_missing_and_blocks() -> None:
    upstream = upstream_like_ours()
    upstream["paths"]["/things/{id}/cancel"] = {
        "post": {"operationId": "things.cancel", "responses": {"200": {"description": "ok"}}}
    }
    result = diff_specs(upstream, OURS)
    assert not result.ok
    assert result.missing_operations == ["POST /things/{id}/cancel (things.cancel)"]
    assert "Operations in upstream but missing from ours" in result.render()


def test_query_operation_missing_from_ours_is_detected() -> None:
    ours = copy.deepcopy(OURS)
    del ours["paths"]["/things"]["x-query"]
    result = diff_specs(upstream_like_ours(), ours)
    assert result.missing_operations == ["QUERY /things (things.search)"]


def test_operation_only_in_ours_is_reported_without_blocking() -> None:
    upstream = upstream_like_ours()
    del upstream["paths"]["/things/{thing_id}"]
    result = diff_specs(upstream, OURS)
    assert result.ok
    assert result.extra_operations == ["GET /things/{thing_id} (things.get)"]


def test_field_removed_upstream_is_reported() -> None:
    upstream = upstream_like_ours()
    del upstream["components"]["schemas"]["Thing"]["properties"]["size"]
    result = diff_specs(upstream, OURS)
    assert result.ok
    assert result.sections["schema Thing"] == ["Thing.size: removed upstream (only ours has it)"]


def test_required_request_field_added_upstream_blocks() -> None:
    upstream = upstream_like_ours()
    new_thing = upstream["components"]["schemas"]["NewThing"]
    new_thing["properties"]["color"] = {"type": "string"}
    new_thing["required"].append("color")
    new_thing["properties"]["shade"] = {"type": "string"}  # optional: reported, not blocking
    result = diff_specs(upstream, OURS)
    lines = result.sections["POST /things (things.create)"]
    assert "body.color: added upstream (required)" in lines
    assert "body.shade: added upstream" in lines
    assert len(result.failures) == 1 and "body.color" in result.failures[0]


def test_required_parameter_added_upstream_blocks() -> None:
    upstream = upstream_like_ours()
    upstream["paths"]["/things/{thing_id}"]["get"]["parameters"].append(
        {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    result = diff_specs(upstream, OURS)
    assert not result.ok
    assert (
        "parameter query tenant: added upstream (required)"
        in (result.sections["GET /things/{thing_id} (things.get)"])
    )


def test_changed_type_required_and_nullable_are_reported() -> None:
    upstream = upstream_like_ours()
    thing = upstream["components"]["schemas"]["Thing"]
    thing["properties"]["size"] = {"type": "string"}
    thing["properties"]["note"] = {"type": "string"}  # no longer nullable upstream
    thing["properties"]["id"] = {"type": "string", "nullable": True}  # newly nullable upstream
    upstream["paths"]["/things/{thing_id}"]["get"]["parameters"][1]["schema"] = {"type": "integer"}
    result = diff_specs(upstream, OURS, show_lenient=True)
    assert result.ok
    schema_lines = result.sections["schema Thing"]
    assert "Thing.size: type integer (ours) → string (upstream)" in schema_lines
    assert "Thing.id: nullable False (ours) → True (upstream)" in schema_lines
    assert "Thing.note: nullable True (ours) → False (upstream)" in schema_lines
    assert (
        "parameter query verbose: type boolean (ours) → integer (upstream)"
        in (result.sections["GET /things/{thing_id} (things.get)"])
    )


def test_deliberate_leniency_is_counted_not_listed_by_default() -> None:
    upstream = upstream_like_ours()
    thing = upstream["components"]["schemas"]["Thing"]
    thing["properties"]["note"] = {"type": "string"}
    thing["required"].append("size")
    quiet = diff_specs(upstream, OURS)
    assert quiet.sections == {} and quiet.lenient == 2
    assert "2 response field(s)" in quiet.render()
    loud = diff_specs(upstream, OURS, show_lenient=True)
    assert "Thing.size: required False (ours) → True (upstream)" in loud.sections["schema Thing"]


def test_a_newly_nullable_upstream_field_is_never_hidden() -> None:
    upstream = upstream_like_ours()
    upstream["components"]["schemas"]["Thing"]["properties"]["size"]["nullable"] = True
    result = diff_specs(upstream, OURS)
    expected = ["Thing.size: nullable False (ours) → True (upstream)"]
    assert result.sections["schema Thing"] == expected


def test_differently_named_schemas_are_compared_through_operations() -> None:
    upstream = upstream_like_ours()
    schemas = upstream["components"]["schemas"]
    schemas["thing_response"] = schemas.pop("Thing")
    del schemas["thing_response"]["properties"]["note"]
    text = json.dumps(upstream).replace("schemas/Thing", "schemas/thing_response")
    result = diff_specs(json.loads(text), OURS)
    assert result.sections["schema thing_response (ours: Thing)"] == [
        "Thing.note: removed upstream (only ours has it)"
    ]


def _write(path: Path, spec: dict[str, Any]) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(spec))
    else:
        path.write_text(yaml.safe_dump(spec))
    return path


def test_command_line_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours = _write(tmp_path / "ours.yaml", OURS)
    same = _write(tmp_path / "upstream.json", upstream_like_ours())
    assert main([str(same), str(ours)]) == 0
    assert "No missing operation or required request field." in capsys.readouterr().out

    bigger = upstream_like_ours()
    bigger["paths"]["/other"] = {"get": {"responses": {}}}
    assert main([str(_write(tmp_path / "bigger.yaml", bigger)), str(ours)]) == 1
    out = capsys.readouterr().out
    assert "+ GET /other" in out and "1 blocking difference(s)" in out

    (tmp_path / "broken.json").write_text("{not json")
    assert main([str(tmp_path / "broken.json"), str(ours)]) == 2
    assert main([str(tmp_path / "nowhere.json"), str(ours)]) == 2


def test_request_fields_are_never_treated_as_lenient() -> None:
    ours = copy.deepcopy(OURS)
    ours["components"]["schemas"]["NewThing"]["properties"]["size"] = {"type": ["integer", "null"]}
    upstream = upstream_like_ours()
    upstream["components"]["schemas"]["NewThing"]["required"].append("size")
    result = diff_specs(upstream, ours)
    assert result.lenient == 0
    assert result.sections["POST /things (things.create)"] == [
        "body.size: nullable True (ours) → False (upstream)",
        "body.size: required False (ours) → True (upstream)",
    ]


def test_renamed_path_parameter_is_the_same_operation_and_parameter() -> None:
    upstream = upstream_like_ours()
    item = upstream["paths"].pop("/things/{thing_id}")
    item["get"]["parameters"][0]["name"] = "id"
    upstream["paths"]["/things/{id}"] = item
    result = diff_specs(upstream, OURS)
    assert result.ok
    assert result.missing_operations == [] and result.sections == {}

"""Pure schema reading, validation and output shaping (replicate_ext/_schema.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest

from replicate_ext import FileOutput, InputValidationError, ReplicateError
from replicate_ext._schema import (
    FileInput,
    InputProblem,
    input_spec,
    output_schema,
    python_name,
    resolve,
    validate_input,
)
from replicate_ext._schema_types import (
    described,
    python_annotation,
    shape_output,
    shape_stream_item,
)

# What Cog writes: enums as allOf + $ref to their own component, Optional as anyOf with null.
COG_SCHEMA: dict[str, Any] = {
    "openapi": "3.0.2",
    "info": {"title": "Cog", "version": "0.1.0"},
    "paths": {},
    "components": {
        "schemas": {
            "Input": {
                "type": "object",
                "title": "Input",
                "required": ["prompt"],
                "properties": {
                    "prompt": {"type": "string", "title": "Prompt", "x-order": 0},
                    "steps": {
                        "type": "integer",
                        "title": "Steps",
                        "default": 20,
                        "minimum": 1,
                        "maximum": 50,
                        "x-order": 2,
                        "description": "Denoising steps",
                    },
                    "scheduler": {
                        "allOf": [{"$ref": "#/components/schemas/scheduler"}],
                        "default": "DDIM",
                        "x-order": 1,
                    },
                    "image": {"type": "string", "format": "uri", "x-order": 3},
                    "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}], "x-order": 4},
                    "tags": {
                        "type": "array",
                        "items": {"type": "string", "maxLength": 5},
                        "x-order": 5,
                    },
                    "class": {"type": "string", "x-order": 6, "pattern": "^[a-z]+$"},
                },
            },
            "scheduler": {
                "title": "scheduler",
                "type": "string",
                "enum": ["DDIM", "K_EULER"],
                "description": "An enumeration.",
            },
            "Output": {
                "type": "array",
                "items": {"type": "string", "format": "uri"},
                "title": "Output",
            },
        }
    },
}
SPEC = input_spec(COG_SCHEMA)


def problems(values: dict[str, Any]) -> list[InputProblem]:
    with pytest.raises(InputValidationError) as caught:
        validate_input(SPEC, values, model="me/model")
    return list(caught.value.problems)


def test_fields_are_resolved_and_in_documented_order() -> None:
    assert [f.name for f in SPEC.fields] == [
        "prompt",
        "scheduler",
        "steps",
        "image",
        "seed",
        "tags",
        "class",
    ]
    fields = SPEC.by_name()
    assert fields["scheduler"].schema["enum"] == ["DDIM", "K_EULER"]
    assert fields["scheduler"].default == "DDIM"  # the property's own keys win over the $ref's
    assert fields["seed"].schema["type"] == "integer" and fields["seed"].schema["nullable"]
    assert fields["prompt"].required and fields["seed"].optional
    assert fields["class"].python_name == "class_"


def test_resolve_stops_at_reference_cycles() -> None:
    root = {"a": {"$ref": "#/b"}, "b": {"properties": {"x": {"$ref": "#/b"}}}}
    assert resolve({"$ref": "#/a"}, root) == {"properties": {"x": {}}}


def test_valid_input_fills_documented_defaults_and_drops_unset_optionals() -> None:
    assert validate_input(SPEC, {"prompt": "hi", "seed": None}) == {
        "prompt": "hi",
        "scheduler": "DDIM",
        "steps": 20,
    }
    sent = validate_input(SPEC, {"prompt": "a", "class_": "abc", "steps": 50, "seed": 3})
    assert sent["class"] == "abc" and sent["steps"] == 50 and sent["seed"] == 3


def test_unknown_name_has_a_did_you_mean_and_lists_the_inputs() -> None:
    [problem] = problems({"prompt": "x", "stpes": 3})
    assert problem.field == "stpes"
    assert "did you mean 'steps'?" in problem.message
    assert "prompt, scheduler, steps, image, seed, tags, class" in problem.message


def test_missing_required_says_what_is_expected() -> None:
    [problem] = problems({})
    assert problem == InputProblem("prompt", "required (a string)")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"steps": "20"}, "steps", "must be an integer, got str '20'"),
        ({"steps": True}, "steps", "must be an integer, got bool True"),
        ({"steps": 2.5}, "steps", "must be an integer, got float 2.5"),
        ({"prompt": 3}, "prompt", "must be a string, got int 3"),
        ({"tags": "a"}, "tags", "must be a list, got str 'a'"),
        ({"tags": ["ok", "toolong"]}, "tags", "item 1 must be at most 5 characters, got 7"),
        ({"prompt": None}, "prompt", "must be a string, got None"),
    ],
)
def test_wrong_types(values: dict[str, Any], field: str, message: str) -> None:
    [problem] = problems({"prompt": "p", **values})
    assert (problem.field, problem.message) == (field, message)


def test_enum_bounds_and_pattern() -> None:
    found = problems({"prompt": "p", "scheduler": "EULER", "steps": 0, "class": "A1"})
    assert [(p.field, p.message) for p in found] == [
        ("scheduler", "must be one of 'DDIM', 'K_EULER', got 'EULER'"),
        ("steps", "must be >= 1, got 0"),
        ("class", "must match ^[a-z]+$, got 'A1'"),
    ]
    [above] = problems({"prompt": "p", "steps": 51})
    assert above.message == "must be <= 50, got 51"


def test_uri_inputs_take_urls_and_files_but_not_bare_paths(tmp_path: Path) -> None:
    existing = tmp_path / "in.png"
    existing.write_bytes(b"png")
    for good in [
        "https://example.com/a.png",
        "data:image/png;base64,AAAA",
        existing,
        b"bytes",
        io.BytesIO(b"x"),
        FileOutput("https://example.com/out.png", client=None),  # type: ignore[arg-type]
    ]:
        assert validate_input(SPEC, {"prompt": "p", "image": good})["image"] is good
    [bare] = problems({"prompt": "p", "image": "photo.png"})
    assert "must be a URL (http, https or data) or a file, got 'photo.png'" in bare.message
    assert "pathlib.Path" in bare.message
    [missing] = problems({"prompt": "p", "image": tmp_path / "nope.png"})
    assert missing.message.startswith("file not found:")
    [text_file] = problems({"prompt": "p", "image": io.StringIO("x")})
    assert text_file.message.startswith("must be a file")


def test_one_error_lists_every_problem() -> None:
    with pytest.raises(InputValidationError) as caught:
        validate_input(SPEC, {"promt": "x", "steps": 99}, model="me/model")
    error = caught.value
    assert isinstance(error, ReplicateError) and isinstance(error, ValueError)
    assert [p.field for p in error.problems] == ["promt", "prompt", "steps"]
    text = str(error)
    assert text.startswith("invalid input for me/model (3 problems):\n")
    assert "  - promt: unknown input; did you mean 'prompt'?" in text
    assert "  - steps: must be <= 50, got 99" in text


def test_same_input_under_both_names_is_refused() -> None:
    [problem] = problems({"prompt": "p", "class": "a", "class_": "b"})
    assert problem.message == "given twice (as 'class' and 'class_')"


def test_python_names() -> None:
    assert [python_name(n) for n in ["num-steps", "lambda", "2x", "client", "ok"]] == [
        "num_steps",
        "lambda_",
        "_2x",
        "client_",
        "ok",
    ]


def test_python_annotations() -> None:
    fields = SPEC.by_name()

    def annotation(name: str) -> Any:
        field = fields[name]
        return python_annotation(field.schema, file_type=FileInput, optional=field.optional)

    assert annotation("scheduler") == Literal["DDIM", "K_EULER"]
    assert annotation("steps") is int
    assert annotation("image") == FileInput | None
    assert annotation("seed") == int | None
    assert annotation("tags") == list[str] | None
    assert described(int, "Steps") == Annotated[int, "Steps"]


def test_outputs_are_shaped_by_the_schema() -> None:
    def make_file(url: str) -> tuple[str, str]:
        return ("file", url)

    files = output_schema(COG_SCHEMA)
    assert shape_output(files, ["https://x/1.png"], make_file) == [("file", "https://x/1.png")]
    plain_text = {"type": "string"}
    assert shape_output(plain_text, "https://x/not-a-file", make_file) == "https://x/not-a-file"
    tokens = {
        "type": "array",
        "items": {"type": "string"},
        "x-cog-array-type": "iterator",
        "x-cog-array-display": "concatenate",
    }
    assert shape_output(tokens, ["a ", "b"], make_file) == "a b"
    assert shape_output({**tokens, "x-cog-array-display": "list"}, ["a", "b"], make_file) == [
        "a",
        "b",
    ]
    record = {
        "type": "object",
        "properties": {"image": {"type": "string", "format": "uri"}, "n": {"type": "integer"}},
    }
    assert shape_output(record, {"image": "https://x/i", "n": 1}, make_file) == {
        "image": ("file", "https://x/i"),
        "n": 1,
    }
    numbers = {"type": "array", "x-cog-array-type": "iterator", "items": {"type": "integer"}}
    assert shape_stream_item(numbers, "7", make_file) == 7
    assert shape_stream_item(files, "https://x/2", make_file) == ("file", "https://x/2")

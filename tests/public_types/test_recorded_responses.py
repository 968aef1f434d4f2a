"""Real API responses (recorded by the official client's tests) parse without losing a field.

Every field a recorded body carries must come out as an attribute of the public type with the
same value (timestamps as aware datetimes, nested objects as public types) — and since
openapi.yaml describes what the live API sends, none may fall through to ``extra``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from replicate_ext import types
from replicate_ext.types import APIObject

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "recorded"
INDEX: dict[str, dict[str, Any]] = json.loads((RECORDED / "index.json").read_text())

# (method, path pattern) → how the body is shaped: one object, a page of them, or a list.
ROUTES: list[tuple[str, str, str, type[APIObject]]] = [
    ("POST|GET", r"/predictions(/[^/]+(/cancel)?)?", "one", types.Prediction),
    ("POST", r"/models/[^/]+/[^/]+/predictions", "one", types.Prediction),
    ("POST|GET", r"(/models/[^/]+/[^/]+/versions/[^/]+)?/trainings(/[^/]+(/cancel)?)?", "one",
     types.Training),
    ("GET", r"/models/[^/]+/[^/]+/versions/[^/]+", "one", types.Version),
    ("GET", r"/models/[^/]+/[^/]+", "one", types.Model),
    ("POST", r"/models", "one", types.Model),
    ("GET|QUERY", r"/models", "page", types.Model),
    ("GET", r"/collections", "page", types.Collection),
    ("GET", r"/collections/[^/]+", "one", types.Collection),
    ("POST", r"/files", "one", types.File),
    ("GET", r"/files/[^/]+", "one", types.File),
    ("GET", r"/files", "page", types.File),
    ("GET", r"/hardware", "list", types.Hardware),
]  # fmt: skip


def route(method: str, path: str) -> tuple[str, type[APIObject]]:
    for methods, pattern, shape, cls in ROUTES:
        if method in methods.split("|") and re.fullmatch(pattern, path):
            return shape, cls
    raise LookupError(f"no public type for {method} {path}")


def objects(name: str) -> list[tuple[type[APIObject], dict[str, Any]]]:
    entry = INDEX[name]
    body = json.loads((RECORDED / name).read_text(encoding="utf-8"))
    shape, cls = route(entry["method"], entry["path"])
    items = {"one": [body], "page": body["results"] if shape == "page" else [], "list": body}
    return [(cls, item) for item in items[shape]]


def assert_carried(obj: APIObject, data: dict[str, Any], where: str) -> None:
    names = {field.name for field in attrs.fields(type(obj))} - {"extra"}
    assert getattr(obj, "extra", None) == {}, f"{where}: spec lacks {sorted(obj.extra)}"  # type: ignore[attr-defined]
    for key, value in data.items():
        assert key in names, f"{where}.{key} is not an attribute"
        assert_same(getattr(obj, key), value, f"{where}.{key}")


def assert_same(attribute: Any, value: Any, where: str) -> None:
    if isinstance(attribute, APIObject):
        assert isinstance(value, dict), where
        assert_carried(attribute, value, where)
    elif isinstance(attribute, dt.datetime):
        # An aware datetime naming the same second as the recorded text.
        assert isinstance(value, str) and attribute.tzinfo is not None, where
        assert attribute.strftime("%Y-%m-%dT%H:%M:%S") == value[:19], where
    elif isinstance(attribute, list) and attribute and isinstance(attribute[0], APIObject):
        assert isinstance(value, list) and len(value) == len(attribute), where
        for index, (item, raw) in enumerate(zip(attribute, value, strict=True)):
            assert_same(item, raw, f"{where}[{index}]")
    else:
        assert attribute == value, where
        assert type(attribute) is type(value), where


@pytest.mark.parametrize("name", sorted(INDEX))
def test_every_recorded_field_is_an_attribute(name: str) -> None:
    found = objects(name)
    assert found, f"{name}: nothing to parse"
    for index, (cls, data) in enumerate(found):
        obj = cls.from_dict(data)
        assert_carried(obj, data, f"{name}[{index}] {cls.__name__}")


def test_the_recordings_cover_every_kind_of_response() -> None:
    covered = {cls for name in INDEX for cls, _ in objects(name)}
    assert {types.Prediction, types.Training, types.Model, types.Version, types.Collection,
            types.File, types.Hardware} <= covered  # fmt: skip


def test_file_name_and_etag_are_attributes() -> None:
    body = json.loads((RECORDED / "file-operations-0.json").read_text(encoding="utf-8"))
    uploaded = types.File.from_dict(body)
    assert uploaded.name == body["name"] == "test_fileo20o3wth.txt"
    assert uploaded.etag == body["etag"]
    assert "name" not in uploaded.extra and "etag" not in uploaded.extra


def test_nested_live_objects_become_public_types() -> None:
    model = types.Model.from_dict(
        json.loads((RECORDED / "models-get-0.json").read_text(encoding="utf-8"))
    )
    assert isinstance(model.latest_version, types.Version)
    assert isinstance(model.default_example, types.Prediction)
    assert model.default_example.is_terminal
    prediction = types.Prediction.from_dict(
        json.loads((RECORDED / "predictions-stream-2.json").read_text(encoding="utf-8"))
    )
    assert prediction.stream is True and prediction.urls.stream is not None

"""Property tests of the parsing layer: whatever JSON arrives, from_dict never raises.

For every public class, dicts mixing its own fields (absent, null, right or wrong JSON types,
unknown enum-like strings) with unknown fields must parse; every attribute then holds a value
of its declared type, unknown fields land in ``extra`` unchanged, and ``to_dict`` works.
"""

from __future__ import annotations

import datetime as dt
import types as pytypes
import typing
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replicate_ext import types
from replicate_ext.types import APIObject

PUBLIC: list[type[APIObject]] = [
    getattr(types, name)
    for name in types.__all__
    if isinstance(getattr(types, name), type)
    and issubclass(getattr(types, name), APIObject)
    and getattr(types, name) is not APIObject
]
SETTINGS = settings(
    max_examples=60,
    derandomize=True,  # the same examples on every run and machine
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    # Date-like and enum-like strings the coercions must cope with.
    st.sampled_from(
        ["2024-05-01T10:00:00.123456789Z", "2024-02-30T00:00:00Z", "yesterday", "", "starting",
         "brand-new-status", "9999-12-31T23:59:59.999999999+14:00", "0001-01-01T00:00:00-12:00"]
    ),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)


def payloads(cls: type[APIObject]) -> st.SearchStrategy[dict[str, Any]]:
    known = sorted(cls._FIELDS)  # type: ignore[attr-defined]
    own = st.dictionaries(st.sampled_from(known), json_values, max_size=len(known))
    unknown = st.dictionaries(
        st.text(max_size=8).filter(lambda key: key not in known), json_values, max_size=3
    )
    return st.builds(lambda a, b: {**b, **a}, own, unknown)


def conforms(value: Any, hint: Any) -> bool:
    """Whether `value` is an instance of the (simple) annotation `hint`."""
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, pytypes.UnionType):
        return any(conforms(value, arg) for arg in typing.get_args(hint))
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(conforms(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, float)
    if hint is dt.datetime:
        return isinstance(value, dt.datetime) and value.tzinfo is not None
    return isinstance(value, hint)


def check(cls: type[APIObject], data: dict[str, Any]) -> None:
    obj = cls.from_dict(data)
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        value = getattr(obj, field.name)
        assert conforms(value, hints[field.name]), (field.name, value, hints[field.name])
        sent = data.get(field.name)
        if isinstance(sent, str) and hints[field.name] in (str, str | None):
            assert value == sent  # enum-like strings are kept as sent
    known = cls._FIELDS  # type: ignore[attr-defined]
    assert obj.extra == {k: v for k, v in data.items() if k not in known}  # type: ignore[attr-defined]
    obj.to_dict()
    assert obj == cls.from_dict(data)  # deterministic


def test_every_public_class_is_checked() -> None:
    assert {types.Prediction, types.File, types.SearchResult, types.PredictionURLs} <= set(PUBLIC)
    assert len(PUBLIC) >= 17


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: cls.__name__)
def test_arbitrary_json_parses_into_declared_types(cls: type[APIObject]) -> None:
    @SETTINGS
    @given(payloads(cls))
    def run(data: dict[str, Any]) -> None:
        check(cls, data)

    run()


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: cls.__name__)
def test_all_null_and_empty_parse(cls: type[APIObject]) -> None:
    known = cls._FIELDS  # type: ignore[attr-defined]
    check(cls, dict.fromkeys(known))
    check(cls, {})


@SETTINGS
@given(
    st.fixed_dictionaries(
        {"id": st.text(max_size=8), "status": st.text(max_size=12)},
        optional={
            "urls": st.dictionaries(st.sampled_from(["get", "stream", "x"]), json_values),
            "default_example_like": json_values,
        },
    )
)
def test_unknown_statuses_are_plain_strings(data: dict[str, Any]) -> None:
    prediction = types.Prediction.from_dict(data)
    assert prediction.status == data["status"]
    assert prediction.is_terminal == (
        data["status"] in {"succeeded", "failed", "canceled", "aborted"}
    )


@SETTINGS
@given(st.dictionaries(st.sampled_from(["owner", "name", "latest_version", "default_example"]),
                       json_values | st.just({"id": 3, "status": None}), max_size=4))  # fmt: skip
def test_nested_objects_of_any_shape(data: dict[str, Any]) -> None:
    model = types.Model.from_dict(data)
    assert model.default_example is None or isinstance(model.default_example, types.Prediction)
    assert model.latest_version is None or isinstance(model.latest_version, types.Version)
    assert model.full_name == f"{model.owner}/{model.name}"

"""Public types: None for absent, datetimes parsed, unknown fields kept, Unset never leaks."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from replicate_ext import types
from replicate_ext.types import Model, Prediction, parse_datetime

from .conftest import prediction_json

ALL_TYPES = [
    types.Prediction,
    types.Training,
    types.Model,
    types.Version,
    types.Deployment,
    types.DeploymentRelease,
    types.DeploymentConfiguration,
    types.File,
    types.Collection,
    types.Account,
    types.Hardware,
    types.SearchResult,
    types.SearchModel,
    types.SearchModelMetadata,
    types.SearchCollection,
    types.DocPage,
    types.PredictionURLs,
]


@pytest.mark.parametrize(
    ("text", "micro"),
    [
        ("2024-05-01T10:00:00.12Z", 120000),
        ("2024-05-01T10:00:00.123456Z", 123456),
        ("2024-05-01T10:00:00.123456789Z", 123456),
        ("2024-05-01T10:00:00.123456789+00:00", 123456),
        ("2024-05-01T10:00:00Z", 0),
        ("2024-05-01T10:00:00.5", 500000),
    ],
)
def test_datetimes_with_2_to_9_fractional_digits(text: str, micro: int) -> None:
    parsed = parse_datetime(text)
    assert parsed is not None
    assert parsed.microsecond == micro
    assert parsed.utcoffset() == dt.timedelta(0)
    assert (parsed.year, parsed.month, parsed.day, parsed.hour) == (2024, 5, 1, 10)


def test_unparseable_datetimes_are_none() -> None:
    assert parse_datetime("yesterday") is None
    assert parse_datetime(12) is None
    assert parse_datetime(None) is None


def test_prediction_fields() -> None:
    data = prediction_json(
        status="succeeded",
        output=["a", "b"],
        metrics={"predict_time": 1.5},
        started_at="2024-05-01T10:00:01.000000001Z",
        completed_at="2024-05-01T10:00:02Z",
        webhook_events_filter=["completed"],
        source="api",
    )
    data["urls"]["stream"] = "https://stream.replicate.com/v1/files/abc"
    p = Prediction.from_dict(data)
    assert p.id == "p1" and p.status == "succeeded" and p.output == ["a", "b"]
    assert p.is_terminal
    assert p.metrics == {"predict_time": 1.5}
    assert p.created_at == dt.datetime(2024, 5, 1, 10, 0, 0, 123000, tzinfo=dt.UTC)
    assert p.completed_at is not None and p.started_at is not None
    assert p.urls.stream == "https://stream.replicate.com/v1/files/abc"
    assert p.urls.get == "https://api.replicate.com/v1/predictions/p1"
    assert p.webhook_events_filter == ["completed"]
    assert p.extra == {}


def test_absent_fields_are_none_and_unknown_fields_are_kept() -> None:
    p = Prediction.from_dict({"id": "x", "status": "brand-new-status", "gpu_seconds": 3})
    assert p.status == "brand-new-status"
    assert p.model is None and p.output is None and p.created_at is None and p.error is None
    assert p.urls.get is None and p.urls.stream is None
    assert p.extra == {"gpu_seconds": 3}
    assert p.to_dict() == {"id": "x", "status": "brand-new-status", "gpu_seconds": 3,
                           "urls": {}}  # fmt: skip


def test_nested_objects_parse() -> None:
    m = Model.from_dict(
        {
            "owner": "demo",
            "name": "hello",
            "latest_version": {"id": "v1", "created_at": "2024-01-01T00:00:00Z", "new": 1},
            "default_example": prediction_json(),
            "run_count": 7,
            "visibility": "public",
            "is_official": True,
            "future_field": {"x": 1},
        }
    )
    assert m.full_name == "demo/hello"
    assert m.latest_version is not None and m.latest_version.id == "v1"
    assert m.latest_version.extra == {"new": 1}
    assert m.default_example is not None and m.default_example.id == "p1"
    assert m.run_count == 7 and m.is_official is True
    assert m.extra == {"future_field": {"x": 1}}
    assert m.description is None


@pytest.mark.parametrize("cls", ALL_TYPES)
def test_no_unset_ever_leaks(cls: type) -> None:
    obj = cls.from_dict({})  # type: ignore[attr-defined]
    for field in attrs.fields(cls):
        value = getattr(obj, field.name)
        assert "Unset" not in type(value).__name__
        assert "replicate_api" not in type(value).__module__


@pytest.mark.parametrize("cls", ALL_TYPES)
def test_types_are_frozen(cls: type) -> None:
    obj = cls.from_dict({})  # type: ignore[attr-defined]
    first = attrs.fields(cls)[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(obj, first, "changed")


def test_wrong_json_types_do_not_crash() -> None:
    p = Prediction.from_dict({"id": 5, "status": None, "input": "x", "urls": [], "metrics": 3})
    assert p.id == "5" and p.status == "" and p.input is None and p.metrics is None
    assert p.urls.get is None


def test_to_dict_round_trips() -> None:
    data = prediction_json(status="succeeded", output={"k": [1]}, extra_thing=True)
    again = Prediction.from_dict(Prediction.from_dict(data).to_dict())
    assert again == Prediction.from_dict(data)

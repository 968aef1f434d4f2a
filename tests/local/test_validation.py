"""Admin fault rules are type-checked when added; the spec's uri and date-time fields are
validated."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from replicate_ext.local import Fault, LocalServer


@pytest.mark.parametrize(
    "rule",
    [
        {"action": "status", "times": "3"},
        {"action": "status", "times": True},
        {"action": "status", "status_code": "503"},
        {"action": "status", "status_code": 503.5},
        {"action": "status", "retry_after": "soon"},
        {"action": "status", "retry_after": -1},
        {"action": "delay", "delay_seconds": 1e9},
        {"action": "delay", "delay_seconds": None},
        {"action": "reset", "method": 5},
        {"action": "reset", "path": ["/v1/*"]},
        {"action": "cut_stream", "after_events": 0},
        {"action": 7},
    ],
)
def test_mistyped_fault_rules_are_refused(
    server: LocalServer, api: httpx.Client, rule: dict[str, Any]
) -> None:
    admin = f"{server.url}/_admin/faults"
    headers = {"authorization": f"Bearer {server.token}"}
    response = httpx.post(admin, json=rule, headers=headers, timeout=10)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert httpx.get(admin, headers=headers, timeout=10).json()["faults"] == []
    assert api.get("/account").status_code == 200


def test_fault_rules_from_python_are_checked_too() -> None:
    with pytest.raises(ValueError, match="times"):
        Fault.status(503, times=0)
    with pytest.raises(ValueError, match="delay_seconds"):
        Fault.delay(float("nan"))


MODEL = {"owner": "local", "name": "m", "visibility": "public", "hardware": "cpu"}


@pytest.mark.parametrize("field", ["license_url", "cover_image_url", "github_url", "paper_url"])
@pytest.mark.parametrize("value", ["not a url", "javascript:alert(1)", "ftp://x/y", "//x/y"])
def test_uri_fields_of_models_are_validated(api: httpx.Client, field: str, value: str) -> None:
    response = api.post("/models", json={**MODEL, field: value})
    assert response.status_code == 422
    assert response.json()["invalid_fields"][0]["field"] == field
    assert api.get("/models/local/m").status_code == 404


def test_uri_fields_of_model_updates_are_validated(api: httpx.Client) -> None:
    assert api.post("/models", json={**MODEL, "license_url": "https://x.test/l"}).status_code == 201
    response = api.patch("/models/local/m", json={"weights_url": "file:///etc/passwd"})
    assert response.status_code == 422
    response = api.patch("/models/local/m", json={"description": "d", "paper_url": "nope"})
    assert response.status_code == 422
    assert api.get("/models/local/m").json()["description"] is None  # nothing applied
    assert api.patch("/models/local/m", json={"paper_url": "http://x.test/p"}).status_code == 200


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01",
        "2024-01-01T00:00:00",
        "2024-13-01T00:00:00Z",
        "yesterday",
        "\uff12\uff10\uff12\uff14-01-01T00:00:00Z",
    ],
)
def test_created_before_and_after_are_date_times(api: httpx.Client, value: str) -> None:
    for name in ("created_before", "created_after"):
        for path in ("/predictions", "/trainings"):
            response = api.get(path, params={name: value})
            assert response.status_code == 422
            assert response.json()["invalid_fields"][0]["field"] == name


def test_created_before_honours_time_zones(api: httpx.Client) -> None:
    created = api.post("/models/demo/hello/predictions", json={"input": {"name": "x"}}).json()
    stamp = created["created_at"]  # ...Z
    ahead = stamp.replace("Z", "+00:00")
    assert [
        p["id"]
        for p in api.get(
            "/predictions", params={"created_after": "2000-01-01T00:00:00+05:00"}
        ).json()["results"]
    ] == [created["id"]]
    assert api.get("/predictions", params={"created_before": ahead}).json()["results"] == []

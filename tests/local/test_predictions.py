"""Predictions over real sockets: creation routes, lifecycle, waiting, cancel, deadlines,
pagination and input validation."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import httpx
import pytest

from replicate_ext.local import LocalServer

from .conftest import api_client, wait_done


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_hello_by_official_model_runs_through_the_lifecycle(api: httpx.Client) -> None:
    created = api.post("/models/demo/hello/predictions", json={"input": {"name": "Ada"}})
    assert created.status_code == 201
    body = created.json()
    assert body["status"] in ("starting", "processing", "succeeded")
    assert body["model"] == "demo/hello"
    assert body["urls"]["get"] == f"{api.base_url}/predictions/{body['id']}".replace("v1//", "v1/")
    done = wait_done(api, body)
    assert done["status"] == "succeeded"
    assert "Ada" in done["output"]
    assert "greeting Ada" in done["logs"]
    assert done["error"] is None
    assert ts(done["created_at"]) <= ts(done["started_at"]) <= ts(done["completed_at"])
    assert done["metrics"]["predict_time"] >= 0
    assert done["metrics"]["total_time"] >= done["metrics"]["predict_time"]


def test_create_by_version_id_and_by_owner_name_version(api: httpx.Client) -> None:
    version = api.get("/models/demo/hello").json()["latest_version"]["id"]
    for ref in (version, f"demo/hello:{version}"):
        response = api.post(
            "/predictions",
            json={"version": ref, "input": {"name": "Lin"}},
            headers={"Prefer": "wait=5"},
        )
        assert response.status_code == 201
        assert response.json()["output"] == "hello Lin"
        assert response.json()["version"] == version
    missing = api.post("/predictions", json={"version": "f" * 64, "input": {}})
    assert missing.status_code == 422
    assert "version" in missing.json()["detail"]


def test_prefer_wait_holds_the_response_until_done(api: httpx.Client) -> None:
    started = time.monotonic()
    response = api.post(
        "/models/demo/sleep/predictions",
        json={"input": {"seconds": 0.3}},
        headers={"Prefer": "wait"},
    )
    assert response.json()["status"] == "succeeded"
    assert time.monotonic() - started >= 0.3


def test_prefer_wait_n_returns_early_with_the_running_prediction(api: httpx.Client) -> None:
    started = time.monotonic()
    response = api.post(
        "/models/demo/sleep/predictions",
        json={"input": {"seconds": 3}},
        headers={"Prefer": "wait=1"},
    )
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 2.5
    # like Replicate: a sync-mode response that ran out of time says "starting"
    assert response.json()["status"] == "starting"
    assert api.get(response.json()["urls"]["get"]).json()["status"] == "processing"
    api.post(response.json()["urls"]["cancel"])


@pytest.mark.parametrize("header", ["wait=0", "wait=61", "wait=abc"])
def test_invalid_prefer_wait_is_422(api: httpx.Client, header: str) -> None:
    response = api.post(
        "/models/demo/hello/predictions", json={"input": {"name": "x"}}, headers={"Prefer": header}
    )
    assert response.status_code == 422
    assert "Prefer" in response.json()["detail"]


def test_failing_model_fails_with_its_message(api: httpx.Client) -> None:
    response = api.post(
        "/models/demo/fail/predictions",
        json={"input": {"message": "boom here"}},
        headers={"Prefer": "wait=5"},
    )
    body = response.json()
    assert body["status"] == "failed"
    assert body["error"] == "boom here"
    assert "about to fail" in body["logs"]
    assert "completed_at" in body


def test_cancel_a_running_prediction(api: httpx.Client) -> None:
    created = api.post("/models/demo/sleep/predictions", json={"input": {"seconds": 30}}).json()
    canceled = api.post(f"/predictions/{created['id']}/cancel")
    assert canceled.status_code == 200
    assert canceled.json()["status"] == "canceled"
    assert api.get(f"/predictions/{created['id']}").json()["status"] == "canceled"
    # cancelling again is harmless
    assert api.post(f"/predictions/{created['id']}/cancel").json()["status"] == "canceled"
    assert api.post("/predictions/nope/cancel").status_code == 404


def test_cancel_after_cancels_a_running_prediction(api: httpx.Client) -> None:
    created = api.post(
        "/models/demo/sleep/predictions",
        json={"input": {"seconds": 30}},
        headers={"Cancel-After": "0.3s"},
    ).json()
    assert "deadline" in created
    done = wait_done(api, created, timeout=5)
    assert done["status"] == "canceled"
    assert done["metrics"]["total_time"] < 5


def test_cancel_after_before_start_aborts(make_server: Callable[..., LocalServer]) -> None:
    server = make_server(start_delay=5)
    with api_client(server) as api:
        created = api.post(
            "/models/demo/hello/predictions",
            json={"input": {"name": "x"}},
            headers={"Cancel-After": "0.3"},
        ).json()
        done = wait_done(api, created, timeout=5)
        assert done["status"] == "aborted"
        assert "started_at" not in done


@pytest.mark.parametrize("value", ["soon", "0.1s", "-5"])
def test_bad_or_too_short_cancel_after_is_422(api: httpx.Client, value: str) -> None:
    response = api.post(
        "/models/demo/hello/predictions",
        json={"input": {"name": "x"}},
        headers={"Cancel-After": value},
    )
    assert response.status_code == 422
    assert "Cancel-After" in response.json()["detail"]


def test_cancel_after_duration_units(make_server: Callable[..., LocalServer]) -> None:
    from replicate_ext.local.http import parse_duration

    assert parse_duration("30") == 30
    assert parse_duration("90s") == 90
    assert parse_duration("5m") == 300
    assert parse_duration("1h30m45s") == 5445
    with pytest.raises(ValueError):
        parse_duration("")


def test_input_validation_names_the_field(api: httpx.Client) -> None:
    cases = [
        ({"name": 3}, "input.name"),
        ({}, "input.name"),
        ({"name": "x", "extra": 1}, "input.extra"),
    ]
    for payload, field in cases:
        response = api.post("/models/demo/hello/predictions", json={"input": payload})
        assert response.status_code == 422, payload
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert field in problem["detail"]
        assert problem["status"] == 422
    bad_image = api.post("/models/demo/image/predictions", json={"input": {"width": "wide"}})
    assert bad_image.status_code == 422
    assert "input.width" in bad_image.json()["detail"]
    too_big = api.post("/models/demo/image/predictions", json={"input": {"width": 10**6}})
    assert "input.width" in too_big.json()["detail"]
    unknown_field = api.post("/models/demo/hello/predictions", json={"input": {}, "nope": 1})
    assert unknown_field.status_code == 422
    assert "nope" in unknown_field.json()["detail"]
    not_json = api.post(
        "/models/demo/hello/predictions", content=b"{", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400


def test_unknown_model_and_prediction_are_404(api: httpx.Client) -> None:
    assert api.post("/models/demo/nope/predictions", json={"input": {}}).status_code == 404
    response = api.get("/predictions/doesnotexist")
    assert response.status_code == 404
    assert response.json()["title"]


def test_list_paginates_newest_first_with_absolute_links(api: httpx.Client) -> None:
    ids = [
        api.post("/models/demo/hello/predictions", json={"input": {"name": str(i)}}).json()["id"]
        for i in range(7)
    ]
    seen: list[str] = []
    page = api.get("/predictions").json()
    assert page["previous"] is None
    pages = 1
    while True:
        assert len(page["results"]) <= 3
        seen += [p["id"] for p in page["results"]]
        if page["next"] is None:
            break
        assert page["next"].startswith(str(api.base_url).rstrip("/") + "/predictions?cursor=")
        page = api.get(page["next"]).json()
        pages += 1
        assert pages < 10
    assert seen == list(reversed(ids))
    assert pages == 3
    # walk back with previous
    back = api.get(page["previous"]).json()
    assert [p["id"] for p in back["results"]] == list(reversed(ids))[3:6]
    assert api.get("/predictions", params={"cursor": "garbage!"}).status_code == 400


def test_list_filters_by_creation_time(api: httpx.Client) -> None:
    first = api.post("/models/demo/hello/predictions", json={"input": {"name": "a"}}).json()
    second = api.post("/models/demo/hello/predictions", json={"input": {"name": "b"}}).json()
    after = api.get("/predictions", params={"created_after": first["created_at"]}).json()
    assert [p["id"] for p in after["results"]] == [second["id"]]
    before = api.get("/predictions", params={"created_before": second["created_at"]}).json()
    assert [p["id"] for p in before["results"]] == [first["id"]]
    assert api.get("/predictions", params={"created_after": "yesterday"}).status_code == 422


def test_urls_follow_the_host_of_the_request(server: LocalServer) -> None:
    with httpx.Client(
        base_url=f"http://localhost:{server.port}/v1",
        headers={"authorization": f"Bearer {server.token}"},
    ) as client:
        body = client.post("/models/demo/hello/predictions", json={"input": {"name": "h"}}).json()
    assert body["urls"]["get"].startswith(f"http://localhost:{server.port}/v1/predictions/")


def test_image_model_outputs_a_png_served_by_the_server(api: httpx.Client) -> None:
    body = api.post(
        "/models/demo/image/predictions",
        json={"input": {"width": 5, "height": 7}},
        headers={"Prefer": "wait=5"},
    ).json()
    url = body["output"]
    assert url.startswith(str(api.base_url).rstrip("/") + "/files/")
    png = httpx.get(url).content  # signed URL: no token needed
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (5, 7)
    import zlib

    idat_length = int.from_bytes(png[33:37], "big")
    raw = zlib.decompress(png[41 : 41 + idat_length])
    assert len(raw) == 7 * (1 + 5 * 3)
    tampered = url.replace("signature=", "signature=x")
    assert httpx.get(tampered).status_code == 401


def test_web_page_shows_the_prediction(api: httpx.Client, server: LocalServer) -> None:
    body = api.post("/models/demo/hello/predictions", json={"input": {"name": "w"}}).json()
    page = httpx.get(body["urls"]["web"])
    assert page.status_code == 200
    assert body["id"] in page.text

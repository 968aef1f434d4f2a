"""Values JSON responses cannot carry (NaN, numbers that overflow to infinity, lone
surrogates) are refused at the door with 422, never stored, and never break a list; records
such values reached the database in through older versions load repaired after a restart."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from replicate_ext.local import LocalServer

from .conftest import api_client, wait_done

POISONS = [
    ("1e999", "must be finite"),
    ("-1e999", "must be finite"),
    ("NaN", "must be finite"),
    ("Infinity", "must be finite"),
    ('"\\ud800"', "invalid unicode"),
    ('"a\\udfffb"', "invalid unicode"),
]


def post_raw(api: httpx.Client, path: str, text: str) -> httpx.Response:
    return api.post(path, content=text.encode(), headers={"content-type": "application/json"})


def assert_refused(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    fields = [f["field"] for f in response.json()["invalid_fields"]]
    assert fields == [field], response.json()


@pytest.mark.parametrize(("poison", "message"), POISONS)
def test_prediction_and_training_inputs_are_refused(
    api: httpx.Client, poison: str, message: str
) -> None:
    response = post_raw(
        api, "/models/demo/hello/predictions", f'{{"input": {{"name": "x", "n": [1, {poison}]}}}}'
    )
    assert_refused(response, "input.n.1")
    assert message in response.json()["detail"]
    version = api.get("/models/demo/hello").json()["latest_version"]["id"]
    response = post_raw(
        api,
        f"/models/demo/hello/versions/{version}/trainings",
        f'{{"destination": "demo/hello", "input": {{"steps": {poison}}}}}',
    )
    assert_refused(response, "input.steps")
    assert api.get("/predictions").json()["results"] == []
    assert api.get("/trainings").json()["results"] == []


@pytest.mark.parametrize(("poison", "message"), POISONS)
def test_model_fields_and_file_metadata_are_refused(
    api: httpx.Client, poison: str, message: str
) -> None:
    body = '{"owner": "local", "name": "m", "visibility": "public", "hardware": "cpu", '
    assert_refused(post_raw(api, "/models", body + f'"description": {poison}}}'), "description")
    assert api.get("/models/local/m").status_code == 404
    response = api.patch(
        "/models/demo/hello",
        content=f'{{"description": {poison}}}'.encode(),
        headers={"content-type": "application/json"},
    )
    assert_refused(response, "description")
    response = api.post(
        "/files", files={"content": ("a.txt", b"hi")}, data={"metadata": f'{{"k": {poison}}}'}
    )
    assert_refused(response, "metadata.k")
    assert api.get("/files").json()["results"] == []
    assert api.get("/models").status_code == 200


def test_a_key_that_is_a_lone_surrogate_is_refused(api: httpx.Client) -> None:
    response = post_raw(api, "/models/demo/hello/predictions", '{"input": {"\\ud800": 1}}')
    assert response.status_code == 422
    assert api.get("/predictions").status_code == 200


def not_a_number() -> float:
    return float("nan")


def test_a_model_output_json_cannot_carry_fails_the_prediction(
    make_server: Callable[..., LocalServer],
) -> None:
    server = make_server(models={"me/nan": not_a_number})
    with api_client(server) as api:
        created = api.post("/models/me/nan/predictions", json={"input": {}}).json()
        done = wait_done(api, created)
        assert done["status"] == "failed"
        assert "cannot be represented as JSON" in done["error"]
        listed = api.get("/predictions")
        assert listed.status_code == 200
        assert [p["id"] for p in listed.json()["results"]] == [created["id"]]


def test_records_poisoned_by_an_older_version_load_repaired(
    tmp_path: Path, make_server: Callable[..., LocalServer]
) -> None:
    db = tmp_path / "state.db"
    first = make_server(db=db)
    with api_client(first) as api:
        created = api.post("/models/demo/hello/predictions", json={"input": {"name": "ok"}}).json()
        wait_done(api, created)
        api.post(
            "/models",
            json={"owner": "local", "name": "kept", "visibility": "public", "hardware": "cpu"},
        )
    first.stop()
    # what an older version stored: json.dumps lets NaN, Infinity and "\ud800" through
    with sqlite3.connect(db) as conn:
        (data,) = conn.execute("SELECT data FROM predictions").fetchone()
        record = json.loads(data)
        record["output"] = float("nan")
        record["input"] = {"name": "\ud800", "n": float("inf")}
        conn.execute("UPDATE predictions SET data = ?", (json.dumps(record),))
        (model,) = conn.execute("SELECT data FROM models WHERE name = 'kept'").fetchone()
        conn.execute(
            "UPDATE models SET data = ? WHERE name = 'kept'",
            (json.dumps({**json.loads(model), "description": "\udc00"}),),
        )

    second = make_server(db=db)
    with api_client(second) as api:
        listed = api.get("/predictions")
        assert listed.status_code == 200
        (only,) = listed.json()["results"]
        assert only["output"] is None
        assert only["input"] == {"name": "\ufffd", "n": None}
        assert api.get(f"/predictions/{created['id']}").status_code == 200
        assert api.get("/models").status_code == 200
        assert api.get("/models/local/kept").json()["description"] == "\ufffd"

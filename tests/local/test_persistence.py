"""State in a SQLite file survives a restart: finished predictions stay, unstarted ones run
to completion, interrupted ones are marked failed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx

from replicate_ext.local import LocalServer

from .conftest import api_client, wait_done


def test_restart_with_db_keeps_and_finishes_predictions(
    tmp_path: Path, make_server: Callable[..., LocalServer]
) -> None:
    db = tmp_path / "state.db"
    first = make_server(db=db, start_delay=30)
    with api_client(first) as api:
        queued = api.post(
            "/models/demo/hello/predictions", json={"input": {"name": "later"}}
        ).json()
        secret = api.get("/webhooks/default/secret").json()["key"]
        api.post(
            "/models",
            json={"owner": "local", "name": "kept", "visibility": "private", "hardware": "cpu"},
        )
    first.stop()

    second = make_server(db=db)
    with api_client(second) as api:
        finished = wait_done(
            api, {"id": queued["id"], "urls": {"get": f"/predictions/{queued['id']}"}}
        )
        assert finished["status"] == "succeeded"
        assert finished["output"] == "hello later"
        assert api.get("/models/local/kept").status_code == 200
        assert api.get("/webhooks/default/secret").json()["key"] == secret
        running = api.post("/models/demo/sleep/predictions", json={"input": {"seconds": 30}}).json()
        done = api.post(
            "/models/demo/image/predictions",
            json={"input": {"width": 2, "height": 2}},
            headers={"Prefer": "wait=5"},
        ).json()
        assert api.get(f"/predictions/{running['id']}").json()["status"] == "processing"
    second.stop()

    third = make_server(db=db)
    with api_client(third) as api:
        interrupted = api.get(f"/predictions/{running['id']}").json()
        assert interrupted["status"] == "failed"
        assert "restarted" in interrupted["error"]
        ids: list[str] = []
        url: str | None = "/predictions"
        while url is not None and len(ids) < 20:
            page = api.get(url).json()
            ids += [p["id"] for p in page["results"]]
            url = page["next"]
        assert ids == [done["id"], running["id"], queued["id"]]
        # the file written before the restart is still served, at the new port
        output = api.get(f"/predictions/{done['id']}").json()["output"]
        assert output.startswith(third.base_url)
        assert httpx.get(output).content.startswith(b"\x89PNG")


def test_in_memory_state_is_fresh_per_server(make_server: Callable[..., LocalServer]) -> None:
    one = make_server()
    with api_client(one) as api:
        api.post("/models/demo/hello/predictions", json={"input": {"name": "x"}})
        assert len(api.get("/predictions").json()["results"]) == 1
    two = make_server()
    with api_client(two) as api:
        assert api.get("/predictions").json()["results"] == []


def test_deadline_passed_while_down_aborts_on_restart(
    tmp_path: Path, make_server: Callable[..., LocalServer]
) -> None:
    db = tmp_path / "deadline.db"
    first = make_server(db=db, start_delay=30)
    with api_client(first) as api:
        queued = api.post(
            "/models/demo/hello/predictions",
            json={"input": {"name": "late"}},
            headers={"Cancel-After": "0.3s"},
        ).json()
    first.stop()
    time.sleep(0.4)
    second = make_server(db=db)
    with api_client(second) as api:
        assert api.get(f"/predictions/{queued['id']}").json()["status"] == "aborted"

"""kill -9 of a server with a database file: after a restart on the same file, finished
predictions are intact, the ones that were in flight end in a terminal state, and SQLite's
integrity check passes."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx

from .test_serve_command import start

TERMINAL = {"succeeded", "failed", "canceled", "aborted"}
HEADERS = {"authorization": "Bearer tok"}


def test_kill_9_then_restart_keeps_finished_and_ends_in_flight(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    process, base_url = start("--db", str(db), "--token", "tok")
    try:
        with httpx.Client(base_url=base_url, headers=HEADERS, timeout=10) as api:
            finished = api.post(
                "/models/demo/hello/predictions",
                json={"input": {"name": "kept"}},
                headers={"prefer": "wait=5"},
            ).json()
            assert finished["status"] == "succeeded"
            running = api.post(
                "/models/demo/sleep/predictions", json={"input": {"seconds": 60}}
            ).json()
            deadline = time.monotonic() + 10
            while api.get(f"/predictions/{running['id']}").json()["status"] != "processing":
                assert time.monotonic() < deadline, "the sleep model never started"
                time.sleep(0.02)
    finally:
        process.kill()  # SIGKILL: no shutdown code runs
        process.communicate(timeout=10)

    process, base_url = start("--db", str(db), "--token", "tok")
    try:
        with httpx.Client(base_url=base_url, headers=HEADERS, timeout=10) as api:
            kept = api.get(f"/predictions/{finished['id']}").json()
            assert kept["status"] == "succeeded" and kept["output"] == "hello kept"
            assert kept["completed_at"] == finished["completed_at"]
            ended = api.get(f"/predictions/{running['id']}").json()
            assert ended["status"] in TERMINAL
            assert ended["error"]
            listed = api.get("/predictions").json()["results"]
            assert {p["id"] for p in listed} == {finished["id"], running["id"]}
    finally:
        process.kill()
        process.communicate(timeout=10)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)

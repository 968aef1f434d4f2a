"""``replicate-ext serve`` in a subprocess: prints the base URL, serves, stops on Ctrl-C, and
keeps state in --db across runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from replicate_ext.cli import main

TESTS_DIR = Path(__file__).resolve().parents[1]


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(TESTS_DIR)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from replicate_ext.cli import main; sys.exit(main())",
            "serve",
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    for _ in range(3):
        line = process.stdout.readline()
        if line.startswith("export REPLICATE_BASE_URL="):
            return process, line.strip().split("=", 1)[1]
    process.kill()
    raise AssertionError(f"no base URL printed: {process.communicate(timeout=5)}")


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=10)


def test_serve_prints_base_url_and_serves(tmp_path: Path) -> None:
    db = tmp_path / "serve.db"
    process, base_url = start(
        "--db", str(db), "--token", "tok", "--model", "me/add=local.funcs:add"
    )
    try:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        headers = {"authorization": "Bearer tok"}
        assert (
            httpx.get(f"{base_url}/account", headers={"authorization": "Bearer no"}).status_code
            == 401
        )
        created = httpx.post(
            f"{base_url}/models/me/add/predictions",
            json={"input": {"a": 1, "b": 2}},
            headers={**headers, "Prefer": "wait=5"},
        ).json()
        assert created["output"] == 3
    finally:
        assert stop(process) == 0
    process, base_url = start(
        "--db", str(db), "--token", "tok", "--model", "me/add=local.funcs:add"
    )
    try:
        again = httpx.get(
            f"{base_url}/predictions/{created['id']}", headers={"authorization": "Bearer tok"}
        )
        assert again.json()["output"] == 3
    finally:
        assert stop(process) == 0


def test_serve_rejects_a_bad_model_spec() -> None:
    assert main(["serve", "--model", "nonsense"]) == 2


def test_serve_help_lists_options() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "replicate_ext.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    for option in ("--host", "--port", "--db", "--token", "--model", "--rate-limits"):
        assert option in result.stdout

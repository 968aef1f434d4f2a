"""Run ``replicate-ext`` as a real subprocess against an in-process LocalServer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import replicate_ext
from replicate_ext.local import LocalServer

ROOT = Path(__file__).resolve().parents[2]
CLI_TIMEOUT = 60  # seconds; every subprocess is bounded


@attrs.frozen
class CLIResult:
    returncode: int
    stdout: str
    stderr: str


@attrs.frozen
class CLI:
    """Runs the CLI with REPLICATE_BASE_URL/REPLICATE_API_TOKEN pointing at the server."""

    server: LocalServer
    cwd: Path

    def env(self, **overrides: str) -> dict[str, str]:
        env = {
            **os.environ,
            "REPLICATE_BASE_URL": self.server.base_url,
            "REPLICATE_API_TOKEN": "r8_cli_test",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
        env.update(overrides)
        return env

    def argv(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "replicate_ext.cli", *args]

    def __call__(self, *args: str, timeout: float = CLI_TIMEOUT, **env: str) -> CLIResult:
        done = subprocess.run(
            self.argv(*args),
            cwd=self.cwd,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return CLIResult(done.returncode, done.stdout, done.stderr)

    def popen(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv(*args),
            cwd=self.cwd,
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def client(self) -> replicate_ext.Client:
        return replicate_ext.Client(api_token="r8_cli_test", base_url=self.server.base_url)


@pytest.fixture(scope="module")
def cli_server() -> Iterator[LocalServer]:
    with LocalServer(page_size=3) as server:
        yield server


@pytest.fixture
def cli(cli_server: LocalServer, tmp_path: Path) -> CLI:
    return CLI(cli_server, tmp_path)


def assert_one_line_error(stderr: str, *fragments: Any) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one error line, got: {stderr!r}"
    assert lines[0].startswith(("error: ", "interrupted: ", "timed out")), lines[0]
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert str(fragment) in lines[0], (fragment, lines[0])

"""``make demo`` (python -m replicate_ext.demo) as a fresh user runs it: no token, no server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_runs_end_to_end_offline_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPLICATE_")}
    # a base URL that goes nowhere: the demo must use the server it starts, not the environment
    env["REPLICATE_BASE_URL"] = "http://127.0.0.1:9/v1"
    env["PYTHONPATH"] = str(ROOT)
    out_dir = tmp_path / "demo-out"
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "replicate_ext.demo", "--output-dir", str(out_dir)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.monotonic() - started < 60
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "Server running at http://127.0.0.1:" in out
    assert "hello Ada" in out
    assert "each word arrives as soon as the model produces it" in out
    image = out_dir / "demo-image.png"
    assert f"to {image.resolve()}" in out
    data = image.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (256, 160)
    assert "ModelError: prediction " in out and "failed: demo/fail always fails" in out
    assert "Server stopped." in out
    # the steps come in order and the server stops last
    positions = [out.index(s) for s in ("hello Ada", "each word", "demo-image.png", "ModelError")]
    assert positions == sorted(positions) and out.index("Server stopped.") > positions[-1]
    assert result.stderr == ""

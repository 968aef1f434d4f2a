"""``replicate-ext batch`` against the local server: results file, exit codes, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import replicate_ext
from replicate_ext import BatchProgress
from replicate_ext.cli import main
from replicate_ext.cli.batch import format_progress
from replicate_ext.local import LocalServer

from .conftest import creates_by_input, journal_when
from .models import REF


@pytest.fixture
def cli_env(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLICATE_BASE_URL", server.base_url)
    monkeypatch.setenv("REPLICATE_API_TOKEN", server.token)


def write_inputs(path: Path, inputs: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in inputs))
    return path


def read_rows(path: Path) -> dict[int, dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    return {row["index"]: row for row in rows}


@pytest.mark.usefixtures("cli_env")
def test_batch_writes_every_result_and_fails_when_one_failed(
    client: replicate_ext.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = write_inputs(tmp_path / "in.jsonl", [{"n": n, "fail": n == 2} for n in range(5)])
    out = tmp_path / "out.jsonl"
    assert main(["batch", REF, str(inputs), "--out", str(out), "--concurrency", "2"]) == 1
    rows = read_rows(out)
    assert sorted(rows) == [0, 1, 2, 3, 4]
    assert rows[2]["status"] == "failed" and "fails on purpose" in rows[2]["error"]
    assert [rows[n]["output"] for n in (0, 1, 3, 4)] == [0, 1, 9, 16]
    err = capsys.readouterr().err
    assert "5/5 done, 1 failed, 0 in flight" in err
    assert "1 of 5 inputs failed" in err

    # Run again: the default journal (OUT.journal) re-attaches every input, nothing is created.
    assert main(["batch", REF, str(inputs), "--out", str(out)]) == 1
    assert read_rows(out) == rows
    assert creates_by_input(client) == {n: 1 for n in range(5)}
    assert (tmp_path / "out.jsonl.journal").exists()


@pytest.mark.usefixtures("cli_env")
def test_batch_succeeds_with_its_own_journal(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in.jsonl", [{"n": 3}, {"n": 4}])
    out, journal = tmp_path / "out.jsonl", tmp_path / "my.journal"
    assert main(["batch", REF, str(inputs), "--out", str(out), "--journal", str(journal)]) == 0
    assert {row["output"] for row in read_rows(out).values()} == {9, 16}
    assert journal.exists()


@pytest.mark.usefixtures("cli_env")
def test_changed_inputs_are_a_usage_error_and_keep_the_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = write_inputs(tmp_path / "in.jsonl", [{"n": 1}, {"n": 2}])
    out = tmp_path / "out.jsonl"
    assert main(["batch", REF, str(inputs), "--out", str(out)]) == 0
    before = out.read_text()
    write_inputs(inputs, [{"n": 1}, {"n": 5}])
    assert main(["batch", REF, str(inputs), "--out", str(out)]) == 2
    assert "inputs changed" in capsys.readouterr().err
    assert out.read_text() == before


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"n": 1}\nnot json\n', "in.jsonl:2: not JSON"),
        ('{"n": 1}\n[1, 2]\n', "in.jsonl:2: expected a JSON object"),
        ("\n\n", "has no inputs"),
    ],
)
def test_bad_input_files_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(content)
    assert main(["batch", REF, str(inputs), "--out", str(tmp_path / "out.jsonl")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


def test_progress_line() -> None:
    progress = BatchProgress(total=100, done=40, failed=2, in_flight=8, elapsed=10.0)
    assert format_progress(progress) == "40/100 done, 2 failed, 8 in flight, 4.0/s, ETA 15.0s"
    starting = BatchProgress(total=10, done=0, failed=0, in_flight=3, elapsed=0.5)
    assert format_progress(starting).endswith("0.0/s, ETA -")


def test_ctrl_c_then_the_same_command_resumes(
    server: LocalServer, client: replicate_ext.Client, tmp_path: Path
) -> None:
    inputs = write_inputs(tmp_path / "in.jsonl", [{"n": n, "seconds": 1.5} for n in range(4)])
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "replicate_ext.cli", "batch", REF, str(inputs)]
    command += ["--out", str(out), "--concurrency", "2"]
    env = {
        **os.environ,
        "REPLICATE_BASE_URL": server.base_url,
        "REPLICATE_API_TOKEN": server.token,
    }
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        journal_when(tmp_path / "out.jsonl.journal", 2, process)
        process.send_signal(signal.SIGINT)
        _stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 130
    assert "run the same command again to resume" in stderr

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    assert {row["output"] for row in read_rows(out).values()} == {0, 1, 4, 9}
    assert creates_by_input(client) == {n: 1 for n in range(4)}

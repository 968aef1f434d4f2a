"""Streaming, resource subcommands and --help, as a subprocess against the local server."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time

import pytest

from replicate_ext.cli import main as cli_main

from .conftest import CLI, assert_one_line_error


def _read_some(process: subprocess.Popen[str], deadline: float) -> str:
    """Read whatever stdout has produced so far, waiting (bounded) for the first bytes."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            return os.read(fd, 4096).decode()
    raise AssertionError("no output before the deadline")


def test_stream_prints_tokens_while_the_model_still_runs(cli: CLI) -> None:
    words = " ".join(f"w{i}" for i in range(40))
    process = cli.popen(
        "run", "demo/stream", "--stream", "-i", f"prompt={words}", "-i", "delay=0.1"
    )
    try:
        first = _read_some(process, time.monotonic() + 20)
        # the first token is on stdout while the model has ~4 s of tokens left to produce
        assert first.startswith("w0")
        assert process.poll() is None
        rest, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert first + rest == words + "\n"


def test_stream_of_a_failing_model_exits_1(cli: CLI) -> None:
    result = cli("run", "demo/fail", "--stream", "-i", "message=no tokens today")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "no tokens today")


def test_ctrl_c_while_streaming_cancels(cli: CLI) -> None:
    words = " ".join(f"w{i}" for i in range(200))
    process = cli.popen(
        "run", "demo/stream", "--stream", "-i", f"prompt={words}", "-i", "delay=0.1"
    )
    try:
        assert _read_some(process, time.monotonic() + 20).startswith("w0")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130
    assert_one_line_error(stderr, "interrupted", "canceled prediction")
    prediction_id = stderr.strip().rsplit(" ", 1)[-1]
    with cli.client() as client:
        assert client.predictions.get(prediction_id).status == "canceled"


def test_predictions_list_get_cancel(cli: CLI) -> None:
    for name in ("a", "b", "c", "d"):
        assert cli("run", "demo/hello", "-i", f"name={name}").returncode == 0
    # page size is 3 on this server: --limit 4 needs a second page
    listed = cli("predictions", "list", "--limit", "4", "--json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert len(items) == 4
    assert [p["input"]["name"] for p in items] == ["d", "c", "b", "a"]

    table = cli("predictions", "list", "--limit", "2")
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["ID", "MODEL", "STATUS", "CREATED", "TIME"]
    assert len(lines) == 3 and items[0]["id"] in lines[1]

    shown = cli("predictions", "get", items[0]["id"])
    assert shown.returncode == 0
    assert "succeeded" in shown.stdout and "hello d" in shown.stdout

    created = cli("run", "demo/sleep", "-i", "seconds=30", "--no-wait")
    prediction_id = created.stdout.strip()
    canceled = cli("predictions", "cancel", prediction_id, "--json")
    assert canceled.returncode == 0, canceled.stderr
    assert json.loads(canceled.stdout)["status"] == "canceled"

    missing = cli("predictions", "get", "doesnotexist")
    assert missing.returncode == 3
    assert_one_line_error(missing.stderr, "404")


def test_models_commands(cli: CLI) -> None:
    got = cli("models", "get", "demo/hello")
    assert got.returncode == 0, got.stderr
    assert "demo/hello" in got.stdout and "Greets you by name." in got.stdout

    versions = cli("models", "versions", "demo/hello", "--json")
    assert versions.returncode == 0, versions.stderr
    with cli.client() as client:
        latest = client.models.get_latest_version("demo/hello")
    assert latest is not None
    assert [v["id"] for v in json.loads(versions.stdout)] == [latest.id]

    found = cli("models", "search", "stream", "--json")
    assert found.returncode == 0, found.stderr
    assert "demo/stream" in [f"{m['owner']}/{m['name']}" for m in json.loads(found.stdout)]

    bad = cli("models", "get", "no-slash")
    assert bad.returncode == 2
    assert_one_line_error(bad.stderr, "no-slash")


def test_hardware_and_deployments_list(cli: CLI) -> None:
    hardware = cli("hardware", "--json")
    assert hardware.returncode == 0, hardware.stderr
    with cli.client() as client:
        expected = [h.sku for h in client.hardware.list()]
    assert [h["sku"] for h in json.loads(hardware.stdout)] == expected
    deployments = cli("deployments", "list")
    assert deployments.returncode == 0, deployments.stderr
    assert deployments.stdout.splitlines()[0].split()[0] == "DEPLOYMENT"


def test_files_upload_list_download_delete(cli: CLI) -> None:
    payload = bytes(range(256)) * 10
    (cli.cwd / "blob.bin").write_bytes(payload)
    uploaded = cli("files", "upload", "blob.bin", "--json")
    assert uploaded.returncode == 0, uploaded.stderr
    file_id = json.loads(uploaded.stdout)["id"]
    assert json.loads(uploaded.stdout)["size"] == len(payload)

    listed = cli("files", "list", "--limit", "0")
    assert file_id in listed.stdout

    downloaded = cli("files", "download", file_id, "-o", "copy.bin")
    assert downloaded.returncode == 0, downloaded.stderr
    assert downloaded.stdout.strip() == "copy.bin"
    assert (cli.cwd / "copy.bin").read_bytes() == payload

    by_name = cli("files", "download", file_id)
    assert by_name.returncode == 0, by_name.stderr
    assert (cli.cwd / by_name.stdout.strip()).read_bytes() == payload

    assert cli("files", "delete", file_id).returncode == 0
    gone = cli("files", "get", file_id)
    assert gone.returncode == 3
    assert_one_line_error(gone.stderr, "404")

    missing = cli("files", "upload", "nope.bin")
    assert missing.returncode == 2
    assert_one_line_error(missing.stderr, "file not found")


def test_missing_token_is_one_clear_line(cli: CLI) -> None:
    result = cli("predictions", "list", REPLICATE_API_TOKEN="")
    assert result.returncode == 3
    assert_one_line_error(result.stderr, "REPLICATE_API_TOKEN")


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["run"],
        ["predictions"],
        ["predictions", "list"],
        ["predictions", "get"],
        ["predictions", "cancel"],
        ["models"],
        ["models", "get"],
        ["models", "versions"],
        ["models", "search"],
        ["deployments"],
        ["deployments", "list"],
        ["deployments", "get"],
        ["hardware"],
        ["files"],
        ["files", "upload"],
        ["files", "list"],
        ["files", "get"],
        ["files", "download"],
        ["files", "delete"],
        ["serve"],
    ],
    ids=lambda c: " ".join(c) or "top",
)
def test_help_everywhere(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    # in-process: argparse's help is the same as the subprocess's, and 21 interpreters are slow
    assert cli_main([*command, "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: replicate-ext")


def test_usage_errors_exit_2(cli: CLI) -> None:
    assert cli().returncode == 2
    assert cli("predictions").returncode == 2
    result = cli("run", "demo/hello", "--timeout", "soon")
    assert result.returncode == 2
    assert "argument --timeout: expected a number of seconds, got 'soon'" in result.stderr

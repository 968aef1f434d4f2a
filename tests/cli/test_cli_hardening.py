"""Bad command-line input is a usage error (exit 2) found before any work is done, and every
error names the path or module at fault."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from replicate_ext import Client, Prediction
from replicate_ext.cli import app, args, run
from replicate_ext.cli.errors import UsageError

from .conftest import CLI, ROOT, assert_one_line_error


def _prediction_ids(cli: CLI) -> set[str]:
    with cli.client() as client:
        return {p.id for p in client.paginate(client.predictions.list())}


# --- --timeout and --port -------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", "-1", "0", "NaN"])
def test_timeout_must_be_a_positive_finite_number(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert app.main(["run", "demo/hello", f"--timeout={bad}"]) == 2
    err = capsys.readouterr().err
    assert f"argument --timeout: must be a positive, finite number of seconds, got {bad!r}" in err


def test_a_fine_timeout_still_parses() -> None:
    assert args.positive_seconds("2.5") == 2.5


@pytest.mark.parametrize("port", ["99999", "65536", "-1"])
def test_serve_port_out_of_range_is_a_usage_error(port: str) -> None:
    # a subprocess, bounded: a port check that let 99999 through would try to start a server
    result = subprocess.run(
        [sys.executable, "-m", "replicate_ext.cli", "serve", f"--port={port}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    # argparse's own usage error: the usage, then one line naming the option and the value
    assert result.stderr.splitlines()[-1] == (
        f"replicate-ext serve: error: argument --port: not a port number from 0 to 65535: '{port}'"
    )


def test_limit_must_not_be_negative(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["predictions", "list", "--limit", "-3"]) == 2
    assert "argument --limit: must be 0 or more, got '-3'" in capsys.readouterr().err


# --- output paths are checked before the prediction runs ------------------------------------


def test_output_dir_that_is_a_file_fails_before_the_prediction_runs(cli: CLI) -> None:
    (cli.cwd / "taken").write_text("not a directory")
    before = _prediction_ids(cli)
    for output_dir in ("taken", "taken/sub"):
        result = cli("run", "demo/hello", "-i", "name=Ada", "-o", output_dir)
        assert result.returncode == 2
        assert_one_line_error(result.stderr, f"output directory {output_dir}", "taken")
    assert _prediction_ids(cli) == before  # nothing was created
    assert (cli.cwd / "taken").read_text() == "not a directory"


def test_a_missing_output_dir_is_fine_and_created_when_needed(cli: CLI) -> None:
    result = cli("run", "demo/image", "-i", "width=4", "-i", "height=4", "-o", "new/dir")
    assert result.returncode == 0, result.stderr
    saved = Path(result.stdout.strip())
    assert saved.parent == Path("new/dir") and (cli.cwd / saved).read_bytes()[:4] == b"\x89PNG"
    assert [p.name for p in (cli.cwd / "new/dir").iterdir()] == [saved.name]  # no leftovers


def test_files_download_never_overwrites_unless_asked(cli: CLI) -> None:
    (cli.cwd / "blob.bin").write_bytes(b"new content")
    uploaded = cli("files", "upload", "blob.bin", "--json")
    assert uploaded.returncode == 0, uploaded.stderr
    file_id = json.loads(uploaded.stdout)["id"]
    (cli.cwd / "keep.bin").write_bytes(b"precious")

    refused = cli("files", "download", file_id, "-o", "keep.bin")
    assert refused.returncode == 2
    assert_one_line_error(refused.stderr, "keep.bin already exists", "--overwrite")
    assert (cli.cwd / "keep.bin").read_bytes() == b"precious"

    replaced = cli("files", "download", file_id, "-o", "keep.bin", "--overwrite")
    assert replaced.returncode == 0, replaced.stderr
    assert (cli.cwd / "keep.bin").read_bytes() == b"new content"

    (cli.cwd / "into").mkdir()
    into = cli("files", "download", file_id, "-o", "into")
    assert into.returncode == 0, into.stderr
    assert Path(into.stdout.strip()).parent == Path("into")
    assert (cli.cwd / into.stdout.strip()).read_bytes() == b"new content"

    nowhere = cli("files", "download", file_id, "-o", "no/such/dir/x.bin")
    assert nowhere.returncode == 2
    assert_one_line_error(nowhere.stderr, "no/such/dir")


# --- errors name the path or module at fault ------------------------------------------------


def test_input_errors_name_the_input_and_the_path(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"input 'photo': not a regular file: .*tmp"):
        args.parse_input_pair(f"photo=@{tmp_path}")
    missing = tmp_path / "missing.png"
    with pytest.raises(
        UsageError, match=f"input 'photo': file not found: {re.escape(str(missing))}"
    ):
        args.parse_input_pair(f"photo=@{missing}")


def test_an_unreadable_input_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.png"
    locked.write_bytes(b"x")

    def refuse(self: Path, *a: Any, **k: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)  # root can read anything, so fake the refusal
    with pytest.raises(UsageError) as caught:
        args.parse_input_pair(f"photo=@{locked}")
    assert str(caught.value) == f"input 'photo': cannot read {locked}: Permission denied"


def test_unreadable_input_file_on_the_command_line(cli: CLI) -> None:
    (cli.cwd / "folder").mkdir()
    result = cli("run", "demo/hello", "-i", "name=@folder")
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "input 'name': not a regular file: folder")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (None, "no module named 'no_such_model_module_xyz'"),
        ("import not_installed_dependency_xyz\n", "needs 'not_installed_dependency_xyz'"),
        ("raise RuntimeError('bad setup')\n", "RuntimeError: bad setup"),
    ],
    ids=["missing", "missing-dependency", "raises"],
)
def test_serve_names_the_model_module_at_fault(
    source: str | None,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    module = "no_such_model_module_xyz"
    if source is not None:
        module = f"cli_model_{abs(hash(source))}"
        (tmp_path / f"{module}.py").write_text(source)
        monkeypatch.syspath_prepend(str(tmp_path))
    spec = f"me/model={module}:predict"
    assert app.main(["serve", "--port", "0", "--model", spec]) == 2
    err = capsys.readouterr().err
    assert_one_line_error(err, f"--model {spec}", expected)
    assert "server' extra" not in err  # not mistaken for a missing optional dependency


# --- the status line's polling ----------------------------------------------------------------


@attrs.define
class _Polls:
    """A prediction API over MockTransport: each poll takes the next status (then
    "processing"), after an optional pause; the start of every poll is recorded."""

    statuses: list[str]
    pauses: list[float] = attrs.Factory(list)
    at: list[float] = attrs.Factory(list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "GET" and request.url.path == "/v1/predictions/p1"
        self.at.append(time.monotonic())
        if self.pauses:
            time.sleep(self.pauses.pop(0))
        status = self.statuses.pop(0) if self.statuses else "processing"
        return httpx.Response(200, json={"id": "p1", "status": status})

    def client(self) -> Client:
        transport = httpx.MockTransport(self.handle)
        return Client(api_token="r8_test", base_url="http://api.test/v1", transport=transport)


def _starting() -> Prediction:
    return Prediction.from_dict({"id": "p1", "status": "starting"})


def test_status_line_polls_on_the_sdk_schedule_with_a_gentler_floor() -> None:
    polls = _Polls(["processing", "processing", "processing", "succeeded"])
    seen: list[str] = []
    started = time.monotonic()
    with polls.client() as client:
        final = run.wait_with_updates(
            client, _starting(), timeout=10.0, on_update=lambda p: seen.append(p.status)
        )
    assert final.status == "succeeded" and seen[0] == "starting" and seen[-1] == "succeeded"
    starts = [started, *polls.at]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 4
    assert min(gaps) >= run.POLL_FLOOR * 0.9  # not the SDK's 50 ms floor
    assert max(gaps) < 1.0


def test_status_line_keeps_ticking_during_a_slow_poll() -> None:
    polls = _Polls(["succeeded"], pauses=[0.8])
    drawn: list[tuple[str, float]] = []
    with polls.client() as client:
        run.wait_with_updates(
            client,
            _starting(),
            timeout=10.0,
            on_update=lambda p: drawn.append((p.status, time.monotonic())),
        )
    during_poll = [at for status, at in drawn if status == "starting" and at > polls.at[0]]
    assert len(during_poll) >= 3  # redrawn about every DISPLAY_TICK while the request hangs
    assert drawn[-1][0] == "succeeded"


def test_status_line_polling_stops_at_the_timeout() -> None:
    polls = _Polls([])
    started = time.monotonic()
    with polls.client() as client, pytest.raises(run.RunTimeout):
        run.wait_with_updates(
            client,
            Prediction.from_dict({"id": "p1", "status": "processing"}),
            timeout=0.3,
            on_update=lambda p: None,
        )
    assert 0.25 <= time.monotonic() - started < 1.5
    assert 2 <= len(polls.at) <= 4  # 100 ms apart at the least


def test_the_cli_uses_no_private_attribute_of_the_client() -> None:
    sources = (ROOT / "replicate_ext" / "cli").glob("*.py")
    private = re.compile(r"\bclient\._\w+|\._(client|upload)\b")
    hits = [f"{p.name}: {m.group(0)}" for p in sources for m in private.finditer(p.read_text())]
    assert hits == []

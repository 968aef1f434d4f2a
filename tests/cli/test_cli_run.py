"""``replicate-ext run`` end to end: a subprocess against the local server."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from replicate_ext.local import Fault, LocalServer

from .conftest import CLI, assert_one_line_error


def _latest(cli: CLI, model: str) -> object:
    with cli.client() as client:
        for prediction in client.paginate(client.predictions.list()):
            if prediction.model == model:
                return prediction
    raise AssertionError(f"no prediction of {model}")


def test_run_prints_the_output_and_nothing_else_when_piped(cli: CLI) -> None:
    result = cli("run", "demo/hello", "-i", "name=Ada")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello Ada\n"
    assert result.stderr == ""  # no status line, spinner or colour when not on a terminal


def test_json_values_reach_the_model_as_json(cli: CLI) -> None:
    # demo/sleep's "seconds" is a number: a string "0" would be rejected with 422
    result = cli("run", "demo/sleep", "-i", "seconds=0")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "slept 0s\n"


def test_at_path_sends_the_file(cli: CLI) -> None:
    (cli.cwd / "name.txt").write_text("from a file")
    result = cli("run", "demo/hello", "-i", "name=@name.txt")
    assert result.returncode == 0, result.stderr
    # small files travel as data URIs: the model received the file's bytes, base64-encoded
    assert result.stdout.startswith("hello data:text/plain")
    assert "ZnJvbSBhIGZpbGU=" in result.stdout


def test_missing_input_file_is_a_usage_error_before_any_request(cli: CLI) -> None:
    result = cli("run", "demo/hello", "-i", "name=@nope.txt")
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "input 'name': file not found: nope.txt")


def test_malformed_ref_is_a_usage_error(cli: CLI) -> None:
    result = cli("run", "not a model", "-i", "x=1")
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "invalid model reference")


def test_failed_model_exits_1_with_one_clear_line(cli: CLI) -> None:
    result = cli("run", "demo/fail", "-i", "message=the GPU caught fire")
    assert result.returncode == 1
    assert result.stdout == ""
    assert_one_line_error(result.stderr, "failed", "the GPU caught fire")


def test_api_errors_exit_3(cli: CLI) -> None:
    missing = cli("run", "demo/nope")
    assert missing.returncode == 3
    assert_one_line_error(missing.stderr, "404", "demo/nope")
    invalid = cli("run", "demo/hello", "-i", "nmae=Ada")
    assert invalid.returncode == 3
    assert_one_line_error(invalid.stderr, "422", "nmae")


def test_unreachable_server_exits_3(cli: CLI) -> None:
    result = cli("run", "demo/hello", "-i", "name=x", REPLICATE_BASE_URL="http://127.0.0.1:9/v1")
    assert result.returncode == 3
    assert_one_line_error(result.stderr, "cannot reach the API")


def test_debug_shows_the_traceback(cli: CLI) -> None:
    result = cli("--debug", "run", "demo/nope")
    assert result.returncode == 3
    assert "Traceback" in result.stderr
    assert "NotFoundError" in result.stderr
    # and the SDK's HTTP log, without the token
    assert "replicate_ext: POST /v1/models/demo/nope/predictions -> 404" in result.stderr
    assert "r8_cli_test" not in result.stderr


def test_file_outputs_are_saved_and_their_paths_printed(cli: CLI, tmp_path: Path) -> None:
    out_dir = tmp_path / "outputs"
    first = cli("run", "demo/image", "-i", "width=8", "-i", "height=4", "-o", str(out_dir))
    second = cli("run", "demo/image", "-i", "width=8", "-i", "height=4", "-o", str(out_dir))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    paths = [Path(first.stdout.strip()), Path(second.stdout.strip())]
    assert paths[0] != paths[1]  # the second run does not overwrite the first
    for path in paths:
        assert path.parent == out_dir
        assert path.suffix == ".png"
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert int.from_bytes(data[16:20], "big") == 8  # IHDR width


def test_token_stream_output_is_concatenated(cli: CLI) -> None:
    result = cli("run", "demo/stream", "-i", "prompt=one two three", "-i", "delay=0")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "one two three\n"


def test_no_wait_prints_the_id_and_json_the_prediction(cli: CLI) -> None:
    created = cli("run", "demo/sleep", "-i", "seconds=0", "--no-wait")
    assert created.returncode == 0, created.stderr
    prediction_id = created.stdout.strip()
    assert prediction_id and " " not in prediction_id
    shown = cli("predictions", "get", prediction_id, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == prediction_id

    result = cli("run", "demo/hello", "-i", "name=Json", "--json")
    assert result.returncode == 0, result.stderr
    prediction = json.loads(result.stdout)
    assert prediction["status"] == "succeeded"
    assert prediction["output"] == "hello Json"
    assert prediction["input"] == {"name": "Json"}


def test_timeout_cancels_the_prediction(cli: CLI) -> None:
    started = time.monotonic()
    result = cli("run", "demo/sleep", "-i", "seconds=30", "--timeout", "0.5")
    assert time.monotonic() - started < 20
    assert result.returncode == 3
    assert_one_line_error(result.stderr, "timed out after 0.5s", "canceled prediction")
    prediction_id = result.stderr.strip().rsplit(" ", 1)[-1]
    with cli.client() as client:
        assert client.predictions.get(prediction_id).status == "canceled"


def test_ctrl_c_cancels_the_prediction_and_says_so(cli: CLI) -> None:
    process = cli.popen("run", "demo/sleep", "-i", "seconds=60")
    try:
        # wait (bounded) until the prediction exists and runs, then press Ctrl-C
        deadline = time.monotonic() + 20
        with cli.client() as client:
            while time.monotonic() < deadline:
                page = client.predictions.list()
                running = [p for p in page.results if p.model == "demo/sleep"]
                if running and running[0].status == "processing":
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("the prediction never started")
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 130
    assert stdout == ""
    assert_one_line_error(stderr, "interrupted", "canceled prediction")
    prediction_id = stderr.strip().rsplit(" ", 1)[-1]
    with cli.client() as client:
        assert client.predictions.get(prediction_id).status == "canceled"


def test_run_a_deployment(cli: CLI) -> None:
    with cli.client() as client:
        version = client.models.get_latest_version("demo/hello")
        assert version is not None
        client.deployments.create(
            name="greeter-cli",
            model="demo/hello",
            version=version.id,
            hardware="cpu",
            min_instances=0,
            max_instances=1,
        )
        owner = client.deployments.get(f"{client.account.get().username}/greeter-cli").owner
    result = cli("run", "--deployment", f"{owner}/greeter-cli", "-i", "name=Dep")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello Dep\n"
    shown = cli("deployments", "get", f"{owner}/greeter-cli")
    assert shown.returncode == 0, shown.stderr
    assert "demo/hello" in shown.stdout and version.id in shown.stdout


def test_ctrl_c_during_create_still_cancels_the_new_prediction(tmp_path: Path) -> None:
    """The interrupt is held until the create response (and the id) arrives."""
    slow_create = Fault.delay(2.0, method="POST", path="/v1/models/demo/sleep/predictions")
    with LocalServer(faults=[slow_create]) as server:
        cli = CLI(server, tmp_path)
        process = cli.popen("run", "demo/sleep", "-i", "seconds=60")
        try:
            deadline = time.monotonic() + 20
            while server.faults.pending() and time.monotonic() < deadline:
                time.sleep(0.02)  # until the server holds the create request
            assert not server.faults.pending(), "the create request never arrived"
            process.send_signal(signal.SIGINT)
            stdout, stderr = process.communicate(timeout=20)
        finally:
            process.kill()
        assert process.returncode == 130
        assert stdout == ""
        assert_one_line_error(stderr, "interrupted", "canceled prediction")
        prediction_id = stderr.strip().rsplit(" ", 1)[-1]
        with cli.client() as client:
            assert client.predictions.get(prediction_id).status == "canceled"


def test_losing_the_connection_after_create_still_names_the_prediction(tmp_path: Path) -> None:
    broken_polls = Fault.reset(method="GET", path="/v1/predictions/*", times=50)
    with LocalServer(faults=[broken_polls]) as server:
        cli = CLI(server, tmp_path)
        result = cli("run", "demo/sleep", "-i", "seconds=5")
        server.clear_faults()
        assert result.returncode == 3
        assert_one_line_error(result.stderr, "cannot reach the API", "may still be running")
        prediction_id = result.stderr.split("replicate-ext predictions get ")[1].strip(" )\n")
        with cli.client() as client:
            assert client.predictions.get(prediction_id).model == "demo/sleep"

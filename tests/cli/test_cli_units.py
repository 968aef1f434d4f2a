"""Pure pieces of the CLI: input parsing, status line, tables, JSON, argument handling."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import attrs
import pytest

from replicate_ext import (
    APIConnectionError,
    APIResponseDecodeError,
    ModelError,
    NotFoundError,
    Prediction,
    WaitTimeoutError,
)
from replicate_ext.cli import app, args, errors, formatting, status, transfer


def test_plain_values_stay_strings() -> None:
    assert args.parse_input_pair("prompt=a cat on a mat") == ("prompt", "a cat on a mat")
    assert args.parse_input_pair("name=Ada") == ("name", "Ada")


def test_json_values_are_parsed() -> None:
    assert args.parse_input_pair("n=3") == ("n", 3)
    assert args.parse_input_pair("scale=0.5") == ("scale", 0.5)
    assert args.parse_input_pair("flag=true") == ("flag", True)
    assert args.parse_input_pair("nothing=null") == ("nothing", None)
    assert args.parse_input_pair("sizes=[1, 2]") == ("sizes", [1, 2])
    assert args.parse_input_pair('opts={"a": 1}') == ("opts", {"a": 1})
    assert args.parse_input_pair('code="007"') == ("code", "007")


def test_only_the_first_equals_sign_splits() -> None:
    assert args.parse_input_pair("expr=a=b") == ("expr", "a=b")
    assert args.parse_input_pair("empty=") == ("empty", "")


def test_at_path_is_a_file(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG")
    key, value = args.parse_input_pair(f"image=@{photo}")
    assert key == "image"
    assert isinstance(value, Path)
    assert value == photo


def test_double_at_is_a_literal_string() -> None:
    assert args.parse_input_pair("handle=@@ada") == ("handle", "@ada")


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(errors.UsageError, match="not found"):
        args.parse_input_pair(f"image=@{tmp_path / 'missing.png'}")
    with pytest.raises(errors.UsageError, match="file path"):
        args.parse_input_pair("image=@")


@pytest.mark.parametrize("bad", ["novalue", "=value", " =x"])
def test_malformed_pairs_are_usage_errors(bad: str) -> None:
    with pytest.raises(errors.UsageError, match="key=value"):
        args.parse_input_pair(bad)


def test_repeated_key_is_a_usage_error() -> None:
    assert args.parse_inputs(["a=1", "b=x"]) == {"a": 1, "b": "x"}
    with pytest.raises(errors.UsageError, match="more than once"):
        args.parse_inputs(["a=1", "a=2"])


def test_last_log_line_skips_blank_lines_and_progress_rewrites() -> None:
    assert status.last_log_line(None) == ""
    assert status.last_log_line("") == ""
    assert status.last_log_line("loading\nstep 1\nstep 2\n\n") == "step 2"
    assert status.last_log_line("start\n 10%|#  \r 50%|#####") == "50%|#####"


def test_format_elapsed() -> None:
    assert formatting.format_elapsed(0.04) == "0.0s"
    assert formatting.format_elapsed(4.25) == "4.2s"
    assert formatting.format_elapsed(185) == "3m05s"


def test_status_line_has_status_elapsed_and_latest_log() -> None:
    line = status.format_status_line("processing", 3.21, "booting\nstep 4/10\n")
    assert line == "processing  3.2s  step 4/10"
    assert status.format_status_line("starting", 0.0, None) == "starting  0.0s"


def test_status_line_is_cut_to_width() -> None:
    line = status.format_status_line("processing", 1.0, "x" * 500, width=30)
    assert len(line) == 30
    assert line.startswith("processing  1.0s  x")
    assert line.endswith("…")


def test_status_display_is_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()  # StringIO.isatty() is False, like a pipe
    with status.StatusDisplay(stream) as display:
        display.update("processing", 1.0, "working")
    assert stream.getvalue() == ""


def test_status_display_draws_and_clears_a_line_when_forced_plain() -> None:
    stream = io.StringIO()
    display = status.StatusDisplay(stream, enabled=True, use_rich=False)
    display.update("processing", 1.0, "step 1")
    display.update("processing", 2.0, None)
    display.close()
    text = stream.getvalue()
    assert "\rprocessing  1.0s  step 1" in text
    assert "\rprocessing  2.0s" in text
    # the shorter second line overwrites the leftovers of the first, and close() blanks it
    assert text.endswith("\r")
    assert "\n" not in text


def test_format_table_aligns_columns() -> None:
    table = formatting.format_table(["id", "status"], [["abc", "succeeded"], ["defghi", None]])
    assert table.splitlines() == ["ID      STATUS", "abc     succeeded", "defghi  -"]


@attrs.frozen
class _Thing:
    id: str
    created_at: dt.datetime | None
    tags: list[str]
    extra: dict[str, object] = attrs.field(factory=dict)


def test_to_jsonable_handles_typed_objects_datetimes_and_extra_fields() -> None:
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    thing = _Thing("p1", when, ["a"], extra={"new_field": 1, "id": "ignored"})
    assert formatting.to_jsonable(thing) == {
        "id": "p1",
        "created_at": "2024-01-02T03:04:05+00:00",
        "tags": ["a"],
        "new_field": 1,
    }
    out = io.StringIO()
    formatting.print_json([thing, Path("x.png")], out)
    assert json.loads(out.getvalue())[1] == "x.png"


def test_help_exits_zero_and_usage_errors_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["--help"]) == errors.EXIT_OK
    assert "run" in capsys.readouterr().out
    assert app.main(["no-such-command"]) == errors.EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err
    assert app.main(["run", "demo/hello", "-i", "oops"]) == errors.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.strip() == "error: input must look like key=value, got 'oops'"


def _prediction(status: str, error: str | None = None) -> Prediction:
    return Prediction.from_dict({"id": "p123", "status": status, "error": error})


def test_exit_codes_follow_the_kind_of_failure() -> None:
    assert errors.exit_code_for(errors.UsageError("x")) == errors.EXIT_USAGE
    assert errors.exit_code_for(ValueError("bad ref")) == errors.EXIT_USAGE
    assert (
        errors.exit_code_for(ModelError(_prediction("failed", "boom"))) == errors.EXIT_MODEL_FAILED
    )
    assert errors.exit_code_for(NotFoundError("404", status=404)) == errors.EXIT_API_ERROR
    assert errors.exit_code_for(APIConnectionError("refused")) == errors.EXIT_API_ERROR
    assert (
        errors.exit_code_for(WaitTimeoutError(_prediction("processing"), 5))
        == errors.EXIT_API_ERROR
    )
    assert errors.exit_code_for(KeyboardInterrupt()) == errors.EXIT_INTERRUPTED


def test_errors_describe_themselves_in_one_line() -> None:
    failed = ModelError(_prediction("failed", "CUDA out of memory\nat line 3"))
    assert errors.describe_error(failed) == "prediction p123 failed: CUDA out of memory at line 3"
    api = NotFoundError("404 Not Found", status=404, title="Not found", detail="no model x/y")
    assert errors.describe_error(api) == "API error 404: no model x/y"
    assert errors.describe_error(APIConnectionError("ConnectError on GET /v1")) == (
        "cannot reach the API: ConnectError on GET /v1"
    )
    waited = WaitTimeoutError(_prediction("processing"), 5)
    assert (
        errors.describe_error(waited) == "timed out waiting for prediction p123 (status processing)"
    )
    assert errors.describe_error(RuntimeError("x" * 1000)).endswith("…")
    not_json = APIResponseDecodeError(
        "200 response to GET /v1/x is not JSON (text/html): <html>", status=200
    )
    assert errors.describe_error(not_json) == str(not_json)
    assert errors.exit_code_for(not_json) == errors.EXIT_API_ERROR


def test_output_filenames() -> None:
    assert transfer.output_filename("https://cdn.example/a/out-0.png?sig=1", 0) == "out-0.png"
    assert (
        transfer.output_filename(
            "http://h/v1/files/abc/download",
            3,
            content_disposition='attachment; filename="image.png"',
        )
        == "image.png"
    )
    assert transfer.output_filename("http://h/files/abc", 1, content_type="image/png") == "abc.png"
    assert transfer.output_filename("http://h/", 2) == "output-2"
    assert transfer.output_filename("data:image/png;base64,AAAA", 4) == "output-4.png"
    # a hostile server name cannot leave the output directory
    name = transfer.output_filename(
        "http://h/x", 0, content_disposition='attachment; filename="../../e"'
    )
    assert "/" not in name and not name.startswith(".")


def test_unique_path_never_overwrites(tmp_path: Path) -> None:
    assert transfer.unique_path(tmp_path, "a.png") == tmp_path / "a.png"
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / "a-1.png").write_bytes(b"")
    assert transfer.unique_path(tmp_path, "a.png") == tmp_path / "a-2.png"


def test_render_output() -> None:
    assert formatting.render_output(None, concatenate=False) == ""
    assert formatting.render_output("hi", concatenate=False) == "hi"
    assert formatting.render_output(["a ", "b"], concatenate=True) == "a b"
    assert formatting.render_output(["x.png", "y.png"], concatenate=False) == "x.png\ny.png"
    assert json.loads(formatting.render_output({"n": 1}, concatenate=False)) == {"n": 1}


def test_stream_cannot_be_combined_with_json_or_no_wait(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert app.main(["run", "demo/hello", "--stream", "--json"]) == errors.EXIT_USAGE
    assert "--stream" in capsys.readouterr().err
    assert app.main(["run", "demo/hello", "--stream", "--no-wait"]) == errors.EXIT_USAGE

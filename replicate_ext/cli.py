"""The ``replicate-ext`` command line.

Run models, inspect predictions, models, deployments, hardware and files, and serve the local
Replicate-compatible server. Exit codes: 0 ok, 1 the model failed (or was canceled), 2 usage
error, 3 API or network error, 130 interrupted with Ctrl-C.

    $ replicate-ext run demo/hello -i name=Ada
    hello Ada
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

EXIT_OK = 0
EXIT_MODEL_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad command-line input, found before any request is sent (exit code 2)."""


# --- inputs ---------------------------------------------------------------------------------


def parse_input_value(raw: str) -> Any:
    """Turn the value half of ``-i key=value`` into a model input value.

    ``@path`` is a file to upload (``@@text`` is the literal string ``@text``); a value that
    parses as JSON is used as JSON (``3``, ``true``, ``[1, 2]``, ``{"a": 1}``, ``"7"``);
    anything else is the plain string.
    """
    if raw.startswith("@@"):
        return raw[1:]
    if raw.startswith("@"):
        path = Path(raw[1:]).expanduser()
        if not raw[1:]:
            raise UsageError("'@' must be followed by a file path, e.g. image=@photo.png")
        if not path.is_file():
            raise UsageError(f"input file not found: {path}")
        return path
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_input_pair(text: str) -> tuple[str, Any]:
    """Parse one ``key=value`` argument (see :func:`parse_input_value`)."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise UsageError(f"input must look like key=value, got {text!r}")
    return key, parse_input_value(raw)


def parse_inputs(pairs: Sequence[str]) -> dict[str, Any]:
    """Parse every ``-i key=value``; a key given twice is a usage error."""
    inputs: dict[str, Any] = {}
    for pair in pairs:
        key, value = parse_input_pair(pair)
        if key in inputs:
            raise UsageError(f"input {key!r} given more than once")
        inputs[key] = value
    return inputs


# --- errors and exit codes ------------------------------------------------------------------


def exit_code_for(exc: BaseException) -> int:
    """Map an exception raised while running a command to the CLI's exit code."""
    import replicate_ext as rx

    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, UsageError | ValueError | TypeError | FileNotFoundError):
        return EXIT_USAGE
    if isinstance(exc, rx.ModelError):
        return EXIT_MODEL_FAILED
    return EXIT_API_ERROR


def describe_error(exc: BaseException) -> str:
    """One line saying what went wrong, for stderr (never a traceback)."""
    import replicate_ext as rx

    if isinstance(exc, rx.ModelError):
        prediction = exc.prediction
        reason = _one_line(str(prediction.error)) if prediction.error else prediction.status
        return f"prediction {prediction.id} {prediction.status}: {reason}"
    if isinstance(exc, rx.WaitTimeoutError):
        prediction = exc.prediction
        return f"timed out waiting for prediction {prediction.id} (status {prediction.status})"
    if isinstance(exc, rx.APIError):
        what = exc.detail or exc.title or str(exc)
        return f"API error {exc.status}: {_one_line(str(what))}"
    if isinstance(exc, rx.APIConnectionError):
        return f"cannot reach the API: {_one_line(str(exc)) or type(exc).__name__}"
    text = _one_line(str(exc))
    return text or type(exc).__name__


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- live status ----------------------------------------------------------------------------


def last_log_line(logs: str | None) -> str:
    """The latest non-empty log line; progress bars rewrite a line with ``\\r``."""
    if not logs:
        return ""
    for line in reversed(logs.splitlines()):
        line = line.rsplit("\r", 1)[-1].strip()
        if line:
            return line
    return ""


def format_elapsed(seconds: float) -> str:
    """``4.2s`` under a minute, ``3m05s`` after."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


def format_status_line(status: str, elapsed: float, logs: str | None, width: int = 80) -> str:
    """``processing  3.2s  step 4/10`` cut to ``width`` characters."""
    line = f"{status}  {format_elapsed(elapsed)}"
    log = last_log_line(logs)
    if log:
        line = f"{line}  {log}"
    if len(line) > width:
        line = line[: max(width - 1, 0)] + "…"
    return line


class StatusDisplay:
    """A single live status line on a terminal; silent when the stream is not a terminal."""

    def __init__(self, stream: TextIO, *, enabled: bool | None = None) -> None:
        self._stream = stream
        self._enabled = _is_tty(stream) if enabled is None else enabled
        self._rich_status: Any = None
        self._plain_width = 0
        if self._enabled:
            try:
                from rich.console import Console
            except ImportError:  # the `cli` extra is optional: fall back to a \r line
                pass
            else:
                console = Console(file=stream, highlight=False)
                self._rich_status = console.status("", spinner="dots")
                self._rich_status.start()

    def update(self, status: str, elapsed: float, logs: str | None) -> None:
        if not self._enabled:
            return
        width = _terminal_width() - 4
        line = format_status_line(status, elapsed, logs, width=width)
        if self._rich_status is not None:
            from rich.text import Text

            self._rich_status.update(Text(line))
            return
        padding = " " * max(self._plain_width - len(line), 0)
        self._stream.write("\r" + line + padding)
        self._stream.flush()
        self._plain_width = len(line)

    def close(self) -> None:
        """Remove the line so that whatever is printed next starts clean."""
        if not self._enabled:
            return
        if self._rich_status is not None:
            self._rich_status.stop()
            self._rich_status = None
        elif self._plain_width:
            self._stream.write("\r" + " " * self._plain_width + "\r")
            self._stream.flush()
            self._plain_width = 0
        self._enabled = False

    def __enter__(self) -> StatusDisplay:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


# --- tables and JSON ------------------------------------------------------------------------


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns separated by two spaces; ``None`` shows as ``-``."""
    cells = [[("-" if value is None else str(value)) for value in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], len(value))
    lines = ["  ".join(h.upper().ljust(w) for h, w in zip(headers, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def to_jsonable(value: Any) -> Any:
    """Typed objects → plain JSON values (datetimes as ISO 8601, unknown fields merged back)."""
    import datetime as dt

    import attrs

    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if attrs.has(type(value)):
        data: dict[str, Any] = {}
        extra: Any = None
        for field in attrs.fields(type(value)):
            if field.name == "extra":
                extra = getattr(value, field.name)
                continue
            data[field.name] = to_jsonable(getattr(value, field.name))
        if isinstance(extra, dict):
            for key, item in extra.items():
                data.setdefault(str(key), to_jsonable(item))
        return data
    return str(value)


def print_json(value: Any, stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    out.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")
    out.flush()


# --- entry point ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replicate-ext",
        description=(
            "Run models on Replicate (or on the local server) from the shell. Configure with "
            "REPLICATE_API_TOKEN and, for another server, REPLICATE_BASE_URL."
        ),
        epilog="exit codes: 0 ok, 1 model failed, 2 usage, 3 API/network error, 130 Ctrl-C",
    )
    parser.add_argument("--debug", action="store_true", help="log HTTP traffic and show tracebacks")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    _add_run_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    debug: bool = getattr(args, "debug", False)
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {describe_error(exc)}", file=sys.stderr)
        return exit_code_for(exc)


# --- run ------------------------------------------------------------------------------------


def _add_run_command(subparsers: Any) -> None:
    run = subparsers.add_parser(
        "run",
        help="run a model and print its output",
        description=(
            "Create a prediction and wait for it, showing status, elapsed time and the latest "
            "log line on a terminal. Ctrl-C cancels the prediction."
        ),
    )
    run.add_argument(
        "ref",
        metavar="REF",
        help="owner/name, owner/name:version, a version id, or owner/name of a deployment "
        "with --deployment",
    )
    run.add_argument(
        "-i",
        "--input",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="model input; JSON values are parsed (n=3, flag=true), @path uploads a file",
    )
    run.add_argument(
        "--wait",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="wait for the output (default) or print the prediction id and return",
    )
    run.add_argument("--stream", action="store_true", help="print output tokens as they arrive")
    run.add_argument("--json", action="store_true", help="print the whole prediction as JSON")
    run.add_argument(
        "-o",
        "--output-dir",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="where file outputs are saved (default: current directory)",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="S",
        help="cancel the prediction if it has not finished after S seconds",
    )
    run.add_argument(
        "--deployment", action="store_true", help="REF names a deployment (owner/name)"
    )
    run.set_defaults(handler=_cmd_run)


def _cmd_run(args: argparse.Namespace) -> int:
    parse_inputs(args.input)
    raise UsageError("run is not available yet")


if __name__ == "__main__":
    sys.exit(main())

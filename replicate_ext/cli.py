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
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .codegen._cli import add_parser as add_codegen_command
from .local.cli import add_serve_command

if TYPE_CHECKING:
    from ._client import Client
    from ._files import FileOutput
    from ._pagination import Page
    from .types import Deployment, File, Model, Prediction

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
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, UsageError | ValueError | TypeError | FileNotFoundError):
        return EXIT_USAGE
    import replicate_ext as rx

    if isinstance(exc, rx.ModelError):
        return EXIT_MODEL_FAILED
    return EXIT_API_ERROR


def describe_error(exc: BaseException) -> str:
    """One line saying what went wrong, for stderr (never a traceback)."""
    if isinstance(exc, UsageError):
        return str(exc)
    import replicate_ext as rx

    if isinstance(exc, rx.ModelError):
        prediction = exc.prediction
        reason = _one_line(str(prediction.error)) if prediction.error else prediction.status
        return f"prediction {prediction.id} {prediction.status}: {reason}"
    if isinstance(exc, rx.WaitTimeoutError):
        prediction = exc.prediction
        return f"timed out waiting for prediction {prediction.id} (status {prediction.status})"
    if isinstance(exc, rx.APIResponseDecodeError):  # its message already says it all
        return _one_line(str(exc))
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

    def __init__(
        self, stream: TextIO, *, enabled: bool | None = None, use_rich: bool = True
    ) -> None:
        self._stream = stream
        self._enabled = _is_tty(stream) if enabled is None else enabled
        self._rich_status: Any = None
        self._plain_width = 0
        if self._enabled and use_rich:
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
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):  # the SDK's typed objects know their JSON form
        return to_jsonable(to_dict())
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


# --- outputs --------------------------------------------------------------------------------


def output_filename(
    url: str,
    index: int,
    *,
    content_disposition: str | None = None,
    content_type: str | None = None,
) -> str:
    """A safe file name for an output: the server's ``Content-Disposition`` filename, else the
    URL's last path segment, else ``output-N``; an extension is added from the content type
    when the name has none."""
    import email.message
    import mimetypes
    import urllib.parse

    name = ""
    if url[:5].lower() == "data:":
        content_type = url[5:].split(",", 1)[0].split(";", 1)[0].strip() or "text/plain"
    else:
        if content_disposition:
            message = email.message.Message()
            message["content-disposition"] = content_disposition
            name = message.get_filename() or ""
        if not name:
            path = urllib.parse.urlsplit(url).path
            name = urllib.parse.unquote(path.rsplit("/", 1)[-1])
    # never let a server-chosen name escape the output directory
    name = name.replace("/", "_").replace("\\", "_").lstrip(".").strip()
    if not name:
        name = f"output-{index}"
    if "." not in name and content_type:
        extension = mimetypes.guess_extension(content_type.split(";", 1)[0].strip())
        name += extension or ""
    return name


def unique_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name-1.ext``, ``name-2.ext``... when that file already exists."""
    candidate = directory / name
    stem, suffix = candidate.stem, candidate.suffix
    counter = 1
    while candidate.exists():
        candidate = directory / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


def render_output(output: Any, *, concatenate: bool) -> str:
    """Text for stdout: strings as they are, lists of strings joined (``concatenate``, for
    token streams) or one per line, anything else as indented JSON."""
    if output is None:
        return ""
    if isinstance(output, str):
        return output
    if isinstance(output, list) and all(isinstance(item, str) for item in output):
        return "".join(output) if concatenate else "\n".join(output)
    return json.dumps(to_jsonable(output), indent=2, ensure_ascii=False)


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
    _add_resource_commands(subparsers)
    add_serve_command(subparsers)
    add_codegen_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    debug: bool = getattr(args, "debug", False)
    if debug:  # the SDK's own HTTP log (method, path, status, attempt), not httpx's internals
        log_handler = logging.StreamHandler(sys.stderr)
        log_handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        sdk_logger = logging.getLogger("replicate_ext")
        sdk_logger.addHandler(log_handler)
        sdk_logger.setLevel(logging.DEBUG)
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


def _make_client() -> Client:
    from ._client import Client

    return Client()


def _create_kwargs(ref: str, deployment: bool) -> dict[str, str]:
    """Route a REF to predictions.create keywords, validating it before any request."""
    from replicate_ext import _refs

    if deployment:
        _refs.parse_deployment(ref)
        return {"deployment": ref}
    parsed = _refs.parse_ref(ref)
    if isinstance(parsed, _refs.ModelRef):
        return {"model": ref}
    return {"version": parsed.id}


class _DeferredInterrupt:
    """Hold Ctrl-C while a create request is in flight, so the new prediction's id is never
    lost: the interrupt is re-raised once the id is known (and the prediction gets canceled)."""

    def __init__(self) -> None:
        self.interrupted = False
        self._previous: Any = None

    def __enter__(self) -> _DeferredInterrupt:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._remember)
        return self

    def _remember(self, signum: int, frame: object) -> None:
        self.interrupted = True

    def __exit__(self, *exc_info: object) -> None:
        import signal

        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        if self.interrupted and exc_info[0] is None:
            raise KeyboardInterrupt


def _cmd_run(args: argparse.Namespace) -> int:
    inputs = parse_inputs(args.input)
    create_kwargs = _create_kwargs(args.ref, args.deployment)
    if args.timeout is not None and args.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if args.stream and (args.json or not args.wait):
        raise UsageError(
            "--stream prints tokens as they arrive; it cannot go with --json or --no-wait"
        )
    with _make_client() as client:
        return _RunCommand(client, args).run(inputs, create_kwargs)


class _RunCommand:
    def __init__(self, client: Client, args: argparse.Namespace) -> None:
        self.client = client
        self.args = args
        self._prediction: Prediction | None = None

    @property
    def prediction(self) -> Prediction:
        if self._prediction is None:
            raise RuntimeError("no prediction was created")
        return self._prediction

    @prediction.setter
    def prediction(self, value: Prediction) -> None:
        self._prediction = value

    def run(self, inputs: dict[str, Any], create_kwargs: dict[str, str]) -> int:
        from replicate_ext._files import encode_inputs

        started = time.monotonic()
        try:
            # local files (-i image=@photo.png) become data URIs or uploads, as in client.run()
            encoded = encode_inputs(inputs, strategy="auto", upload=self.client._upload)
            with _DeferredInterrupt():
                self.prediction = self.client.predictions.create(
                    version=create_kwargs.get("version"),
                    model=create_kwargs.get("model"),
                    deployment=create_kwargs.get("deployment"),
                    input=encoded,
                    stream=True if self.args.stream else None,
                )
            if not self.args.wait:
                return self._report_created()
            if self.args.stream:
                self._stream(started)
            else:
                self._poll(started)
        except KeyboardInterrupt:
            return self._cancel("interrupted", EXIT_INTERRUPTED)
        except _Timeout:
            return self._cancel(f"timed out after {self.args.timeout:g}s", EXIT_API_ERROR)
        except Exception as exc:
            from ._errors import ModelError

            if self._prediction is None or isinstance(exc, ModelError):
                raise
            return self._lost_track(exc)
        return self._finish()

    def _lost_track(self, exc: Exception) -> int:
        """An error after the prediction was created: say which one, it may still be running."""
        if self.args.debug:
            traceback.print_exc()
        prediction_id = self.prediction.id
        print(
            f"error: {describe_error(exc)}; prediction {prediction_id} was created and may "
            f"still be running (see: replicate-ext predictions get {prediction_id})",
            file=sys.stderr,
        )
        return exit_code_for(exc)

    def _report_created(self) -> int:
        if self.args.json:
            print_json(self.prediction)
        else:
            print(self.prediction.id)
        return EXIT_OK

    def _deadline_passed(self, started: float) -> bool:
        return self.args.timeout is not None and time.monotonic() - started >= self.args.timeout

    def _poll(self, started: float) -> None:
        from replicate_ext._wait import PollSchedule, is_terminal

        # a person is watching: 50 ms is quick enough, and spares the API's rate limits
        schedule = PollSchedule(min_interval=0.05, max_interval=1.5, growth=0.04)

        with StatusDisplay(sys.stderr) as display:
            next_poll = time.monotonic()
            while not is_terminal(self.prediction.status):
                now = time.monotonic()
                elapsed = now - started
                display.update(self.prediction.status, elapsed, self.prediction.logs)
                if self._deadline_passed(started):
                    raise _Timeout
                if now >= next_poll:
                    self.prediction = self.client.predictions.get(self.prediction.id)
                    next_poll = time.monotonic() + schedule.delay(elapsed)
                    continue
                # wake up for the next poll, the deadline, or to tick the clock on screen
                pause = next_poll - now
                if self.args.timeout is not None:
                    pause = min(pause, started + self.args.timeout - now)
                time.sleep(max(min(pause, _DISPLAY_TICK), 0.0))

    def _stream(self, started: float) -> None:
        for event in self.client.stream(prediction=self.prediction):
            if event.event == "output":
                sys.stdout.write(str(event))
                sys.stdout.flush()
            if self._deadline_passed(started):
                raise _Timeout
        sys.stdout.write("\n")
        sys.stdout.flush()
        self.prediction = self.client.predictions.get(self.prediction.id)

    def _cancel(self, why: str, exit_code: int) -> int:
        prediction_id = self._prediction.id if self._prediction is not None else None
        if prediction_id is None:
            print(f"{why}: no prediction was created", file=sys.stderr)
            return exit_code
        try:
            self.client.predictions.cancel(prediction_id)
        except KeyboardInterrupt:  # a second Ctrl-C: stop trying, but never lose the id
            print(f"{why}: prediction {prediction_id} may still be running", file=sys.stderr)
            return EXIT_INTERRUPTED
        except Exception as exc:  # the user still needs the id to clean up by hand
            print(
                f"{why}: could not cancel prediction {prediction_id}: {describe_error(exc)}",
                file=sys.stderr,
            )
            return EXIT_API_ERROR
        print(f"{why}: canceled prediction {prediction_id}", file=sys.stderr)
        return exit_code

    def _finish(self) -> int:
        prediction = self.prediction
        if self.args.json:
            print_json(prediction)
        if prediction.status != "succeeded":
            reason = _one_line(str(prediction.error)) if prediction.error else "no error message"
            if prediction.status == "failed":
                print(f"error: prediction {prediction.id} failed: {reason}", file=sys.stderr)
            else:
                print(f"error: prediction {prediction.id} {prediction.status}", file=sys.stderr)
            return EXIT_MODEL_FAILED
        if not self.args.json and not self.args.stream:
            self._print_output(prediction.output)
        return EXIT_OK

    def _print_output(self, output: Any) -> None:
        from replicate_ext._files import FileOutput, wrap_outputs

        saved: list[Path] = []

        def save_files(value: Any) -> Any:
            if isinstance(value, FileOutput):
                path = self._save(value, len(saved))
                saved.append(path)
                return str(path)
            if isinstance(value, list):
                return [save_files(item) for item in value]
            if isinstance(value, dict):
                return {key: save_files(item) for key, item in value.items()}
            return value

        rendered = save_files(wrap_outputs(output, self.client._client))
        text = render_output(rendered, concatenate=not saved and self._concatenates())
        if text:
            print(text)

    def _save(self, file: FileOutput, index: int) -> Path:
        """Stream one file output into the output directory; returns where it went."""
        output_dir: Path = self.args.output_dir
        output_dir.mkdir(parents=True, exist_ok=True)
        if file.url[:5].lower() == "data:":
            return Path(file.save(unique_path(output_dir, output_filename(file.url, index))))
        response = self.client._client.request("GET", file.url, stream=True)
        try:
            name = output_filename(
                file.url,
                index,
                content_disposition=response.headers.get("content-disposition"),
                content_type=response.headers.get("content-type"),
            )
            target = unique_path(output_dir, name)
            with target.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
        finally:
            response.close()
        return target

    def _concatenates(self) -> bool:
        """Whether the model declares its list output as one text (a token stream)."""
        prediction = self.prediction
        if not isinstance(prediction.output, list) or not prediction.model:
            return False
        try:
            models = self.client.models
            version = (
                models.get_version(prediction.model, prediction.version)
                if prediction.version
                else models.get_latest_version(prediction.model)
            )
            schema = (version.openapi_schema if version is not None else None) or {}
            output_schema = schema.get("components", {}).get("schemas", {}).get("Output", {})
        except Exception:  # no schema to go by: print one item per line
            return False
        return bool(output_schema.get("x-cog-array-display") == "concatenate")


_DISPLAY_TICK = 0.2  # seconds between redraws of the elapsed time


class _Timeout(Exception):
    pass


# --- resource commands ----------------------------------------------------------------------


def _json_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parent


def _limit_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="show at most N items, fetching further pages as needed (default: 20; 0 = all)",
    )
    return parent


def _group(subparsers: Any, name: str, help_text: str) -> Any:
    group = subparsers.add_parser(name, help=help_text, description=help_text)
    actions = group.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    return actions


def _add_resource_commands(subparsers: Any) -> None:
    js, limit = _json_parent(), _limit_parent()

    predictions = _group(subparsers, "predictions", "list, inspect and cancel predictions")
    cmd = predictions.add_parser("list", parents=[js, limit], help="recent predictions")
    cmd.set_defaults(handler=_cmd_predictions_list)
    cmd = predictions.add_parser("get", parents=[js], help="one prediction, with its output")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_predictions_get)
    cmd = predictions.add_parser("cancel", parents=[js], help="cancel a running prediction")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_predictions_cancel)

    models = _group(subparsers, "models", "look up models and their versions")
    cmd = models.add_parser("get", parents=[js], help="a model (owner/name)")
    cmd.add_argument("model", metavar="OWNER/NAME")
    cmd.set_defaults(handler=_cmd_models_get)
    cmd = models.add_parser("versions", parents=[js, limit], help="a model's versions")
    cmd.add_argument("model", metavar="OWNER/NAME")
    cmd.set_defaults(handler=_cmd_models_versions)
    cmd = models.add_parser("search", parents=[js, limit], help="search public models")
    cmd.add_argument("query", metavar="QUERY")
    cmd.set_defaults(handler=_cmd_models_search)

    deployments = _group(subparsers, "deployments", "look up deployments")
    cmd = deployments.add_parser("list", parents=[js, limit], help="your deployments")
    cmd.set_defaults(handler=_cmd_deployments_list)
    cmd = deployments.add_parser("get", parents=[js], help="a deployment (owner/name)")
    cmd.add_argument("deployment", metavar="OWNER/NAME")
    cmd.set_defaults(handler=_cmd_deployments_get)

    cmd = subparsers.add_parser(
        "hardware", parents=[js], help="hardware SKUs models can run on", description=None
    )
    cmd.set_defaults(handler=_cmd_hardware)

    files = _group(subparsers, "files", "upload, list, download and delete files")
    cmd = files.add_parser("upload", parents=[js], help="upload a file; prints its id and URL")
    cmd.add_argument("path", type=Path, metavar="PATH")
    cmd.add_argument("--content-type", default=None, help="default: guessed from the name")
    cmd.set_defaults(handler=_cmd_files_upload)
    cmd = files.add_parser("list", parents=[js, limit], help="uploaded files")
    cmd.set_defaults(handler=_cmd_files_list)
    cmd = files.add_parser("get", parents=[js], help="one file's metadata")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_files_get)
    cmd = files.add_parser("download", help="download a file's content")
    cmd.add_argument("id", metavar="ID")
    cmd.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        metavar="PATH",
        help="where to write it (default: the file's name in the current directory)",
    )
    cmd.set_defaults(handler=_cmd_files_download)
    cmd = files.add_parser("delete", help="delete a file")
    cmd.add_argument("id", metavar="ID")
    cmd.set_defaults(handler=_cmd_files_delete)


def _take(client: Client, page: Page[Any], limit: int) -> list[Any]:
    """Up to ``limit`` items (0 = all) across pages, fetching only the pages needed."""
    items: list[Any] = []
    for item in client.paginate(page):
        items.append(item)
        if limit and len(items) >= limit:
            break
    return items


def _show(args: argparse.Namespace, value: Any, headers: Sequence[str], rows: Any) -> int:
    if args.json:
        print_json(value)
    else:
        print(format_table(headers, rows))
    return EXIT_OK


def _when(value: Any) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _prediction_rows(predictions: Sequence[Prediction]) -> list[list[object]]:
    return [[p.id, p.model, p.status, _when(p.created_at), _predict_time(p)] for p in predictions]


def _predict_time(prediction: Prediction) -> str | None:
    metrics = prediction.metrics or {}
    seconds = metrics.get("predict_time") if isinstance(metrics, dict) else None
    return None if seconds is None else format_elapsed(float(seconds))


_PREDICTION_HEADERS = ["id", "model", "status", "created", "time"]


def _cmd_predictions_list(args: argparse.Namespace) -> int:
    with _make_client() as client:
        items = _take(client, client.predictions.list(), args.limit)
    return _show(args, items, _PREDICTION_HEADERS, _prediction_rows(items))


def _show_prediction(args: argparse.Namespace, prediction: Prediction) -> int:
    if args.json:
        print_json(prediction)
        return EXIT_OK
    print(format_table(_PREDICTION_HEADERS, _prediction_rows([prediction])))
    if prediction.error:
        print(f"error: {_one_line(str(prediction.error))}")
    if prediction.output is not None:
        print(render_output(to_jsonable(prediction.output), concatenate=False))
    return EXIT_OK


def _cmd_predictions_get(args: argparse.Namespace) -> int:
    with _make_client() as client:
        prediction = client.predictions.get(args.id)
    return _show_prediction(args, prediction)


def _cmd_predictions_cancel(args: argparse.Namespace) -> int:
    with _make_client() as client:
        prediction = client.predictions.cancel(args.id)
    return _show_prediction(args, prediction)


def _model_rows(models: Sequence[Model]) -> list[list[object]]:
    return [
        [f"{m.owner}/{m.name}", m.visibility, m.run_count, _one_line(m.description or "", 60)]
        for m in models
    ]


_MODEL_HEADERS = ["model", "visibility", "runs", "description"]


def _cmd_models_get(args: argparse.Namespace) -> int:
    with _make_client() as client:
        model = client.models.get(args.model)
    latest = model.latest_version.id if model.latest_version is not None else None
    rows = [[*row, latest] for row in _model_rows([model])]
    return _show(args, model, [*_MODEL_HEADERS, "latest version"], rows)


def _cmd_models_versions(args: argparse.Namespace) -> int:
    with _make_client() as client:
        items = _take(client, client.models.versions.list(args.model), args.limit)
    rows = [[v.id, _when(v.created_at), v.cog_version] for v in items]
    return _show(args, items, ["version", "created", "cog"], rows)


def _cmd_models_search(args: argparse.Namespace) -> int:
    with _make_client() as client:
        items = _take(client, client.models.search(args.query), args.limit)
    return _show(args, items, _MODEL_HEADERS, _model_rows(items))


def _deployment_rows(deployments: Sequence[Deployment]) -> list[list[object]]:
    rows: list[list[object]] = []
    for d in deployments:
        release = d.current_release
        model = version = hardware = None
        if release is not None:
            model, version = release.model, release.version
            hardware = release.configuration.hardware if release.configuration else None
        rows.append([f"{d.owner}/{d.name}", model, version, hardware])
    return rows


_DEPLOYMENT_HEADERS = ["deployment", "model", "version", "hardware"]


def _cmd_deployments_list(args: argparse.Namespace) -> int:
    with _make_client() as client:
        items = _take(client, client.deployments.list(), args.limit)
    return _show(args, items, _DEPLOYMENT_HEADERS, _deployment_rows(items))


def _cmd_deployments_get(args: argparse.Namespace) -> int:
    with _make_client() as client:
        deployment = client.deployments.get(args.deployment)
    return _show(args, deployment, _DEPLOYMENT_HEADERS, _deployment_rows([deployment]))


def _cmd_hardware(args: argparse.Namespace) -> int:
    with _make_client() as client:
        items = list(client.hardware.list())
    return _show(args, items, ["sku", "name"], [[h.sku, h.name] for h in items])


def _file_rows(files: Sequence[File]) -> list[list[object]]:
    return [[f.id, f.extra.get("name"), f.content_type, f.size, _when(f.created_at)] for f in files]


_FILE_HEADERS = ["id", "name", "type", "bytes", "created"]


def _cmd_files_upload(args: argparse.Namespace) -> int:
    path: Path = args.path
    if not path.is_file():
        raise UsageError(f"file not found: {path}")
    with _make_client() as client:
        uploaded = client.files.create(path, content_type=args.content_type)
    return _show(args, uploaded, _FILE_HEADERS, _file_rows([uploaded]))


def _cmd_files_list(args: argparse.Namespace) -> int:
    with _make_client() as client:
        items = _take(client, client.files.list(), args.limit)
    return _show(args, items, _FILE_HEADERS, _file_rows(items))


def _cmd_files_get(args: argparse.Namespace) -> int:
    with _make_client() as client:
        item = client.files.get(args.id)
    return _show(args, item, _FILE_HEADERS, _file_rows([item]))


def _cmd_files_download(args: argparse.Namespace) -> int:
    with _make_client() as client:
        target: Path | None = args.output
        if target is None:
            info = client.files.get(args.id)
            name = info.extra.get("name") or args.id
            target = unique_path(Path("."), output_filename(f"/{name}", 0))
        client.files.download(args.id, target)
    print(target)
    return EXIT_OK


def _cmd_files_delete(args: argparse.Namespace) -> int:
    with _make_client() as client:
        client.files.delete(args.id)
    print(f"deleted {args.id}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

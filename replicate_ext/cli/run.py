"""``replicate-ext run``: create a prediction, follow it (live status line or token stream),
print or save its output, and cancel it on Ctrl-C or ``--timeout``."""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replicate_ext import Client

from .args import parse_inputs, positive_seconds, prediction_target
from .errors import (
    EXIT_API_ERROR,
    EXIT_INTERRUPTED,
    EXIT_MODEL_FAILED,
    EXIT_OK,
    UsageError,
    describe_error,
    exit_code_for,
    one_line,
)
from .formatting import print_json, render_output
from .status import StatusDisplay, Ticker
from .transfer import check_output_dir, encode_file_inputs, save_file_output

if TYPE_CHECKING:
    from replicate_ext import Prediction

# A person is watching the status line: polls 100 ms apart are quick enough and spare the API's
# rate limits; past that floor the SDK's own wait schedule applies.
POLL_FLOOR = 0.1
DISPLAY_TICK = 0.2  # seconds between redraws of the elapsed time


def add_run_command(subparsers: Any) -> None:
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
        type=positive_seconds,
        default=None,
        metavar="S",
        help="cancel the prediction if it has not finished after S seconds",
    )
    run.add_argument(
        "--deployment", action="store_true", help="REF names a deployment (owner/name)"
    )
    run.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Check everything that can be checked locally, then run."""
    inputs = parse_inputs(args.input)
    target = prediction_target(args.ref, deployment=args.deployment)
    if args.stream and (args.json or not args.wait):
        raise UsageError(
            "--stream prints tokens as they arrive; it cannot go with --json or --no-wait"
        )
    if args.wait and not args.json and not args.stream:
        check_output_dir(args.output_dir)  # before the model runs, not after
    with Client() as client:
        return _RunCommand(client, args).run(inputs, target)


class RunTimeout(Exception):
    """``--timeout`` passed before the prediction finished."""


def wait_with_updates(
    client: Client,
    prediction: Prediction,
    *,
    timeout: float | None,
    on_update: Callable[[Prediction], object],
) -> Prediction:
    """Wait with ``client.wait`` (no limit when ``timeout`` is None), polls at least
    ``POLL_FLOOR`` apart.

    ``on_update`` sees every state, and the latest one again every ``DISPLAY_TICK`` (from a
    ticker thread) so that a clock can move between polls. Raises RunTimeout when ``timeout``
    seconds pass first.
    """
    from replicate_ext import WaitTimeoutError

    with Ticker(on_update, prediction, DISPLAY_TICK) as ticker:
        try:
            return client.wait(
                prediction, timeout=timeout, on_update=ticker.seen, min_poll_interval=POLL_FLOOR
            )
        except WaitTimeoutError as exc:
            raise RunTimeout from exc


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

    def run(self, inputs: dict[str, Any], target: dict[str, str]) -> int:
        started = time.monotonic()
        try:
            # local files (-i image=@photo.png) become data URIs or uploads, as in client.run()
            encoded = encode_file_inputs(self.client, inputs)
            with _DeferredInterrupt():
                self.prediction = self.client.predictions.create(
                    version=target.get("version"),
                    model=target.get("model"),
                    deployment=target.get("deployment"),
                    input=encoded,
                    stream=True if self.args.stream else None,
                )
            if not self.args.wait:
                return self._report_created()
            if self.args.stream:
                self._stream(started)
            else:
                self._wait(started)
        except KeyboardInterrupt:
            return self._cancel("interrupted", EXIT_INTERRUPTED)
        except RunTimeout:
            return self._cancel(f"timed out after {self.args.timeout:g}s", EXIT_API_ERROR)
        except Exception as exc:
            from replicate_ext import ModelError

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

    def _remaining(self, started: float) -> float | None:
        timeout: float | None = self.args.timeout
        if timeout is None:
            return None
        return max(timeout - (time.monotonic() - started), 0.0)

    def _wait(self, started: float) -> None:
        with StatusDisplay(sys.stderr) as display:

            def show(prediction: Prediction) -> None:
                display.update(prediction.status, time.monotonic() - started, prediction.logs)

            self.prediction = wait_with_updates(
                self.client, self.prediction, timeout=self._remaining(started), on_update=show
            )

    def _stream(self, started: float) -> None:
        for event in self.client.stream(prediction=self.prediction):
            if event.event == "output":
                sys.stdout.write(str(event))
                sys.stdout.flush()
            if self._remaining(started) == 0.0:
                raise RunTimeout
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
            reason = one_line(str(prediction.error)) if prediction.error else "no error message"
            if prediction.status == "failed":
                print(f"error: prediction {prediction.id} failed: {reason}", file=sys.stderr)
            else:
                print(f"error: prediction {prediction.id} {prediction.status}", file=sys.stderr)
            return EXIT_MODEL_FAILED
        if not self.args.json and not self.args.stream:
            self._print_output(prediction.output)
        return EXIT_OK

    def _print_output(self, output: Any) -> None:
        from replicate_ext import FileOutput

        saved: list[Path] = []

        def save_files(value: Any) -> Any:
            if isinstance(value, FileOutput):
                path = save_file_output(value, self.args.output_dir, len(saved))
                saved.append(path)
                return str(path)
            if isinstance(value, list):
                return [save_files(item) for item in value]
            if isinstance(value, dict):
                return {key: save_files(item) for key, item in value.items()}
            return value

        rendered = save_files(self.client.wrap_outputs(output))
        text = render_output(rendered, concatenate=not saved and self._concatenates())
        if text:
            print(text)

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

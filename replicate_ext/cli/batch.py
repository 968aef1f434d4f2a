"""``replicate-ext batch REF inputs.jsonl --out results.jsonl``: run a model over many inputs
with a progress display, resumable through a journal, exit code 1 if any input failed."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from .args import positive_seconds, readable_file, whole_number
from .errors import EXIT_MODEL_FAILED, EXIT_OK, UsageError, describe_error
from .formatting import format_elapsed, to_jsonable

if TYPE_CHECKING:
    from replicate_ext import BatchProgress, BatchResult

# Plain progress lines (no terminal, or no rich) come at most this often.
PLAIN_INTERVAL = 1.0


def add_batch_command(subparsers: Any) -> None:
    batch = subparsers.add_parser(
        "batch",
        help="run a model once per line of a JSONL file",
        description=(
            "Run a model once per input (one JSON object a line of INPUTS) and write one JSON "
            "line per input to --out as each finishes. Created prediction ids go to a journal "
            "(default: OUT.journal) at once: after a crash or Ctrl-C the same command resumes "
            "without running anything twice. Exit code 1 if any input failed."
        ),
    )
    batch.add_argument("ref", metavar="REF", help="owner/name, owner/name:version or version id")
    batch.add_argument("inputs", metavar="INPUTS", type=Path, help="JSONL file of model inputs")
    batch.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="JSONL file for the results"
    )
    batch.add_argument(
        "--concurrency", type=whole_number(1), default=8, metavar="N", help="in flight (8)"
    )
    batch.add_argument(
        "--journal", type=Path, metavar="FILE", help="resume journal (default: OUT.journal)"
    )
    batch.add_argument(
        "--deployment", action="store_true", help="REF names a deployment (owner/name)"
    )
    batch.add_argument(
        "--timeout",
        type=positive_seconds,
        default=30 * 60.0,
        metavar="S",
        help="give up on one input after S seconds (default 1800)",
    )
    batch.set_defaults(handler=batch_command)


def read_inputs(path: Path) -> list[dict[str, Any]]:
    """Every non-blank line of a JSONL file as one input object; usage errors name the line."""
    inputs: list[dict[str, Any]] = []
    text = readable_file(path).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            raise UsageError(f"{path}:{number}: not JSON ({error})") from None
        if not isinstance(value, dict):
            raise UsageError(f"{path}:{number}: expected a JSON object of inputs")
        inputs.append(value)
    if not inputs:
        raise UsageError(f"{path} has no inputs")
    return inputs


def result_row(result: BatchResult) -> dict[str, Any]:
    """One line of the results file."""
    prediction = result.prediction
    return {
        "index": result.index,
        "id": result.prediction_id,
        "status": prediction.status if prediction is not None else None,
        "output": to_jsonable(result.output),
        "error": None if result.error is None else describe_error(result.error),
    }


def format_progress(progress: BatchProgress) -> str:
    """``40/100 done, 2 failed, 8 in flight, 3.1/s, ETA 19.4s``."""
    eta = "-" if progress.eta is None else format_elapsed(progress.eta)
    return (
        f"{progress.done}/{progress.total} done, {progress.failed} failed, "
        f"{progress.in_flight} in flight, {progress.rate:.1f}/s, ETA {eta}"
    )


class ProgressDisplay:
    """A rich progress bar on a terminal when rich is installed; otherwise plain lines, at
    most one a second (and the last one always)."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self._stream = stream
        self._last_plain = 0.0
        self._bar: Any = None
        if stream.isatty():
            try:
                from rich.console import Console
                from rich.progress import BarColumn, Progress, TextColumn
            except ImportError:  # the `cli` extra is optional
                pass
            else:
                console = Console(file=stream)
                self._bar = Progress(
                    TextColumn("batch"),
                    BarColumn(),
                    TextColumn("{task.fields[line]}"),
                    console=console,
                )
                self._task = self._bar.add_task("batch", total=total, line="")
                self._bar.start()

    def update(self, progress: BatchProgress) -> None:
        line = format_progress(progress)
        if self._bar is not None:
            self._bar.update(self._task, completed=progress.done, line=line)
            return
        now = time.monotonic()
        if now - self._last_plain >= PLAIN_INTERVAL or progress.done == progress.total:
            self._last_plain = now
            print(line, file=self._stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def batch_command(args: argparse.Namespace) -> int:
    from replicate_ext import Client, RateLimits

    inputs = read_inputs(args.inputs)
    journal: Path = args.journal or args.out.with_name(args.out.name + ".journal")
    ref = None if args.deployment else args.ref
    deployment = args.ref if args.deployment else None
    display = ProgressDisplay(sys.stderr, len(inputs))
    failed = 0
    try:
        with Client(rate_limits=RateLimits()) as client:
            # Checked (inputs, journal) before the results file is touched.
            results = client.run_many(
                ref,
                inputs,
                deployment=deployment,
                concurrency=args.concurrency,
                journal=journal,
                timeout=args.timeout,
                use_file_output=False,
                on_progress=display.update,
            )
            with args.out.open("w", encoding="utf-8") as out:
                for result in results:
                    out.write(json.dumps(result_row(result)) + "\n")
                    out.flush()
                    failed += 0 if result.ok else 1
    except KeyboardInterrupt:
        display.close()
        print(f"run the same command again to resume (journal: {journal})", file=sys.stderr)
        raise
    finally:
        display.close()
    if failed:
        print(f"{failed} of {len(inputs)} inputs failed; see {args.out}", file=sys.stderr)
    return EXIT_MODEL_FAILED if failed else EXIT_OK

"""The live status line on a terminal: status, elapsed time and the model's latest log line."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TextIO, TypeVar

from .formatting import format_elapsed

T = TypeVar("T")


def last_log_line(logs: str | None) -> str:
    """The latest non-empty log line; progress bars rewrite a line with ``\\r``."""
    if not logs:
        return ""
    for line in reversed(logs.splitlines()):
        line = line.rsplit("\r", 1)[-1].strip()
        if line:
            return line
    return ""


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


class Ticker(Generic[T]):
    """Draws the latest state seen at once and again every ``interval`` seconds, from its own
    thread, so a clock keeps moving while the caller blocks (e.g. in ``client.wait``)::

        with Ticker(draw, prediction, 0.2) as ticker:
            client.wait(prediction, on_update=ticker.seen)

    ``draw`` only ever runs in one thread at a time; the last state is drawn once more in the
    caller's thread when the block ends without an error.
    """

    def __init__(self, draw: Callable[[T], object], first: T, interval: float) -> None:
        self._draw = draw
        self._latest = first
        self._interval = interval
        self._changed = threading.Event()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="status-ticker", daemon=True)

    def seen(self, state: T) -> None:
        """Remember ``state`` and have it drawn now (a progress hook)."""
        self._latest = state
        self._changed.set()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self._draw(self._latest)
            self._changed.wait(self._interval)
            self._changed.clear()

    def __enter__(self) -> Ticker[T]:
        self._thread.start()
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        self._stopped.set()
        self._changed.set()
        self._thread.join()
        if exc_type is None:
            self._draw(self._latest)


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns

"""How a command ends: exit codes, the usage error, and one-line descriptions of failures."""

from __future__ import annotations

EXIT_OK = 0
EXIT_MODEL_FAILED = 1
EXIT_USAGE = 2
EXIT_API_ERROR = 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad command-line input, found before any request is sent (exit code 2)."""


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
        reason = one_line(str(prediction.error)) if prediction.error else prediction.status
        return f"prediction {prediction.id} {prediction.status}: {reason}"
    if isinstance(exc, rx.WaitTimeoutError):
        prediction = exc.prediction
        return f"timed out waiting for prediction {prediction.id} (status {prediction.status})"
    if isinstance(exc, rx.APIResponseDecodeError):  # its message already says it all
        return one_line(str(exc))
    if isinstance(exc, rx.APIError):
        what = exc.detail or exc.title or str(exc)
        return f"API error {exc.status}: {one_line(str(what))}"
    if isinstance(exc, rx.APIConnectionError):
        return f"cannot reach the API: {one_line(str(exc)) or type(exc).__name__}"
    text = one_line(str(exc))
    return text or type(exc).__name__


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"

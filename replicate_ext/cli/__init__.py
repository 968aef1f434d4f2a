"""The ``replicate-ext`` command line.

Run models, inspect predictions, models, deployments, hardware and files, and serve the local
Replicate-compatible server. Exit codes: 0 ok, 1 the model failed (or was canceled), 2 usage
error, 3 API or network error, 130 interrupted with Ctrl-C.

    $ replicate-ext run demo/hello -i name=Ada
    hello Ada

Modules, one idea each: ``args`` (command-line values → SDK inputs), ``formatting`` (tables,
JSON, output text), ``status`` (the live status line), ``transfer`` (file inputs and outputs),
``run`` (the run command), ``resources`` (resource commands), ``serve`` (the local server's
command), ``errors`` (exit codes and messages), ``app`` (the parser and ``main``).
"""

from .app import build_parser, main
from .errors import (
    EXIT_API_ERROR,
    EXIT_INTERRUPTED,
    EXIT_MODEL_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
)

__all__ = [
    "EXIT_API_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_MODEL_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "build_parser",
    "main",
]

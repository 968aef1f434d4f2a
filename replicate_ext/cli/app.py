"""The entry point: the argument parser (every command registers itself) and ``main``."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable, Sequence

from .batch import add_batch_command
from .codegen import add_codegen_command
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, describe_error, exit_code_for
from .resources import add_resource_commands
from .run import add_run_command
from .serve import add_serve

Handler = Callable[[argparse.Namespace], int]


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
    add_run_command(subparsers)
    add_batch_command(subparsers)
    add_resource_commands(subparsers)
    add_serve(subparsers)
    add_codegen_command(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code.

    >>> main(["run", "not a ref"])   # doctest: +SKIP
    2
    """
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

"""The ``replicate-ext serve`` subcommand (registered by replicate_ext.cli)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_serve_command(subparsers: Any) -> None:
    """Register ``serve`` on the replicate-ext argument parser."""
    serve = subparsers.add_parser(
        "serve",
        help="run the local Replicate-compatible server",
        description=(
            "Serve the Replicate HTTP API locally with demo models (demo/hello, demo/stream, "
            "demo/image, demo/fail, demo/sleep) and your own Python functions. Prints the base "
            "URL to export as REPLICATE_BASE_URL."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=5555, help="port (default: 5555; 0 = any free)")
    serve.add_argument(
        "--db", default=None, metavar="PATH", help="SQLite file that keeps state across restarts"
    )
    serve.add_argument(
        "--token", default=None, help="accept only this API token (default: any token)"
    )
    serve.add_argument(
        "--model",
        action="append",
        default=[],
        metavar="OWNER/NAME=MODULE:FUNCTION",
        help="serve a Python function, or a Cog predictor class such as predict.py:Predictor, "
        "as a model (repeatable)",
    )
    serve.add_argument(
        "--page-size", type=int, default=100, metavar="N", help="items per page of list endpoints"
    )
    serve.add_argument(
        "--wait-cap",
        type=float,
        default=None,
        metavar="S",
        help="hold Prefer: wait responses at most S seconds (0 ignores the header)",
    )
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Start the server in the foreground until Ctrl-C."""
    try:
        from .server import LocalServer

        server = LocalServer(
            host=args.host,
            port=args.port,
            db=args.db,
            token=args.token,
            models=list(args.model),
            page_size=args.page_size,
            wait_cap=args.wait_cap,
            log_level="info",
        )
    except (ImportError, ValueError, AttributeError) as exc:
        # A missing server extra is an ImportError whose message names the extra to install.
        print(f"error: {exc}", file=sys.stderr)
        return 2

    def announce(ready: LocalServer) -> None:
        print(f"Local Replicate-compatible server on {ready.url}", flush=True)
        print(f"export REPLICATE_BASE_URL={ready.base_url}", flush=True)
        print(f"export REPLICATE_API_TOKEN={ready.token}", flush=True)

    try:
        server.serve_forever(on_ready=announce)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0

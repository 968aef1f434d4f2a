"""The ``replicate-ext serve`` subcommand (registered by replicate_ext.cli)."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from typing import Any

from .._ratelimit import RateLimits


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
    serve.add_argument(
        "--port", type=_port, default=5555, help="port (default: 5555; 0 = any free)"
    )
    serve.add_argument(
        "--db", default=None, metavar="PATH", help="SQLite file that keeps state across restarts"
    )
    serve.add_argument(
        "--token", default=None, help="accept only this API token (default: any token)"
    )
    serve.add_argument(
        "--unsafe-no-token",
        action="store_true",
        help="allow a non-loopback --host without --token: anyone who can reach the port may "
        "then use every route, including the admin (fault injection) routes",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=_positive_int,
        default=10 * 1024 * 1024,
        metavar="N",
        help="largest accepted JSON request body (default: 10 MiB; file uploads: 100 MB)",
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
    serve.add_argument(
        "--rate-limits",
        action="store_true",
        help="answer 429 with Retry-After, as the API does, over 600 creates and 3,000 other "
        "requests a minute (change them with the two options below)",
    )
    serve.add_argument(
        "--creates-per-minute",
        type=_positive_int,
        default=None,
        metavar="N",
        help="prediction creates allowed a minute (implies --rate-limits)",
    )
    serve.add_argument(
        "--requests-per-minute",
        type=_positive_int,
        default=None,
        metavar="N",
        help="other API requests allowed a minute (implies --rate-limits)",
    )
    serve.set_defaults(handler=run_serve)


def _port(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number from 0 to 65535: {text!r}")
    return int(text)


def _positive_int(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number >= 1: {text!r}")
    return int(text)


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def rate_limits_of(args: argparse.Namespace) -> RateLimits | None:
    """The server's limits from the command line: None unless one of the options is given."""
    overrides = {
        name: value
        for name, value in (
            ("creates_per_minute", args.creates_per_minute),
            ("requests_per_minute", args.requests_per_minute),
        )
        if value is not None
    }
    if not args.rate_limits and not overrides:
        return None
    return RateLimits(**overrides)


def run_serve(args: argparse.Namespace) -> int:
    """Start the server in the foreground until Ctrl-C."""
    if args.token is None and not is_loopback(args.host) and not args.unsafe_no_token:
        print(
            f"error: refusing to listen on {args.host} without --token: anyone who can reach "
            "it could run models, read every prediction and use the admin routes. Pass "
            "--token, or --unsafe-no-token if the network is yours alone.",
            file=sys.stderr,
        )
        return 2
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
            max_body_bytes=args.max_body_bytes,
            rate_limits=rate_limits_of(args),
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

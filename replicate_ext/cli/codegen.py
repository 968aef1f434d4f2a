"""The ``codegen`` command: a typed module for a model (see replicate_ext.codegen)."""

from __future__ import annotations

import argparse
from typing import Any


def add_codegen_command(subparsers: Any) -> None:
    """Register ``codegen`` on the replicate-ext argument parser."""
    codegen = subparsers.add_parser(
        "codegen",
        help="write a typed Python module for a model",
        description=(
            "Write a typed module for a model version: an attrs Input class checked when "
            "built, the output type, and run/async_run/create functions with keyword "
            "parameters. The module pins the version and warns when a newer one exists."
        ),
    )
    codegen.add_argument(
        "ref", metavar="REF", help="owner/name (latest version) or owner/name:version"
    )
    codegen.add_argument(
        "--out", required=True, metavar="DIR", help="directory to write owner_name.py into"
    )
    codegen.set_defaults(handler=run_codegen)


def run_codegen(args: argparse.Namespace) -> int:
    """Fetch the schema, write the module, print its path."""
    from replicate_ext import Client

    from ..codegen import write_module

    with Client() as client:
        path = write_module(client, args.ref, args.out)
    print(path)
    return 0

"""``replicate-ext serve``: the local server's own command (declared in
replicate_ext.local.cli), plus the checks the shared argument parsing adds before anything
starts: ``--model`` modules that import, named when they do not."""

from __future__ import annotations

import argparse
from typing import Any

from .errors import UsageError


def add_serve(subparsers: Any) -> None:
    """Register ``serve`` (options and server start-up live in replicate_ext.local.cli)."""
    from replicate_ext.local.cli import add_serve_command

    add_serve_command(subparsers)
    subparsers.choices["serve"].set_defaults(handler=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    from replicate_ext.local.cli import run_serve

    for spec in args.model:
        import_model_module(spec)
    return run_serve(args)


def import_model_module(spec: str) -> None:
    """Import the module of an ``owner/name=package.module:function`` spec, so that one that
    is missing or broken is named as the user's, not mistaken for a missing server extra.

    Specs naming a ``file.py`` are left to the server (it names a missing file, and loading
    one twice would run its top-level code twice); malformed specs too.
    """
    import importlib

    _, equals, target = spec.partition("=")
    module_name, colon, _ = target.rpartition(":")
    if not equals or not colon or not module_name:
        return
    if module_name.endswith(".py") or "/" in module_name:
        return
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or module_name
        if module_name == missing or module_name.startswith(missing + "."):
            raise UsageError(
                f"--model {spec}: no module named {module_name!r} "
                "(is its directory on PYTHONPATH or the current directory?)"
            ) from None
        raise UsageError(
            f"--model {spec}: module {module_name!r} needs {missing!r}, which is not installed"
        ) from None
    except Exception as exc:  # its top-level code failed: say where, in one line
        raise UsageError(
            f"--model {spec}: importing {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from None

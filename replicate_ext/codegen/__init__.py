"""Typed modules generated ahead of time from a model version's schema.

``replicate-ext codegen owner/name[:version] --out DIR`` (or :func:`write_module`) writes a
module with an attrs ``Input`` class (typed, documented fields; enums as ``Literal``; checked
when built), the output type, and ``run`` / ``async_run`` / ``create`` / ``async_create``
(``stream`` / ``async_stream`` for iterator outputs) with real keyword parameters, so editors
complete them and ``mypy --strict`` rejects a wrong call. The module pins the version it was
generated from and warns (:class:`OutdatedModelWarning`) when the model's latest version differs.

>>> from replicate_ext.codegen import write_module
>>> path = write_module(client, "demo/image", "typed_models")   # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._schema import FileInput
from ._render import module_filename, render_module
from .runtime import OutdatedModelWarning

if TYPE_CHECKING:
    from .._client import Client

__all__ = [
    "FileInput",
    "OutdatedModelWarning",
    "generate_module",
    "module_filename",
    "render_module",
    "write_module",
]


def generate_module(client: Client, ref: str) -> str:
    """The source of a typed module for ``ref`` (``owner/name`` pins the latest version,
    ``owner/name:version`` that version), from the schema ``client.use(ref)`` would use.

    >>> source = generate_module(client, "demo/hello")   # doctest: +SKIP
    """
    schema = client.use(ref).schema
    description = schema.description
    if not description and schema.ref != schema.model:  # a pinned version: ask the model
        description = client.models.get(schema.model).description or ""
    return render_module(schema.model, schema.version, schema.openapi, description)


def write_module(client: Client, ref: str, out: str | os.PathLike[str]) -> Path:
    """Write the module for ``ref`` into the directory ``out`` (created if missing) as
    ``owner_name.py`` and return its path."""
    source = generate_module(client, ref)
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    from .._use import split_ref

    path = directory / module_filename(split_ref(ref)[0])
    path.write_text(source, encoding="utf-8")
    return path

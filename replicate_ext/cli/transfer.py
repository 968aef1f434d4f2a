"""Files in and out of the CLI: uploading ``-i key=@path`` inputs, naming and saving file
outputs, and checking where files will be written before any work is done. Only the SDK's
public API is used (``client.files.upload_input``, ``FileOutput``, ``with_raw_response``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError

if TYPE_CHECKING:
    from replicate_ext import Client, FileOutput


def encode_file_inputs(client: Client, inputs: Mapping[str, Any]) -> Any:
    """``inputs`` with local files as data URIs (small) or uploaded through the Files API
    (large), as ``client.run()`` does."""
    from replicate_ext._files import encode_inputs

    return encode_inputs(dict(inputs), strategy="auto", upload=client.files.upload_input)


# --- where outputs go -----------------------------------------------------------------------


def output_filename(
    url: str,
    index: int,
    *,
    content_disposition: str | None = None,
    content_type: str | None = None,
) -> str:
    """A safe file name for an output: the server's ``Content-Disposition`` filename, else the
    URL's last path segment, else ``output-N``; an extension is added from the content type
    when the name has none."""
    import email.message
    import mimetypes
    import urllib.parse

    name = ""
    if url[:5].lower() == "data:":
        content_type = url[5:].split(",", 1)[0].split(";", 1)[0].strip() or "text/plain"
    else:
        if content_disposition:
            message = email.message.Message()
            message["content-disposition"] = content_disposition
            name = message.get_filename() or ""
        if not name:
            path = urllib.parse.urlsplit(url).path
            name = urllib.parse.unquote(path.rsplit("/", 1)[-1])
    # never let a server-chosen name escape the output directory
    name = name.replace("/", "_").replace("\\", "_").lstrip(".").strip()
    if not name:
        name = f"output-{index}"
    if "." not in name and content_type:
        extension = mimetypes.guess_extension(content_type.split(";", 1)[0].strip())
        name += extension or ""
    return name


def unique_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name-1.ext``, ``name-2.ext``... when that file already exists."""
    candidate = directory / name
    stem, suffix = candidate.stem, candidate.suffix
    counter = 1
    while candidate.exists():
        candidate = directory / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


def check_output_dir(directory: Path) -> Path:
    """Fail now, before a prediction runs, if file outputs could not be saved in
    ``directory`` (it, or the closest part of it that exists, is a file or not writable)."""
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    _require_writable_directory(existing, f"output directory {directory}")
    return directory


def new_file_path(path: Path, *, overwrite: bool) -> Path:
    """``path`` if a file can be written there: its directory exists and is writable, and
    nothing is there yet (or ``overwrite``)."""
    if path.exists() and not overwrite:
        raise UsageError(f"{path} already exists (pass --overwrite to replace it)")
    if path.is_dir():
        raise UsageError(f"{path} is a directory")
    _require_writable_directory(path.parent, f"cannot write {path}")
    return path


def _require_writable_directory(directory: Path, context: str) -> None:
    if not directory.is_dir():
        raise UsageError(f"{context}: {directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UsageError(f"{context}: {directory} is not writable")


def save_file_output(file: FileOutput, directory: Path, index: int) -> Path:
    """Stream one file output into ``directory`` under the name the server gives it (never
    replacing an existing file); returns where it went."""
    import tempfile

    from replicate_ext import with_raw_response

    directory.mkdir(parents=True, exist_ok=True)
    if file.url[:5].lower() == "data:":
        return file.save(unique_path(directory, output_filename(file.url, index)))
    # The name comes from the response's headers, known once the download is under way:
    # stream into a hidden partial file, then give it its name.
    handle, partial_name = tempfile.mkstemp(prefix=".replicate-ext-", suffix=".part", dir=directory)
    os.close(handle)
    partial = Path(partial_name)
    try:
        response = with_raw_response(file.save)(partial)
        name = output_filename(
            file.url,
            index,
            content_disposition=response.headers.get("content-disposition"),
            content_type=response.headers.get("content-type"),
        )
        target = unique_path(directory, name)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target

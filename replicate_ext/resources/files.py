"""The Files API: upload (streamed from disk), list, get, delete, download (streamed).

>>> file = client.files.create(Path("weights.tar"), metadata={"run": 7})  # doctest: +SKIP
>>> client.files.download(file.id, "copy.tar")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import IO, Any

import attrs
from replicate_api.api.files import create as _create
from replicate_api.api.files import download as _download
from replicate_api.models.file_create_request import FileCreateRequest
from replicate_api.types import File as _Payload

from .._errors import ReplicateError
from .._files import FileSource, guess_content_type, remaining_size
from .._options import RequestOptions
from .._refs import id_of
from ..types import File

__all__ = [
    "UPLOAD_CHUNK_SIZE",
    "FileUpload",
    "create_request",
    "download_request",
    "file_id_of",
    "input_url",
    "plan_file_upload",
    "plan_upload",
]

UPLOAD_CHUNK_SIZE = 256 * 1024
_MAX_FILENAME_BYTES = 255

PathOrFile = str | os.PathLike[str] | IO[bytes] | bytes | FileSource


@attrs.define
class FileUpload:
    """A planned multipart upload: headers plus a body produced chunk by chunk.

    The body is `head`, the file's bytes (read `UPLOAD_CHUNK_SIZE` at a time), then `tail`; nothing
    but one chunk of the file is ever in memory. With a known size the request carries a
    Content-Length, otherwise it is sent chunked. The body can be produced again (the base
    client retries a 429 or a failed connect) by seeking back, when the file is seekable.
    """

    stream: IO[bytes]
    head: bytes
    tail: bytes
    boundary: str
    size: int | None
    close_stream: bool
    start: int | None = None
    _produced: bool = False

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": f"multipart/form-data; boundary={self.boundary}"}
        if self.size is not None:
            headers["Content-Length"] = str(len(self.head) + self.size + len(self.tail))
        return headers

    def rewind(self) -> None:
        """Prepare to produce the body (again): seek back to where the file started."""
        if self._produced:
            if self.start is None:
                raise RuntimeError("cannot send an unseekable file stream a second time")
            self.stream.seek(self.start)
        self._produced = True

    def close(self) -> None:
        if self.close_stream:
            self.stream.close()


def _quote(value: str) -> str:
    # As browsers do for form fields: percent-encode what would break the quoted header value.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _part(boundary: str, name: str, value: bytes, content_type: str) -> bytes:
    return (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + value
        + b"\r\n"
    )


def _field_part(boundary: str, name: str, value: Any) -> bytes:
    if isinstance(value, str):
        return _part(boundary, _quote(name), value.encode(), "text/plain; charset=utf-8")
    return _part(boundary, _quote(name), json.dumps(value).encode(), "application/json")


def plan_upload(
    file: PathOrFile,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    extra_fields: Mapping[str, Any] | None = None,
) -> FileUpload:
    """Validate the arguments and open the file; raises before any network call on bad input.

    ``extra_fields`` become form fields of their own (text, or JSON for anything else) before
    the file's bytes: a field the API gained before this SDK learned it."""
    size: int | None
    start: int | None = 0
    close_stream = False
    if isinstance(file, FileSource):
        filename = filename or file.filename
        content_type = content_type or file.content_type
        file = file.content
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
        stream: IO[bytes] = io.BytesIO(data)
        size = len(data)
        head = data[:64]
    elif isinstance(file, (str, PurePath)) or hasattr(file, "__fspath__"):
        path = Path(os.fspath(file))
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        filename = filename or path.name
        stream = path.open("rb")
        close_stream = True
        size = os.fstat(stream.fileno()).st_size
        head = stream.read(64)
        stream.seek(0)
    elif callable(getattr(file, "read", None)):
        if isinstance(file, io.TextIOBase):
            raise TypeError("the file is open in text mode; open it in binary mode ('rb')")
        stream = file
        name = getattr(stream, "name", None)
        if not filename and isinstance(name, str) and name:
            filename = os.path.basename(name)
        size = remaining_size(stream)
        head = b""
        start = None
        if size is not None:
            start = stream.tell()
            head = stream.read(64)
            stream.seek(start)
    else:
        raise TypeError(f"expected a path, an open binary file or bytes, got {type(file).__name__}")

    boundary = secrets.token_hex(16)
    try:
        content_type = content_type or guess_content_type(filename, head)
        filename = filename or "file"
        if len(filename.encode("utf-8")) > _MAX_FILENAME_BYTES:
            raise ValueError(f"filename must be at most {_MAX_FILENAME_BYTES} bytes in UTF-8")
        if "\r" in content_type or "\n" in content_type:
            raise ValueError("content_type must be a single line")
        metadata_json = json.dumps(dict(metadata or {}), separators=(",", ":")).encode()
        extra_parts = b"".join(
            _field_part(boundary, str(name), value) for name, value in (extra_fields or {}).items()
        )
    except BaseException:
        if close_stream:
            stream.close()
        raise

    head_bytes = (
        _part(boundary, "filename", filename.encode(), "text/plain; charset=utf-8")
        + _part(boundary, "type", content_type.encode(), "text/plain; charset=utf-8")
        + _part(boundary, "metadata", metadata_json, "application/json")
        + extra_parts
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="content"; '
            f'filename="{_quote(filename)}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    return FileUpload(stream, head_bytes, tail, boundary, size, close_stream, start)


def file_id_of(file: str | File) -> str:
    return id_of(file, File, "file id")


# The generated multipart body would hold the whole file in memory: only the operation's method
# and URL are taken from it, and the body is ours, streamed (see FileUpload).
_CREATE = _create.build_request(body=FileCreateRequest(content=_Payload(payload=io.BytesIO())))


def create_request(upload: FileUpload, body: Any) -> dict[str, Any]:
    return {
        "method": _CREATE["method"],
        "url": _CREATE["url"],
        "content": body,
        "headers": upload.headers,
        "idempotent": False,
    }


def input_url(created: File) -> str:
    """The URL to send as a model input in place of an uploaded file."""
    url = (created.urls or {}).get("get")
    if not isinstance(url, str):
        raise ReplicateError(f"the uploaded file {created.id} has no URL to pass as input")
    return url


def download_request(file: str | File) -> dict[str, Any]:
    # The signed-link parameters are for links handed to others; with the API token they are
    # not needed, and None leaves them out of the query.
    unsigned: Any = None
    request = _download.build_request(
        file_id_of(file), owner=unsigned, expiry=unsigned, signature=unsigned
    )
    request["stream"] = True
    return request


def plan_file_upload(
    file: PathOrFile,
    filename: str | None,
    content_type: str | None,
    metadata: Mapping[str, Any] | None,
    options: RequestOptions,
) -> FileUpload:
    # extra_body of an upload: more form fields (the body is multipart, not JSON).
    fields = options.pop("extra_body", None)
    return plan_upload(
        file,
        filename=filename,
        content_type=content_type,
        metadata=metadata,
        extra_fields=fields,
    )

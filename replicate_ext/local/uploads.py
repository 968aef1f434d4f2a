"""Streaming multipart upload for ``POST /v1/files``: the ``content`` part goes straight to
disk while it arrives, hashed on the way, so a 100 MB upload never sits in memory."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from .engine import Engine
from .json_values import TooDeep, UnrepresentableValue, loads_strict
from .problems import Problem, invalid_field

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

_FIELD_LIMIT = 64 * 1024  # filename, type and metadata are small
_PART_LIMIT = 16  # content, filename, type, metadata, and room for clients that add a few
_MULTIPART_OVERHEAD = _PART_LIMIT * (_FIELD_LIMIT + 8 * 1024)  # python-multipart bounds headers
# RFC 6838 type/subtype with RFC 9110 parameters; printable ASCII only, so it is a safe header
_TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
_MEDIA_TYPE = re.compile(
    rf'{_TOKEN}/{_TOKEN}(?:[ \t]*;[ \t]*{_TOKEN}=(?:{_TOKEN}|"[\x20\x21\x23-\x5b\x5d-\x7e]*"))*'
)


@attrs.frozen
class Upload:
    file_id: str
    path: Path
    size: int
    sha256: str
    etag: str
    content_type: str
    filename: str | None
    metadata: dict[str, Any]


class _Receiver:
    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.fields: dict[str, bytes] = {}
        self.too_large = False
        self.content_seen = False
        self.ended = False
        self.parts = 0
        self.content_filename: str | None = None
        self.content_type: str | None = None
        self.size = 0
        self.digest = hashlib.sha256()
        self.md5 = hashlib.md5(usedforsecurity=False)  # the ETag, as object stores compute it
        self._file: IO[bytes] | None = None
        self._headers: dict[bytes, bytes] = {}
        self._header_field = b""
        self._header_value = b""
        self._name: str | None = None
        self._buffer = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": self.on_end,
        }

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > _PART_LIMIT:
            raise Problem(413, f"a file upload may have at most {_PART_LIMIT} parts")
        self._headers = {}
        self._name = None
        self._buffer = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name")
        self._name = name.decode("utf-8", "replace") if name is not None else None
        if self._name == "content":
            if self.content_seen:
                raise Problem(400, "content: a file upload has exactly one content part")
            self.content_seen = True
            filename = options.get(b"filename")
            if filename is not None:
                self.content_filename = filename.decode("utf-8", "replace")
            part_type = self._headers.get(b"content-type")
            if part_type:
                self.content_type = part_type.decode("latin-1")
            self._file = self.path.open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._name == "content":
            self.size += len(chunk)
            if self.size > self.limit:
                self.too_large = True
                return
            assert self._file is not None
            self._file.write(chunk)
            self.digest.update(chunk)
            self.md5.update(chunk)
        elif self._name is not None:
            if len(self._buffer) + len(chunk) > _FIELD_LIMIT:
                raise Problem(413, f"{self._name}: the field is too large")
            self._buffer += chunk

    def on_part_end(self) -> None:
        if self._name == "content":
            self.close()
        elif self._name is not None:
            self.fields[self._name] = bytes(self._buffer)

    def on_end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


async def receive_upload(request: Request, engine: Engine, limit: int) -> Upload:
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise Problem(400, "the request must be multipart/form-data with a content part")
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit + _MULTIPART_OVERHEAD:
        raise Problem(413, f"files may be at most {limit} bytes")
    file_id, path = engine.files.new_path()
    receiver = _Receiver(path, limit)
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        async for chunk in request.stream():
            try:
                parser.write(chunk)
            except MultipartParseError as exc:
                # python-multipart bounds the number and size of part headers
                status = 413 if "Maximum" in str(exc) else 400
                raise Problem(
                    status, "the multipart body is malformed or its headers too large"
                ) from None
            if receiver.too_large:
                raise Problem(413, f"files may be at most {limit} bytes")
            if receiver.ended:
                break  # what follows the closing boundary is an epilogue, ignored
        parser.finalize()
    except BaseException:
        receiver.close()
        path.unlink(missing_ok=True)
        raise
    receiver.close()
    try:
        return _finish(receiver, file_id, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _finish(receiver: _Receiver, file_id: str, path: Path) -> Upload:
    if not receiver.ended:
        raise Problem(400, "the multipart body ends without its closing boundary")
    if not receiver.content_seen:
        raise invalid_field("content", "is required (a file part named 'content')")
    fields = {k: v.decode("utf-8", "replace") for k, v in receiver.fields.items()}
    metadata: Any = {}
    if fields.get("metadata"):
        try:
            metadata = loads_strict(fields["metadata"])
        except UnrepresentableValue as exc:
            where = f"metadata.{exc.field}" if exc.field else "metadata"
            raise invalid_field(where, exc.message) from None
        except (TooDeep, ValueError):
            raise invalid_field("metadata", "must be valid JSON") from None
        if not isinstance(metadata, dict):
            raise invalid_field("metadata", "must be a JSON object")
    filename = fields.get("filename") or receiver.content_filename
    if filename is not None and len(filename.encode()) > 255:
        raise invalid_field("filename", "must be at most 255 bytes")
    content_type = fields.get("type") or receiver.content_type or "application/octet-stream"
    if len(content_type) > 255 or not _MEDIA_TYPE.fullmatch(content_type):
        raise invalid_field("type", "must be a media type such as image/png")
    return Upload(
        file_id,
        path,
        receiver.size,
        receiver.digest.hexdigest(),
        receiver.md5.hexdigest(),
        content_type,
        filename,
        metadata,
    )
